import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { capturedGraph, capturedRun } from './fixtures/nx-run';
import { appendHistory, readHistory, writeLastRun } from './history';
import { hostPlatform } from './hook';
import { publishMetrics, type BuildAttempt } from './publish';

const RUN_ID = 'build-affected-1796341896000-4242';
let workspace: string;
let stderr: string;
const output = {
  stdout: () => undefined,
  stderr: (text: string) => void (stderr += text),
};
const env = () => ({ CONTAINER_METRICS_DIR: join(workspace, 'metrics') });

beforeEach(() => {
  workspace = mkdtempSync(join(tmpdir(), 'metrics-publish-'));
  stderr = '';
});
afterEach(() => rmSync(workspace, { recursive: true, force: true }));

// What the hook leaves when build-affected ran `nx run` once: the run
// under build-affected's id, in history and last-run.json.
async function hookRecorded(): Promise<void> {
  const run = await capturedRun('container-failed', RUN_ID);
  appendHistory(join(workspace, 'metrics'), run.builds);
  writeLastRun(join(workspace, 'metrics'), run);
}

const attempt = (changes: Partial<BuildAttempt>): BuildAttempt => ({
  image: 'extproc',
  target: 'container',
  configuration: 'ci-linux-arm64',
  startTime: 1796341895000,
  endTime: 1796341897000,
  timedOut: false,
  ...changes,
});

describe('publishMetrics', () => {
  it('adds build-affected’s error to the build the hook recorded', async () => {
    await hookRecorded();
    const error = 'npx nx run extproc:container:ci-linux-arm64 exited with 1';
    await publishMetrics(
      workspace,
      capturedGraph(),
      RUN_ID,
      [attempt({ error })],
      env(),
      output,
    );

    expect(stderr).toContain('Container image builds:');
    expect(stderr).toContain(
      `failed: extproc (linux/arm64) failed after 0m 0s: ${error}`,
    );
    expect(readHistory(join(workspace, 'metrics')).builds).toHaveLength(1);
  });

  it('records a build that timed out, which Nx never got to report', async () => {
    await hookRecorded();
    const timedOut = attempt({
      image: 'stack',
      configuration: undefined,
      timedOut: true,
      endTime: 1796341895000 + 95_000,
      error: 'npx nx run stack:container timed out after 1m 35s and was killed',
    });
    await publishMetrics(
      workspace,
      capturedGraph(),
      RUN_ID,
      [attempt({}), timedOut],
      env(),
      output,
    );

    const builds = readHistory(join(workspace, 'metrics')).builds;
    expect(builds.map((build) => [build.task, build.status])).toEqual([
      ['extproc:container:ci-linux-arm64', 'failure'],
      ['stack:container', 'timeout'],
    ]);
    expect(builds[1]).toMatchObject({
      durationMs: 95_000,
      platforms: [hostPlatform()],
      budgetMinutes: 60,
      engine: {
        notes: ['Nx recorded nothing for this build; build-affected timed it'],
      },
    });
    expect(stderr).toContain(
      `failed: stack (${hostPlatform()}) timed out after 1m 35s: npx nx run`,
    );
  });

  it('warns when a successful build left no record, and reports it anyway', async () => {
    await publishMetrics(
      workspace,
      capturedGraph(),
      RUN_ID,
      [attempt({})],
      env(),
      output,
    );

    expect(stderr).toMatch(
      /^container metrics: Nx recorded nothing for extproc:container:ci-linux-arm64 \(did its postTasksExecution hook run\? see the lines above\); they are reported as build-affected timed them, from spawn to exit\n/,
    );
    expect(stderr).toContain(
      'extproc (linux/arm64)  ci-linux-arm64  built  Build time: 0m 2s',
    );
  });

  it('never throws: a metrics directory it cannot write is one warning', async () => {
    writeFileSync(
      join(workspace, 'metrics'),
      'a file where the directory should be',
    );
    await expect(
      publishMetrics(
        workspace,
        capturedGraph(),
        RUN_ID,
        [attempt({ error: 'exit 1' })],
        env(),
        output,
      ),
    ).resolves.toBeUndefined();
    expect(stderr).toMatch(
      new RegExp(
        `^container metrics: the metrics of run ${RUN_ID} were not published: .+ \\(the build result is unaffected\\)\\n$`,
      ),
    );
    expect(readFileSync(join(workspace, 'metrics'), 'utf8')).toContain(
      'a file',
    );
  });
});
