import { terminalReport } from '../format';
import { processOutput, type ReportOutput, type Reporter } from './reporter';

/**
 * terminalReporter prints the run's table and findings after Nx's own
 * summary, on stderr so that commands printing JSON keep a clean stdout.
 */
export function terminalReporter(
  output: ReportOutput = processOutput,
): Reporter {
  return {
    name: 'terminal',
    async report(run, findings) {
      if (run.builds.length === 0) return;
      output.stderr(`\n${terminalReport(run.builds, findings)}\n`);
    },
  };
}
