import { readHistory } from './history';
import { DEFAULT_POLICY, judgeBuilds, type MetricsPolicy } from './judge';
import type { Finding, RunRecord } from './record';
import { githubReporter } from './reporters/github';
import { historyReporter } from './reporters/history';
import {
  processOutput,
  type ReportOutput,
  type Reporter,
} from './reporters/reporter';
import { terminalReporter } from './reporters/terminal';

/** ReportOptions say where a run is kept and who is told about it. */
export interface ReportOptions {
  directory: string;
  env: NodeJS.ProcessEnv;
  policy?: MetricsPolicy;
  /** reporters replace the default set (history, terminal, GitHub). */
  reporters?: Reporter[];
  /** output is where the default reporters and warnings print. */
  output?: ReportOutput;
}

/** onGitHub says whether the run is a GitHub Actions job step. */
export function onGitHub(env: NodeJS.ProcessEnv): boolean {
  return env.GITHUB_ACTIONS === 'true' || Boolean(env.GITHUB_STEP_SUMMARY);
}

/** defaultReporters: the history file always, the terminal always, GitHub
 * annotations and the step summary inside a GitHub job. */
export function defaultReporters(
  directory: string,
  env: NodeJS.ProcessEnv,
  output: ReportOutput = processOutput,
): Reporter[] {
  return [
    historyReporter(directory),
    terminalReporter(output),
    ...(onGitHub(env) ? [githubReporter(output)] : []),
  ];
}

/**
 * reportRun judges a run against the budgets and the history kept so far,
 * then hands it to every reporter. A reporter that fails is named in one
 * warning and the others still run: metrics never fail a build.
 */
export async function reportRun(
  run: RunRecord,
  options: ReportOptions,
): Promise<Finding[]> {
  const output = options.output ?? processOutput;
  const warn = (line: string) => output.stderr(`container metrics: ${line}\n`);
  const history = readHistory(options.directory);
  history.problems.forEach(warn);
  const findings = judgeBuilds(
    run.builds,
    history.builds,
    options.policy ?? DEFAULT_POLICY,
  );

  const reporters =
    options.reporters ??
    defaultReporters(options.directory, options.env, output);
  for (const reporter of reporters) {
    try {
      await reporter.report(run, findings);
    } catch (error) {
      warn(
        `the ${reporter.name} report failed: ${(error as Error).message} ` +
          '(the build result is unaffected)',
      );
    }
  }
  return findings;
}
