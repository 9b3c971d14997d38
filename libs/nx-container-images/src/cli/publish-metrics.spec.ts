import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BUILD } from '../metrics/fixtures/builds';
import { appendHistory, readHistory, writeLastRun } from '../metrics/history';
import { main, USAGE } from './publish-metrics';

const WORKSPACE_ROOT = join(__dirname, '../../../..');
const TSX = join(WORKSPACE_ROOT, 'node_modules/.bin/tsx');

let workspace: string;
let stderr: string;
beforeEach(() => {
  workspace = mkdtempSync(join(tmpdir(), 'publish-metrics-'));
  stderr = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(workspace, { recursive: true, force: true });
});

const env = { CONTAINER_METRICS_DIR: 'metrics' };
function recorded(): void {
  const directory = join(workspace, 'metrics');
  appendHistory(directory, [BUILD]);
  writeLastRun(directory, {
    runId: BUILD.runId,
    startTime: BUILD.startTime,
    endTime: BUILD.endTime,
    tasks: [],
    builds: [BUILD],
  });
}

describe('publish-metrics', () => {
  it('prints its usage for --help when run with tsx', () => {
    const result = spawnSync(
      TSX,
      [join(__dirname, 'publish-metrics.ts'), '--help'],
      {
        encoding: 'utf8',
      },
    );
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`${USAGE}\n`);
  });

  it('reports the last run again without writing history twice', async () => {
    recorded();
    expect(await main([], workspace, env)).toBe(0);
    expect(stderr).toContain('Container image builds:');
    expect(stderr).toContain(
      'extproc (linux/arm64)  ci-linux-arm64  built  Build time: 2m 5s',
    );
    expect(readHistory(join(workspace, 'metrics')).builds).toHaveLength(1);
  });

  it('reports the run asked for by --run-id', async () => {
    recorded();
    expect(await main(['--run-id', BUILD.runId], workspace, env)).toBe(0);
    expect(stderr).toContain('Build time: 2m 5s');
  });

  it('refuses another run than the one asked for', async () => {
    recorded();
    await expect(main(['--run-id', 'run-2'], workspace, env)).rejects.toThrow(
      'metrics/last-run.json holds run run-1, not run-2 (a later run ' +
        'replaced it; its builds are still in history.jsonl)',
    );
  });

  it('says there is nothing to report, without failing, when nothing was recorded', async () => {
    expect(await main([], workspace, env)).toBe(0);
    expect(stderr).toBe(
      'publish-metrics: metrics/last-run.json does not exist: no run with ' +
        'container tasks was recorded here, so there is nothing to report\n',
    );
  });

  it('names an unknown option', async () => {
    await expect(main(['--run'], workspace, env)).rejects.toThrow(
      'unknown option or missing value "--run" (see --help)',
    );
  });
});
