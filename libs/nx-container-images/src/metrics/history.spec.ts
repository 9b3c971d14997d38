import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { build, BUILD } from './fixtures/builds';
import {
  appendHistory,
  HISTORY_FILE,
  LAST_RUN_FILE,
  metricsDirectory,
  readHistory,
  readLastRun,
  writeLastRun,
} from './history';
import type { RunRecord } from './record';

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'metrics-history-'));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

describe('metricsDirectory', () => {
  it.each([
    [{}, '/repo/tmp/metrics'],
    [{ CONTAINER_METRICS_DIR: 'out/metrics' }, '/repo/out/metrics'],
    [{ CONTAINER_METRICS_DIR: '/var/metrics' }, '/var/metrics'],
    [{ CONTAINER_METRICS_DIR: '' }, '/repo/tmp/metrics'],
  ])('resolves %j to %s', (env, resolved) => {
    expect(metricsDirectory('/repo', env)).toBe(resolved);
  });
});

describe('appendHistory and readHistory', () => {
  it('appends builds as JSON lines and reads them back oldest first', () => {
    const first = build({ runId: 'run-1' });
    const second = build({ runId: 'run-2', durationMs: 130_000 });
    appendHistory(join(directory, 'new'), [first]);
    appendHistory(join(directory, 'new'), [second]);

    const text = readFileSync(join(directory, 'new', HISTORY_FILE), 'utf8');
    expect(text.split('\n')).toHaveLength(3);
    expect(readHistory(join(directory, 'new'))).toEqual({
      builds: [first, second],
      problems: [],
    });
  });

  it('writes nothing for a run without builds', () => {
    appendHistory(directory, []);
    expect(readHistory(directory)).toEqual({ builds: [], problems: [] });
  });

  it('reads no history from a directory that has none', () => {
    expect(readHistory(join(directory, 'missing'))).toEqual({
      builds: [],
      problems: [],
    });
  });

  it('skips a bad line and names it by file:line', () => {
    const file = join(directory, HISTORY_FILE);
    writeFileSync(
      file,
      [
        JSON.stringify(BUILD),
        '{"image": "extproc", "durationMs": 12',
        '',
        JSON.stringify({ image: 'extproc', durationMs: 'slow' }),
        JSON.stringify(BUILD),
        '',
      ].join('\n'),
    );

    const { builds, problems } = readHistory(directory);
    expect(builds).toEqual([BUILD, BUILD]);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(
      new RegExp(`^${file}:2: not JSON \\(.+\\); the line is ignored$`),
    );
    expect(problems[1]).toBe(
      `${file}:4: not a build record (no valid configuration, platforms, ` +
        'status, startTime, durationMs, budgetMinutes); the line is ignored',
    );
  });
});

describe('writeLastRun and readLastRun', () => {
  const run: RunRecord = {
    runId: 'build-affected-1',
    startTime: 1000,
    endTime: 5000,
    tasks: [],
    builds: [build({ runId: 'build-affected-1' })],
  };

  it('merges runs of the same id, as build-affected runs Nx once per image', () => {
    writeLastRun(directory, run);
    const merged = writeLastRun(directory, {
      ...run,
      startTime: 6000,
      endTime: 9000,
      builds: [build({ runId: 'build-affected-1', image: 'stack' })],
    });

    expect(merged.startTime).toBe(1000);
    expect(merged.endTime).toBe(9000);
    expect(merged.builds.map((each) => each.image)).toEqual([
      'extproc',
      'stack',
    ]);
    expect(readLastRun(directory)).toEqual(merged);
  });

  it('replaces a run of another id', () => {
    writeLastRun(directory, run);
    writeLastRun(directory, { ...run, runId: 'next' });
    expect(readLastRun(directory)?.runId).toBe('next');
  });

  it('names the file and the fix when the stored run is not JSON', () => {
    writeFileSync(join(directory, LAST_RUN_FILE), '{"runId": ');
    expect(() => readLastRun(directory)).toThrow(
      new RegExp(
        `^reading ${join(directory, LAST_RUN_FILE)}: .+ \\(delete the file; ` +
          'the next run with container tasks writes it again\\)$',
      ),
    );
  });
});
