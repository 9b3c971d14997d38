import type { ProjectGraph } from '@nx/devkit';
import type { Task, TaskGraph } from 'nx/src/config/task-graph';
import { readNxJson } from 'nx/src/config/nx-json';
import { hashArray } from 'nx/src/hasher/file-hasher';
import { InProcessTaskHasher } from 'nx/src/hasher/task-hasher';
import { getFileMap } from 'nx/src/project-graph/build-project-graph';
import { createTaskGraph } from 'nx/src/tasks-runner/create-task-graph';
import { getTaskSpecificEnv } from 'nx/src/tasks-runner/task-env';

/** ImageHash is the receipt key of one container task and what made it. */
export interface ImageHash {
  image: string;
  taskId: string;
  hash: string;
  /** dependencies are the task ids whose hashes the receipt covers */
  dependencies: string[];
}

/**
 * hashImageTask hashes an image's container task with Nx's own hasher and
 * the inputs the plugin declares. Outputs of dependency tasks stand in by
 * the hashes of the tasks that produce them, each taken the same way, so
 * the result predicts what a build would produce without building it and
 * never depends on whatever sits in dist/ on this machine.
 */
export async function hashImageTask(
  graph: ProjectGraph,
  image: string,
  target: string,
  configuration: string | undefined,
): Promise<ImageHash> {
  const taskGraph = createTaskGraph(
    graph,
    {},
    [image],
    [target],
    configuration,
    {},
  );
  const root = taskGraph.roots.find((id) => id.startsWith(`${image}:`));
  const taskId =
    root ??
    Object.keys(taskGraph.tasks).find((id) => id.startsWith(`${image}:`));
  if (!taskId) {
    throw new Error(
      `hashing ${image}:${target}: Nx made no task for it (is ${image} an ` +
        `image project with a "${target}" target?)`,
    );
  }

  const hasher = new InProcessTaskHasher(
    graph,
    readNxJson(),
    getFileMap().rustReferences,
    {},
  );
  const dependencies = transitiveDependencies(taskGraph, taskId);
  const parts: string[] = [];
  for (const id of [taskId, ...dependencies]) {
    parts.push(id, await hashAlone(hasher, graph, taskGraph, id));
  }

  return { image, taskId, hash: hashArray(parts), dependencies };
}

// A task hashed in a graph where it has no dependencies: Nx then reads no
// dependency outputs from disk for its dependentTasksOutputFiles inputs.
async function hashAlone(
  hasher: InProcessTaskHasher,
  graph: ProjectGraph,
  taskGraph: TaskGraph,
  id: string,
): Promise<string> {
  const task: Task = { ...taskGraph.tasks[id] };
  const alone: TaskGraph = {
    ...taskGraph,
    roots: [id],
    tasks: { [id]: task },
    dependencies: { [id]: [] },
    continuousDependencies: { [id]: [] },
  };
  const env = getTaskSpecificEnv(task, graph);
  const { value } = await hasher.hashTask(task, alone, env);
  return value;
}

function transitiveDependencies(taskGraph: TaskGraph, id: string): string[] {
  const seen = new Set<string>();
  const visit = (from: string) => {
    for (const next of taskGraph.dependencies[from] ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        visit(next);
      }
    }
  };
  visit(id);
  return [...seen].sort();
}
