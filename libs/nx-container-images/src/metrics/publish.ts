import type { ProjectGraph } from '@nx/devkit';
import {
  DEFAULT_BUDGET_MINUTES,
  imageMetadata,
  targetPlatforms,
} from './collect';
import {
  appendHistory,
  metricsDirectory,
  readLastRun,
  writeLastRun,
} from './history';
import { hostPlatform } from './hook';
import type { BuildRecord, RunRecord, TaskStatus } from './record';
import { defaultReporters, reportRun } from './report';
import { processOutput, type ReportOutput } from './reporters/reporter';

/** BuildAttempt is what build-affected itself saw of one nx run. */
export interface BuildAttempt {
  image: string;
  target: string;
  configuration?: string;
  startTime: number;
  endTime: number;
  timedOut: boolean;
  error?: string;
}

/**
 * publishMetrics reports every image build of a build-affected run once:
 * the builds the plugin's hook recorded under runId, plus one record for
 * each attempt that left none (killed at its timeout, or Nx itself died),
 * timed by build-affected from spawn to exit. It runs before the exit
 * status is decided, so a failed run still publishes what it measured; a
 * failure here is one warning and never changes that status.
 */
export async function publishMetrics(
  workspaceRoot: string,
  graph: ProjectGraph,
  runId: string,
  attempts: BuildAttempt[],
  env: NodeJS.ProcessEnv,
  output: ReportOutput = processOutput,
): Promise<void> {
  const warn = (line: string) => output.stderr(`container metrics: ${line}\n`);
  try {
    const directory = metricsDirectory(workspaceRoot, env);
    const run = recordedRun(directory, runId, attempts);
    const unrecorded = attachAttempts(run, graph, attempts, warn);
    if (unrecorded.length > 0) {
      appendHistory(directory, unrecorded);
      writeLastRun(directory, { ...run, tasks: [], builds: unrecorded });
      run.builds.push(...unrecorded);
    }

    // The hook already wrote the recorded builds to the history file.
    const reporters = defaultReporters(directory, env, output).filter(
      (reporter) => reporter.name !== 'history',
    );
    await reportRun(run, { directory, env, reporters, output });
  } catch (error) {
    warn(
      `the metrics of run ${runId} were not published: ` +
        `${(error as Error).message} (the build result is unaffected)`,
    );
  }
}

function recordedRun(
  directory: string,
  runId: string,
  attempts: BuildAttempt[],
): RunRecord {
  const recorded = readLastRun(directory);
  if (recorded?.runId === runId) return recorded;
  const now = Date.now();
  return {
    runId,
    startTime: Math.min(now, ...attempts.map((each) => each.startTime)),
    endTime: Math.max(0, ...attempts.map((each) => each.endTime)),
    tasks: [],
    builds: [],
  };
}

// Adds what only build-affected knows (the timeout, the command's error)
// to the builds the hook recorded, and returns a record for each attempt
// the hook left none for.
function attachAttempts(
  run: RunRecord,
  graph: ProjectGraph,
  attempts: BuildAttempt[],
  warn: (line: string) => void,
): BuildRecord[] {
  const unrecorded: BuildRecord[] = [];
  for (const attempt of attempts) {
    const task = taskId(attempt);
    const found = run.builds.find((build) => build.task === task);
    if (found) {
      if (attempt.timedOut) found.status = 'timeout';
      if (attempt.error) found.error ??= attempt.error;
      continue;
    }
    unrecorded.push(unrecordedBuild(graph, run.runId, task, attempt));
  }

  const unexplained = unrecorded.filter((build) => !build.error);
  if (unexplained.length > 0) {
    warn(
      `Nx recorded nothing for ${unexplained.map((b) => b.task).join(', ')} ` +
        '(did its postTasksExecution hook run? see the lines above); ' +
        'they are reported as build-affected timed them, from spawn to exit',
    );
  }
  return unrecorded;
}

function taskId(attempt: BuildAttempt): string {
  return [attempt.image, attempt.target, attempt.configuration]
    .filter(Boolean)
    .join(':');
}

function unrecordedBuild(
  graph: ProjectGraph,
  runId: string,
  task: string,
  attempt: BuildAttempt,
): BuildRecord {
  const status: TaskStatus = attempt.timedOut
    ? 'timeout'
    : attempt.error
      ? 'failure'
      : 'success';
  const platforms = targetPlatforms(
    graph,
    attempt.image,
    attempt.target,
    attempt.configuration,
  );
  return {
    runId,
    task,
    image: attempt.image,
    configuration: attempt.configuration ?? 'default',
    platforms: platforms ?? [hostPlatform()],
    status,
    startTime: attempt.startTime,
    endTime: attempt.endTime,
    durationMs: attempt.endTime - attempt.startTime,
    budgetMinutes:
      imageMetadata(graph, attempt.image)?.budgetMinutes ??
      DEFAULT_BUDGET_MINUTES,
    dependencies: [],
    engine: {
      notes: ['Nx recorded nothing for this build; build-affected timed it'],
    },
    ...(attempt.error ? { error: attempt.error } : {}),
  };
}
