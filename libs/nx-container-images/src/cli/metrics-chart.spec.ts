import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { capturedRun } from '../metrics/fixtures/nx-run';
import { findAll, parseXml } from '../metrics/fixtures/xml';

const WORKSPACE_ROOT = join(__dirname, '../../../..');
const TSX = join(WORKSPACE_ROOT, 'node_modules/.bin/tsx');
const COMMAND = join(__dirname, 'metrics-chart.ts');
const FIXTURES = join(__dirname, '../metrics/fixtures');

let workspace: string;
beforeEach(() => {
  workspace = mkdtempSync(join(tmpdir(), 'metrics-chart-'));
});
afterEach(() => rmSync(workspace, { recursive: true, force: true }));

function metricsChart(...args: string[]) {
  const result = spawnSync(TSX, [COMMAND, ...args], {
    cwd: workspace,
    env: { ...process.env, CONTAINER_METRICS_DIR: 'metrics' },
    encoding: 'utf8',
  });
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
  };
}

// The fixture history, and the captured `nx run extproc:container` as the
// last run, in the workspace's metrics directory.
async function recordedMetrics(): Promise<void> {
  const directory = join(workspace, 'metrics');
  mkdirSync(directory);
  copyFileSync(
    join(FIXTURES, 'history.jsonl'),
    join(directory, 'history.jsonl'),
  );
  const run = await capturedRun('fresh');
  writeFileSync(join(directory, 'last-run.json'), JSON.stringify(run));
}

const byClass = (file: string, name: string) =>
  findAll(
    parseXml(readFileSync(file, 'utf8')),
    (element) => element.attributes.class === name,
  );

describe('metrics-chart', () => {
  it('draws the timeline and the trend from the metrics directory', async () => {
    await recordedMetrics();
    const { status, stderr } = metricsChart();

    expect(stderr).toBe(
      'metrics-chart: wrote metrics/timeline.svg, metrics/trend.svg\n',
    );
    expect(status).toBe(0);
    expect(
      byClass(join(workspace, 'metrics/timeline.svg'), 'bar'),
    ).toHaveLength(7);
    expect(byClass(join(workspace, 'metrics/trend.svg'), 'point')).toHaveLength(
      20,
    );
  });

  it('writes to --out', async () => {
    await recordedMetrics();
    const { status } = metricsChart('--out', 'charts');
    expect(status).toBe(0);
    expect(existsSync(join(workspace, 'charts/timeline.svg'))).toBe(true);
    expect(existsSync(join(workspace, 'charts/trend.svg'))).toBe(true);
  });

  it('draws the trend alone when there is history but no last run', async () => {
    mkdirSync(join(workspace, 'metrics'));
    copyFileSync(
      join(FIXTURES, 'history.jsonl'),
      join(workspace, 'metrics/history.jsonl'),
    );
    const { status, stderr } = metricsChart();
    expect(status).toBe(0);
    expect(stderr).toBe(
      'metrics-chart: metrics/last-run.json does not exist, so there is no timeline\n' +
        'metrics-chart: wrote metrics/trend.svg\n',
    );
  });

  it('says what to run first when nothing was recorded', () => {
    const { status, stderr } = metricsChart();
    expect(status).toBe(2);
    expect(stderr).toBe(
      'metrics-chart: neither metrics/last-run.json nor metrics/history.jsonl ' +
        'holds a run: nothing was recorded here yet (run npx nx run ' +
        '<image>:container first, or set CONTAINER_METRICS_DIR)\n',
    );
  });

  it('prints its usage for --help', () => {
    const { status, stdout } = metricsChart('--help');
    expect(status).toBe(0);
    expect(stdout).toMatch(/^metrics-chart: draw the last run's timeline/);
  });

  it('names an unknown option', () => {
    const { status, stderr } = metricsChart('--window', '5');
    expect(status).toBe(2);
    expect(stderr).toBe(
      'metrics-chart: unknown option or missing value "--window" (see --help)\n',
    );
  });
});
