// Build metrics from a real image build: nx run extproc:container:airgap
// inside what looks to @actions/core like a GitHub job (GITHUB_ACTIONS and
// GITHUB_STEP_SUMMARY set), with a metrics folder of its own. The plugin's
// postTasksExecution hook must write the step summary table, print the
// notice line, and append a history entry carrying the engine's digest;
// metrics-chart must then draw the run.
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mustRun, runCommand } from './commands.js';

interface HistoryEntry {
  task: string;
  image: string;
  status: string;
  platforms: string[];
  durationMs: number;
  budgetMinutes: number;
  dependencies: Array<{ task: string; status: string }>;
  engine?: { imageId?: string; sizeBytes?: number };
}

describe('metrics of a real extproc build, as a GitHub job sees them', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'e2e-metrics-'));
  const summaryFile = join(scratch, 'step-summary.md');
  const metricsDir = join(scratch, 'metrics');
  let output = '';

  beforeAll(() => {
    mustRun('tools/docker/airgap/build-bases.sh', []);
    writeFileSync(summaryFile, '');
    const result = runCommand(
      'npx',
      ['nx', 'run', 'extproc:container:airgap', '--outputStyle=stream'],
      {
        GITHUB_ACTIONS: 'true',
        GITHUB_STEP_SUMMARY: summaryFile,
        CONTAINER_METRICS_DIR: metricsDir,
        NX_DAEMON: 'false',
      },
    );
    output = `${result.stdout}\n${result.stderr}`;
    expect(result.status, output.slice(-3000)).toBe(0);
  }, 20 * 60_000);
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('writes a step summary row with the build time of the image', () => {
    const summary = readFileSync(summaryFile, 'utf8');

    expect(summary).toMatch(/\| `extproc` \| linux\/amd64 \| airgap \|/);
    expect(summary).toMatch(/Build time: \d+m \d+s/);
  });

  it('prints one notice for the image through @actions/core', () => {
    const notices = output
      .split('\n')
      .filter((line) => line.includes('::notice title=extproc'));

    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/Build time: \d+m \d+s/);
  });

  it('appends a history entry with the dependencies and the engine image', () => {
    const lines = readFileSync(join(metricsDir, 'history.jsonl'), 'utf8')
      .trim()
      .split('\n');
    const entry = JSON.parse(lines.at(-1)!) as HistoryEntry;

    expect(lines).toHaveLength(1);
    expect(entry).toMatchObject({
      task: 'extproc:container:airgap',
      image: 'extproc',
      status: 'success',
      budgetMinutes: 60,
    });
    expect(entry.durationMs).toBeGreaterThan(0);
    expect(entry.dependencies.map((dependency) => dependency.task)).toContain(
      'semantic-router:build-linux-amd64',
    );
    const loaded = mustRun('docker', [
      'image',
      'inspect',
      '--format',
      '{{.Id}}',
      'extproc:local',
    ]).trim();
    expect(entry.engine?.imageId).toBe(loaded);
    expect(entry.engine?.sizeBytes).toBeGreaterThan(1_000_000);
  });

  it('draws the run as a timeline and a trend', () => {
    mustRun(
      'npx',
      [
        'tsx',
        'libs/nx-container-images/src/cli/metrics-chart.ts',
        '--out',
        scratch,
      ],
      { CONTAINER_METRICS_DIR: metricsDir },
    );
    for (const chart of ['timeline.svg', 'trend.svg']) {
      const file = join(scratch, chart);
      expect(existsSync(file), chart).toBe(true);
      expect(readFileSync(file, 'utf8')).toMatch(
        /^<svg[\s\S]*extproc[\s\S]*<\/svg>\s*$/,
      );
    }
  });
});
