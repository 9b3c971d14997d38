import { describe, expect, it } from 'vitest';
import { build, BUILD } from '../fixtures/builds';
import { judgeBuilds } from '../judge';
import type { RunRecord } from '../record';
import { terminalReporter } from './terminal';

function capture() {
  const streams = { stdout: '', stderr: '' };
  const output = {
    stdout: (text: string) => void (streams.stdout += text),
    stderr: (text: string) => void (streams.stderr += text),
  };
  return { streams, output };
}

describe('terminalReporter', () => {
  it('prints the table and the findings on stderr, keeping stdout clean', async () => {
    const { streams, output } = capture();
    const slow = build({ image: 'stack', budgetMinutes: 1 });
    const run: RunRecord = {
      runId: 'run-1',
      startTime: 0,
      endTime: 1,
      tasks: [],
      builds: [BUILD, slow],
    };
    await terminalReporter(output).report(run, judgeBuilds(run.builds, []));

    expect(streams.stdout).toBe('');
    expect(streams.stderr.split('\n')).toEqual([
      '',
      'Container image builds:',
      '  extproc (linux/arm64)  ci-linux-arm64  built  Build time: 2m 5s  ' +
        'budget 60m  steps 17/23 cached  deps 2 local-cache, 1 success  ' +
        '178.5 MiB  sha256:3f1d8c0e9b5a',
      '  stack (linux/arm64)    ci-linux-arm64  built  Build time: 2m 5s  ' +
        'budget 1m   steps 17/23 cached  deps 2 local-cache, 1 success  ' +
        '178.5 MiB  sha256:3f1d8c0e9b5a',
      '  over-budget: stack (linux/arm64) took 2m 5s, over its budget of 1m ' +
        '(raise budgetMinutes in tools/docker/images.json, or find the slow ' +
        'step in the build log)',
      '',
    ]);
  });

  it('prints nothing for a run without image builds', async () => {
    const { streams, output } = capture();
    const run = { runId: 'r', startTime: 0, endTime: 1, tasks: [], builds: [] };
    await terminalReporter(output).report(run, []);
    expect(streams).toEqual({ stdout: '', stderr: '' });
  });
});
