/**
 * The shapes one run of container tasks leaves behind. They are written to
 * the history file as JSON, so every field is plain data.
 */

/** TaskStatus is Nx's status of a finished task, plus "timeout". */
export type TaskStatus =
  | 'success'
  | 'failure'
  | 'skipped'
  | 'stopped'
  | 'local-cache-kept-existing'
  | 'local-cache'
  | 'remote-cache'
  | 'timeout';

/** TaskSpan is one task of a run as Nx timed it (epoch milliseconds). */
export interface TaskSpan {
  task: string;
  project: string;
  target: string;
  configuration?: string;
  status: TaskStatus;
  startTime: number;
  endTime: number;
}

/** DependencyStatus is how Nx satisfied a task an image build waited for. */
export interface DependencyStatus {
  task: string;
  status: TaskStatus;
  durationMs: number;
}

/** EngineFacts are what the engine reported about a finished build. */
export interface EngineFacts {
  digest?: string;
  imageId?: string;
  /** sizeBytes is the unpacked size of a loaded image, or the sum of the
   * compressed layers and config of a pushed one (see sizeKind). */
  sizeBytes?: number;
  sizeKind?: 'unpacked' | 'compressed';
  cachedSteps?: number;
  totalSteps?: number;
  buildRef?: string;
  /** notes say which fact could not be read, and why. */
  notes?: string[];
}

/** BuildRecord is one run of one image's container task. */
export interface BuildRecord {
  runId: string;
  task: string;
  image: string;
  configuration: string;
  platforms: string[];
  status: TaskStatus;
  startTime: number;
  endTime: number;
  durationMs: number;
  budgetMinutes: number;
  dependencies: DependencyStatus[];
  engine: EngineFacts;
  error?: string;
}

/** RunRecord is everything one run of Nx (or of build-affected) did. */
export interface RunRecord {
  runId: string;
  startTime: number;
  endTime: number;
  tasks: TaskSpan[];
  builds: BuildRecord[];
}

/** Finding is a judgement on one build: over budget, slower, failed. */
export interface Finding {
  kind: 'failed' | 'over-budget' | 'slower-than-history';
  build: BuildRecord;
  message: string;
}

/** succeeded says whether a status means the task produced its result. */
export function succeeded(status: TaskStatus): boolean {
  return (
    status === 'success' ||
    status === 'local-cache' ||
    status === 'local-cache-kept-existing' ||
    status === 'remote-cache'
  );
}
