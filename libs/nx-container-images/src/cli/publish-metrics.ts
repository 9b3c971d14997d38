import { join, relative } from 'node:path';
import {
  LAST_RUN_FILE,
  metricsDirectory,
  readLastRun,
} from '../metrics/history';
import { defaultReporters, reportRun } from '../metrics/report';

export { publishMetrics, type BuildAttempt } from '../metrics/publish';

/** USAGE is printed by --help. */
export const USAGE = `publish-metrics: report the last recorded run of container tasks.

Usage: npx tsx libs/nx-container-images/src/cli/publish-metrics.ts [--run-id ID]

Reads last-run.json in the metrics directory (CONTAINER_METRICS_DIR,
default tmp/metrics) and reports it again: the table in the terminal and,
inside a GitHub job (GITHUB_ACTIONS or GITHUB_STEP_SUMMARY set), the step
summary and one notice, error or warning per image. The history file is
not written again. Use it when the Nx daemon ran the plugin's hook (its
output goes to the daemon log), or to report a run from a later step.

  --run-id ID   fail unless the last run has this id
  -h, --help    print this text`;

/**
 * main reports the last run and returns the exit status. A workspace with
 * no recorded run is one line and status 0, so a CI step that publishes
 * after a job which built no image does not fail; a run that is not the
 * one asked for (--run-id) throws.
 */
export async function main(
  argv: string[],
  workspaceRoot: string,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const { help, runId } = parseArguments(argv);
  if (help) {
    console.log(USAGE);
    return 0;
  }

  const directory = metricsDirectory(workspaceRoot, env);
  const file = relative(workspaceRoot, join(directory, LAST_RUN_FILE));
  const run = readLastRun(directory);
  if (!run) {
    process.stderr.write(
      `publish-metrics: ${file} does not exist: no run with container ` +
        'tasks was recorded here, so there is nothing to report\n',
    );
    return 0;
  }
  if (runId && run.runId !== runId) {
    throw new Error(
      `${file} holds run ${run.runId}, not ${runId} (a later run replaced ` +
        'it; its builds are still in history.jsonl)',
    );
  }

  const reporters = defaultReporters(directory, env).filter(
    (reporter) => reporter.name !== 'history',
  );
  await reportRun(run, { directory, env, reporters });
  return 0;
}

function parseArguments(argv: string[]): { help: boolean; runId?: string } {
  let runId: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    if (argument === '-h' || argument === '--help') return { help: true };
    if (argument === '--run-id' && argv[i + 1]) {
      runId = argv[++i];
      continue;
    }
    throw new Error(
      `unknown option or missing value "${argument}" (see --help)`,
    );
  }
  return { help: false, runId };
}

// build-affected imports this file for publishMetrics; only a direct run
// is the command. Under vitest there is no CommonJS require at all.
if (typeof require !== 'undefined' && require.main === module) {
  main(process.argv.slice(2), process.cwd(), process.env).then(
    (code) => process.exit(code),
    (error: Error) => {
      process.stderr.write(`publish-metrics: ${error.message}\n`);
      process.exit(2);
    },
  );
}
