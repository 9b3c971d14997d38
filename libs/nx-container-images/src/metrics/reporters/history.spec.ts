import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILD } from '../fixtures/builds';
import { readHistory, readLastRun } from '../history';
import type { RunRecord } from '../record';
import { historyReporter } from './history';

const directory = mkdtempSync(join(tmpdir(), 'metrics-history-reporter-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('historyReporter', () => {
  it('appends the builds to history and keeps the run for the timeline', async () => {
    const run: RunRecord = {
      runId: 'run-1',
      startTime: BUILD.startTime,
      endTime: BUILD.endTime,
      tasks: [
        {
          task: BUILD.task,
          project: 'extproc',
          target: 'container',
          configuration: 'ci-linux-arm64',
          status: 'success',
          startTime: BUILD.startTime,
          endTime: BUILD.endTime,
        },
      ],
      builds: [BUILD],
    };
    await historyReporter(directory).report(run, []);

    expect(readHistory(directory).builds).toEqual([BUILD]);
    expect(readLastRun(directory)).toEqual(run);
  });
});
