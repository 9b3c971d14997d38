import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { BuildRecord, RunRecord } from './record';

/** DEFAULT_METRICS_DIRECTORY is where runs are kept, under the workspace. */
export const DEFAULT_METRICS_DIRECTORY = 'tmp/metrics';

/** HISTORY_FILE holds one BuildRecord per line, oldest first. */
export const HISTORY_FILE = 'history.jsonl';

/** LAST_RUN_FILE holds the RunRecord of the most recent run, with every
 * task of it (crates, router, images), for the timeline. */
export const LAST_RUN_FILE = 'last-run.json';

/**
 * metricsDirectory resolves where metrics live: CONTAINER_METRICS_DIR when
 * set (absolute, or relative to the workspace), else tmp/metrics.
 */
export function metricsDirectory(
  workspaceRoot: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const configured = env.CONTAINER_METRICS_DIR || DEFAULT_METRICS_DIRECTORY;
  return isAbsolute(configured) ? configured : join(workspaceRoot, configured);
}

/**
 * readHistory returns every build in the history file, oldest first. A
 * line that is not a build record is skipped and named, as file:line, in
 * problems.
 */
export function readHistory(directory: string): {
  builds: BuildRecord[];
  problems: string[];
} {
  const file = join(directory, HISTORY_FILE);
  if (!existsSync(file)) return { builds: [], problems: [] };
  const builds: BuildRecord[] = [];
  const problems: string[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, index) => {
      if (line.trim() === '') return;
      const parsed = parseBuildLine(line);
      if (typeof parsed === 'string') {
        problems.push(`${file}:${index + 1}: ${parsed}; the line is ignored`);
      } else {
        builds.push(parsed);
      }
    });
  return { builds, problems };
}

// The fields the report, the judge and the charts read from old builds.
const RECORD_FIELDS: Record<string, (value: unknown) => boolean> = {
  image: (value) => typeof value === 'string',
  configuration: (value) => typeof value === 'string',
  platforms: (value) => Array.isArray(value),
  status: (value) => typeof value === 'string',
  startTime: (value) => typeof value === 'number',
  durationMs: (value) => typeof value === 'number',
  budgetMinutes: (value) => typeof value === 'number',
};

// One history line's record, or what is wrong with the line.
function parseBuildLine(line: string): BuildRecord | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (error) {
    return `not JSON (${(error as Error).message})`;
  }
  const build = parsed as Record<string, unknown> | null;
  const missing = Object.entries(RECORD_FIELDS)
    .filter(([field, check]) => !check(build?.[field]))
    .map(([field]) => field);
  if (missing.length > 0) {
    return `not a build record (no valid ${missing.join(', ')})`;
  }
  return build as unknown as BuildRecord;
}

/** appendHistory adds builds to the history file, one JSON line each. */
export function appendHistory(directory: string, builds: BuildRecord[]): void {
  if (builds.length === 0) return;
  mkdirSync(directory, { recursive: true });
  const lines = builds.map((build) => JSON.stringify(build)).join('\n');
  appendFileSync(join(directory, HISTORY_FILE), `${lines}\n`);
}

/**
 * writeLastRun stores a run for the timeline. A run with the id of the one
 * already stored is merged into it: build-affected runs Nx once per image
 * and configuration under one id, and the timeline shows all of them.
 */
export function writeLastRun(directory: string, run: RunRecord): RunRecord {
  mkdirSync(directory, { recursive: true });
  const file = join(directory, LAST_RUN_FILE);
  const previous = readLastRun(directory);
  const merged =
    previous && previous.runId === run.runId
      ? {
          runId: run.runId,
          startTime: Math.min(previous.startTime, run.startTime),
          endTime: Math.max(previous.endTime, run.endTime),
          tasks: [...previous.tasks, ...run.tasks],
          builds: [...previous.builds, ...run.builds],
        }
      : run;
  writeFileSync(file, `${JSON.stringify(merged, null, 2)}\n`);
  return merged;
}

/** readLastRun returns the stored run, if any. It throws, naming the file
 * and the fix, when the file is not JSON. */
export function readLastRun(directory: string): RunRecord | undefined {
  const file = join(directory, LAST_RUN_FILE);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as RunRecord;
  } catch (error) {
    throw new Error(
      `reading ${file}: ${(error as Error).message} (delete the file; ` +
        'the next run with container tasks writes it again)',
    );
  }
}
