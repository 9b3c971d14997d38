import type { Finding, RunRecord } from '../record';

/** Reporter shows one finished run somewhere: a terminal, GitHub, a file. */
export interface Reporter {
  name: string;
  report(run: RunRecord, findings: Finding[]): Promise<void>;
}

/**
 * ReportOutput is where reporters print: stdout for workflow commands,
 * stderr for people. The plugin's hook replaces it inside an Nx plugin
 * worker, whose own streams Nx may stop reading before they are drained.
 */
export interface ReportOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** processOutput prints to this process's own stdout and stderr. */
export const processOutput: ReportOutput = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};
