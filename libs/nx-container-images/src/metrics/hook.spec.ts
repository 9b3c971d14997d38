import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { capturedContext, capturedGraph } from './fixtures/nx-run';
import { readHistory, readLastRun } from './history';
import {
  PUBLISH_COMMAND,
  recordContainerRun,
  RUN_ID_VARIABLE,
  type HookRuntime,
} from './hook';

let directory: string;
let printed: { stdout: string; stderr: string };
const savedSummary = process.env.GITHUB_STEP_SUMMARY;

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'metrics-hook-'));
  printed = { stdout: '', stderr: '' };
  // The GitHub reporter writes the summary where the process says.
  delete process.env.GITHUB_STEP_SUMMARY;
});
afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
  if (savedSummary !== undefined)
    process.env.GITHUB_STEP_SUMMARY = savedSummary;
});

function runtime(
  env: NodeJS.ProcessEnv = {},
  changes: Partial<HookRuntime> = {},
): HookRuntime {
  return {
    env: { CONTAINER_METRICS_DIR: directory, ...env },
    readGraph: capturedGraph,
    output: async () => ({
      stdout: (text) => void (printed.stdout += text),
      stderr: (text) => void (printed.stderr += text),
    }),
    probe: async () => ({ digest: 'sha256:5b0c8e2d41f7a9c3e6d8b1a0f9e8d7c6' }),
    ...changes,
  };
}

describe('recordContainerRun', () => {
  it('records the run and prints the report in the terminal', async () => {
    const context = capturedContext('fresh');
    await recordContainerRun('container', context, runtime());

    expect(readHistory(directory).builds.map((build) => build.task)).toEqual([
      'extproc:container',
    ]);
    expect(readLastRun(directory)?.tasks).toHaveLength(7);
    expect(printed.stderr).toContain('Container image builds:');
    expect(printed.stderr).toContain('extproc (linux/');
    expect(printed.stderr).toContain('Build time: 0m 0s');
    expect(printed.stdout).toBe('');
  });

  it('sends the GitHub notices through its output inside a job', async () => {
    await recordContainerRun(
      'container',
      capturedContext('container-failed'),
      runtime({ GITHUB_ACTIONS: 'true' }),
    );
    expect(printed.stdout).toMatch(
      /^::error title=extproc \(linux\/arm64\)%3A build failed::extproc \(linux\/arm64\) failed after 0m 0s\n$/,
    );
  });

  it('only records when build-affected reports the run later', async () => {
    const context = capturedContext('fresh');
    await recordContainerRun(
      'container',
      context,
      runtime({ [RUN_ID_VARIABLE]: 'build-affected-1' }),
    );

    expect(readLastRun(directory)?.runId).toBe('build-affected-1');
    expect(printed).toEqual({ stdout: '', stderr: '' });
  });

  it('only records on the Nx daemon, and says where to see the run', async () => {
    const context = capturedContext('fresh');
    await recordContainerRun(
      'container',
      context,
      runtime({ NX_DAEMON_PROCESS: 'true' }),
    );

    expect(readHistory(directory).builds).toHaveLength(1);
    expect(printed.stderr).toBe(
      `container metrics: the Nx daemon ran this run's hook, and no ` +
        `terminal shows its output: run ${context.id} is recorded in ` +
        `${directory} (show it with ${PUBLISH_COMMAND}, or run Nx with ` +
        'NX_DAEMON=false)\n',
    );
  });

  it('does nothing for a run without container tasks', async () => {
    await recordContainerRun(
      'container',
      capturedContext('dependency-failed'),
      runtime(),
    );
    expect(existsSync(join(directory, 'history.jsonl'))).toBe(false);
    expect(printed).toEqual({ stdout: '', stderr: '' });
  });

  it('turns a failure to record into one warning', async () => {
    const context = capturedContext('fresh');
    const broken = runtime(
      {},
      {
        readGraph: () => {
          throw new Error('No cached ProjectGraph is available.');
        },
      },
    );
    await expect(
      recordContainerRun('container', context, broken),
    ).resolves.toBeUndefined();
    expect(printed.stderr).toBe(
      `container metrics: run ${context.id} was not recorded: No cached ` +
        'ProjectGraph is available. (the build result is unaffected)\n',
    );
  });
});
