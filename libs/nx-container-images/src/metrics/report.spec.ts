import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { build } from './fixtures/builds';
import { HISTORY_FILE } from './history';
import type { RunRecord } from './record';
import { defaultReporters, onGitHub, reportRun } from './report';
import type { Reporter } from './reporters/reporter';

let directory: string;
let stderr: string;
const output = {
  stdout: () => undefined,
  stderr: (text: string) => void (stderr += text),
};
const run: RunRecord = {
  runId: 'run-9',
  startTime: 0,
  endTime: 1,
  tasks: [],
  builds: [build({ runId: 'run-9', budgetMinutes: 1 })],
};

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'metrics-report-'));
  stderr = '';
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

function recorder(name: string, seen: string[]): Reporter {
  return {
    name,
    report: async (_, findings) =>
      void seen.push(`${name}: ${findings.length}`),
  };
}

describe('reportRun', () => {
  it('judges the run and hands the findings to every reporter', async () => {
    const seen: string[] = [];
    const findings = await reportRun(run, {
      directory,
      env: {},
      output,
      reporters: [recorder('one', seen), recorder('two', seen)],
    });
    expect(findings.map((finding) => finding.kind)).toEqual(['over-budget']);
    expect(seen).toEqual(['one: 1', 'two: 1']);
  });

  it('names a reporter that fails in one warning, and runs the others', async () => {
    const seen: string[] = [];
    const failing: Reporter = {
      name: 'github',
      report: async () => {
        throw new Error('Unable to access summary file: /nowhere');
      },
    };
    await reportRun(run, {
      directory,
      env: {},
      output,
      reporters: [failing, recorder('terminal', seen)],
    });
    expect(stderr).toBe(
      'container metrics: the github report failed: Unable to access ' +
        'summary file: /nowhere (the build result is unaffected)\n',
    );
    expect(seen).toEqual(['terminal: 1']);
  });

  it('warns about each bad history line and judges with the rest', async () => {
    const file = join(directory, HISTORY_FILE);
    const earlier = [1, 2, 3].map((day) =>
      JSON.stringify(build({ runId: `day-${day}`, durationMs: 60_000 })),
    );
    writeFileSync(
      file,
      [earlier[0], 'not json', ...earlier.slice(1), ''].join('\n'),
    );
    const slow = {
      ...run,
      builds: [build({ runId: 'run-9', durationMs: 200_000 })],
    };

    const findings = await reportRun(slow, {
      directory,
      env: {},
      output,
      reporters: [],
    });
    expect(stderr).toMatch(
      new RegExp(`^container metrics: ${file}:2: not JSON`),
    );
    expect(findings.map((finding) => finding.kind)).toEqual([
      'slower-than-history',
    ]);
  });
});

describe('defaultReporters', () => {
  it.each([
    [{}, ['history', 'terminal']],
    [{ GITHUB_ACTIONS: 'true' }, ['history', 'terminal', 'github']],
    [
      { GITHUB_STEP_SUMMARY: '/tmp/summary' },
      ['history', 'terminal', 'github'],
    ],
  ])('for %j: %j', (env, names) => {
    expect(defaultReporters(directory, env).map((each) => each.name)).toEqual(
      names,
    );
    expect(onGitHub(env)).toBe(names.includes('github'));
  });
});
