import {
  readCachedProjectGraph,
  type PostTasksExecutionContext,
  type ProjectGraph,
} from '@nx/devkit';
import { collectRun, type EngineProbe, type FinishedTask } from './collect';
import { engineProbe } from './engine';
import { metricsDirectory } from './history';
import { historyReporter } from './reporters/history';
import { processOutput, type ReportOutput } from './reporters/reporter';
import { reportRun } from './report';
import type { RunRecord } from './record';

/** RUN_ID_VARIABLE lets a caller that runs Nx several times (build-affected)
 * gather every run under one id and report them once, at its end. */
export const RUN_ID_VARIABLE = 'CONTAINER_METRICS_RUN_ID';

/** PUBLISH_COMMAND prints a recorded run that no terminal has shown. */
export const PUBLISH_COMMAND =
  'npx tsx libs/nx-container-images/src/cli/publish-metrics.ts';

/** HookRuntime is what the hook takes from its process; tests pass their
 * own. */
export interface HookRuntime {
  env: NodeJS.ProcessEnv;
  readGraph: () => ProjectGraph;
  output: () => Promise<ReportOutput>;
  probe?: EngineProbe;
}

const processRuntime: HookRuntime = {
  env: process.env,
  readGraph: readCachedProjectGraph,
  output: workerOutput,
};

/**
 * recordContainerRun is the plugin's postTasksExecution: when the run had
 * container tasks, it measures them and reports (terminal, history file,
 * GitHub). Metrics never fail the run; a failure to record is one warning.
 */
export async function recordContainerRun(
  targetName: string,
  context: PostTasksExecutionContext,
  runtime: HookRuntime = processRuntime,
): Promise<void> {
  const taskResults: Record<string, FinishedTask> = context.taskResults;
  const hasImages = Object.values(taskResults).some(
    ({ task }) => task.target.target === targetName,
  );
  if (!hasImages) return;

  const output = await runtime.output().catch((error: Error) => {
    process.stderr.write(
      `container metrics: Nx's plugin log channel is not available ` +
        `(${error.message}); printing directly, and Nx may cut it short\n`,
    );
    return processOutput;
  });
  const warn = (line: string) => output.stderr(`${line}\n`);
  const { env } = runtime;
  try {
    const run = await collectRun(
      {
        runId: env[RUN_ID_VARIABLE] || context.id,
        startTime: context.startTime,
        endTime: context.endTime,
        taskResults,
        graph: runtime.readGraph(),
        targetName,
        hostPlatform: hostPlatform(),
        env,
      },
      runtime.probe ?? engineProbe(context.workspaceRoot, { env, warn }),
    );
    await publishRun(run, context.workspaceRoot, env, output);
  } catch (error) {
    warn(
      `container metrics: run ${context.id} was not recorded: ` +
        `${(error as Error).message} (the build result is unaffected)`,
    );
  }
}

// Who sees the run: build-affected reports all its Nx runs at its end;
// the Nx daemon has no terminal, so it only records; anyone else reports.
async function publishRun(
  run: RunRecord,
  workspaceRoot: string,
  env: NodeJS.ProcessEnv,
  output: ReportOutput,
): Promise<void> {
  const directory = metricsDirectory(workspaceRoot, env);
  if (env[RUN_ID_VARIABLE]) {
    await historyReporter(directory).report(run, []);
    return;
  }
  if (env.NX_DAEMON_PROCESS === 'true') {
    await historyReporter(directory).report(run, []);
    output.stderr(
      `container metrics: the Nx daemon ran this run's hook, and no ` +
        `terminal shows its output: run ${run.runId} is recorded in ` +
        `${directory} (show it with ${PUBLISH_COMMAND}, or run Nx with ` +
        'NX_DAEMON=false)\n',
    );
    return;
  }
  await reportRun(run, { directory, env, output });
}

/**
 * workerOutput prints through Nx's plugin-worker log channel. Nx stops
 * reading a worker's own stdout and stderr when the hook returns, so lines
 * written there are sometimes lost; the log channel shares the socket that
 * carries the hook's answer, so its lines arrive first. Outside a worker
 * it writes to the console. On the daemon the channel reaches no terminal
 * and no log, while the worker's own streams end up in the daemon's log.
 */
async function workerOutput(): Promise<ReportOutput> {
  if (process.env.NX_DAEMON_PROCESS === 'true') return processOutput;
  const { emitPluginWorkerLog } = await import('@nx/devkit/internal');
  const emit = (level: 'log' | 'warn') => (text: string) =>
    emitPluginWorkerLog(level, text.replace(/\n$/, ''));
  return { stdout: emit('log'), stderr: emit('warn') };
}

/** hostPlatform is the engine platform of this machine, as linux/<arch>. */
export function hostPlatform(): string {
  const arch = { x64: 'amd64', arm64: 'arm64' }[process.arch as string];
  return `linux/${arch ?? process.arch}`;
}
