import { names, type ProjectGraph } from '@nx/devkit';
import type { TaskGraph } from 'nx/src/config/task-graph';
import { createTaskGraph } from 'nx/src/tasks-runner/create-task-graph';
import type {
  BuildRecord,
  DependencyStatus,
  EngineFacts,
  RunRecord,
  TaskSpan,
  TaskStatus,
} from './record';

/** FinishedTask is the part of Nx's TaskResult that metrics read. */
export interface FinishedTask {
  task: {
    id: string;
    target: { project: string; target: string; configuration?: string };
    startTime?: number;
    endTime?: number;
  };
  status: TaskStatus;
  code: number;
}

/** CollectInput is one finished Nx run and what to measure in it. */
export interface CollectInput {
  runId: string;
  startTime: number;
  endTime: number;
  taskResults: Record<string, FinishedTask>;
  graph: ProjectGraph;
  /** targetName is the plugin's container target, "container" by default */
  targetName: string;
  hostPlatform: string;
  env: NodeJS.ProcessEnv;
}

/** EngineProbe asks the engine about one finished image build. */
export type EngineProbe = (
  image: string,
  span: TaskSpan,
) => Promise<EngineFacts>;

/** ImageMetadata is the part of an image project's metadata.image that
 * metrics read (see targets.ts). */
export interface ImageMetadata {
  budgetMinutes?: number;
  platforms?: string[];
}

/** DEFAULT_BUDGET_MINUTES applies to an image whose metadata names none. */
export const DEFAULT_BUDGET_MINUTES = 60;

/**
 * taskSpans turns Nx's task results into timed spans. Nx stamps start and
 * end on every task it runs or takes from its cache; a task it skipped may
 * have neither, or only an end, and is placed at that end (else at the end
 * of the run) with no length.
 */
export function taskSpans(input: CollectInput): TaskSpan[] {
  return Object.values(input.taskResults).map(({ task, status }) => {
    const startTime = task.startTime ?? task.endTime ?? input.endTime;
    return {
      task: task.id,
      project: task.target.project,
      target: task.target.target,
      ...(task.target.configuration
        ? { configuration: task.target.configuration }
        : {}),
      status,
      startTime,
      endTime: Math.max(startTime, task.endTime ?? startTime),
    };
  });
}

/**
 * collectRun builds the run record: every task as a span, and one build
 * record per container task, with its dependencies' cache status from
 * the task graph and the engine's facts from probe.
 */
export async function collectRun(
  input: CollectInput,
  probe: EngineProbe,
): Promise<RunRecord> {
  const spans = taskSpans(input);
  const builds: BuildRecord[] = [];
  for (const span of spans) {
    if (span.target !== input.targetName) continue;
    const image = imageMetadata(input.graph, span.project);
    if (!image) continue;
    builds.push(await buildRecord(input, spans, span, image, probe));
  }

  return {
    runId: input.runId,
    startTime: input.startTime,
    endTime: input.endTime,
    tasks: spans,
    builds,
  };
}

/** imageMetadata is what the plugin put under metadata.image of an image
 * project; undefined for any other project. */
export function imageMetadata(
  graph: ProjectGraph,
  project: string,
): ImageMetadata | undefined {
  const metadata = graph.nodes[project]?.data.metadata as
    { image?: ImageMetadata } | undefined;
  return metadata?.image;
}

/** targetPlatforms are the platforms a target's options (merged with one
 * configuration) build for; undefined when they name none (the host). */
export function targetPlatforms(
  graph: ProjectGraph,
  project: string,
  targetName: string,
  configuration: string | undefined,
): string[] | undefined {
  const target = graph.nodes[project]?.data.targets?.[targetName];
  const options = {
    ...target?.options,
    ...(configuration ? target?.configurations?.[configuration] : {}),
  } as { platforms?: string[] };
  return options.platforms && options.platforms.length > 0
    ? options.platforms
    : undefined;
}

async function buildRecord(
  input: CollectInput,
  spans: TaskSpan[],
  span: TaskSpan,
  image: ImageMetadata,
  probe: EngineProbe,
): Promise<BuildRecord> {
  const notes: string[] = [];
  const dependencies = dependencyStatuses(input, spans, span, notes);
  const engine: EngineFacts =
    span.status === 'skipped'
      ? { notes: ['the build did not run (a task it depends on failed)'] }
      : await probe(span.project, span);
  if (notes.length > 0) engine.notes = [...(engine.notes ?? []), ...notes];

  return {
    runId: input.runId,
    task: span.task,
    image: span.project,
    configuration: span.configuration ?? 'default',
    platforms: buildPlatforms(input, span),
    status: span.status,
    startTime: span.startTime,
    endTime: span.endTime,
    durationMs: span.endTime - span.startTime,
    budgetMinutes: image.budgetMinutes ?? DEFAULT_BUDGET_MINUTES,
    dependencies,
    engine,
  };
}

// The tasks a container task waited for, directly or through others, as
// Nx's own task graph for that one task lists them. A graph Nx cannot
// build leaves the list empty and says why in notes.
function dependencyStatuses(
  input: CollectInput,
  spans: TaskSpan[],
  span: TaskSpan,
  notes: string[],
): DependencyStatus[] {
  let taskGraph: TaskGraph;
  try {
    taskGraph = createTaskGraph(
      input.graph,
      {},
      [span.project],
      [span.target],
      span.configuration,
      {},
    );
  } catch (error) {
    notes.push(
      `the dependencies of ${span.task} are unknown: Nx could not build ` +
        `its task graph (${(error as Error).message})`,
    );
    return [];
  }

  const byId = new Map(spans.map((each) => [each.task, each]));
  return transitiveDependencies(taskGraph, span.task)
    .map((id) => byId.get(id))
    .filter((found): found is TaskSpan => found !== undefined)
    .map((found) => ({
      task: found.task,
      status: found.status,
      durationMs: found.endTime - found.startTime,
    }));
}

function transitiveDependencies(taskGraph: TaskGraph, root: string): string[] {
  const seen = new Set<string>();
  const pending = [...(taskGraph.dependencies[root] ?? [])];
  while (pending.length > 0) {
    const id = pending.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    pending.push(...(taskGraph.dependencies[id] ?? []));
  }
  return [...seen].sort();
}

// The platforms a build was for: nx-container's INPUT_<PROJECT>_PLATFORMS
// or INPUT_PLATFORMS override when set (its getInput reads them in that
// order), else the configuration's platforms, else the engine's own.
function buildPlatforms(input: CollectInput, span: TaskSpan): string[] {
  const prefixed = `INPUT_${names(span.project).constantName}_PLATFORMS`;
  const override = (input.env[prefixed] || input.env.INPUT_PLATFORMS)?.trim();
  if (override) {
    return override
      .split(/[\n,]/)
      .map((platform) => platform.trim())
      .filter(Boolean);
  }
  const configured = targetPlatforms(
    input.graph,
    span.project,
    span.target,
    span.configuration,
  );
  return configured ?? [input.hostPlatform];
}
