import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  afterAll,
  afterEach,
  beforeEach,
  describe,
  expect,
  it,
  vi,
} from 'vitest';
import { build, BUILD } from '../fixtures/builds';
import { judgeBuilds } from '../judge';
import type { RunRecord } from '../record';
import { githubReporter, loadActionsCore } from './github';

// These tests run @actions/core itself: it writes workflow commands to
// stdout and the summary to the file GITHUB_STEP_SUMMARY names. It keeps
// that file's path from its first write on, so every test shares one.
const directory = mkdtempSync(join(tmpdir(), 'metrics-github-'));
const summaryFile = join(directory, 'step-summary.md');
const savedSummary = process.env.GITHUB_STEP_SUMMARY;
let stdout: string[];

beforeEach(() => {
  writeFileSync(summaryFile, '');
  process.env.GITHUB_STEP_SUMMARY = summaryFile;
  stdout = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout.push(String(chunk));
    return true;
  });
});

afterEach(() => {
  vi.restoreAllMocks();
  if (savedSummary === undefined) delete process.env.GITHUB_STEP_SUMMARY;
  else process.env.GITHUB_STEP_SUMMARY = savedSummary;
});

afterAll(() => rmSync(directory, { recursive: true, force: true }));

function runOf(...builds: RunRecord['builds']): RunRecord {
  return { runId: 'run-1', startTime: 0, endTime: 1, tasks: [], builds };
}

function commandLines(): string[] {
  return stdout.join('').split('\n').filter(Boolean);
}

describe('githubReporter', () => {
  const multiArch = build({
    task: 'stack:container:ci',
    image: 'stack',
    configuration: 'ci',
    platforms: ['linux/amd64', 'linux/arm64'],
    durationMs: 16 * 60_000 + 3000,
    budgetMinutes: 15,
  });
  const failed = build({
    task: 'extproc:container:ci-linux-amd64',
    configuration: 'ci-linux-amd64',
    platforms: ['linux/amd64'],
    status: 'failure',
    durationMs: 75_000,
    error: 'npx nx run extproc:container:ci-linux-amd64 exited with 1',
  });

  it('writes one notice per image, an error per failure and a warning per finding', async () => {
    const run = runOf(BUILD, multiArch, failed);
    await githubReporter().report(run, judgeBuilds(run.builds, []));

    expect(commandLines()).toEqual([
      '::notice title=extproc (linux/arm64)::Build time: 2m 5s',
      '::notice title=stack (linux/amd64%2C linux/arm64)::Build time: 16m 3s',
      '::warning title=stack (linux/amd64%2C linux/arm64)%3A over budget::' +
        'stack (linux/amd64, linux/arm64) took 16m 3s, over its budget of ' +
        '15m (raise budgetMinutes in tools/docker/images.json, or find the ' +
        'slow step in the build log)',
      '::error title=extproc (linux/amd64)%3A build failed::extproc ' +
        '(linux/amd64) failed after 1m 15s: npx nx run ' +
        'extproc:container:ci-linux-amd64 exited with 1',
    ]);
  });

  it('appends the run table to the step summary file', async () => {
    writeFileSync(summaryFile, '## Earlier step\n');
    const run = runOf(BUILD, failed);
    await githubReporter().report(run, judgeBuilds(run.builds, []));

    const summary = readFileSync(summaryFile, 'utf8');
    expect(
      summary.startsWith('## Earlier step\n\n### Container image builds'),
    ).toBe(true);
    expect(summary.endsWith('\n\n')).toBe(true);
    expect(summary).toContain('| Build time: 2m 5s |');
    expect(summary).toContain('| Build time: 1m 15s |');
    expect(summary).toContain(
      '- extproc (linux/amd64) failed after 1m 15s: npx nx run',
    );
  });

  // @actions/core escapes "%" in a message as "%25"; GitHub decodes it.
  it('warns about a build slower than its history', async () => {
    const earlier = [1, 2, 3].map((day) =>
      build({ runId: `day-${day}`, durationMs: 100_000 }),
    );
    const slow = build({ durationMs: 160_000 });
    await githubReporter().report(runOf(slow), judgeBuilds([slow], earlier));

    expect(commandLines()[1]).toBe(
      '::warning title=extproc (linux/arm64)%3A slower than its history::' +
        'extproc (linux/arm64) took 2m 40s, 60%25 slower than the median ' +
        'of its last 3 builds (1m 40s; warns above 25%25)',
    );
  });

  it('sends the workflow commands to an output when given one', async () => {
    const forwarded: string[] = [];
    const reporter = githubReporter({
      stdout: (text) => forwarded.push(text),
      stderr: () => undefined,
    });
    await reporter.report(runOf(BUILD), []);

    expect(forwarded.join('')).toBe(
      '::notice title=extproc (linux/arm64)::Build time: 2m 5s\n',
    );
    expect(stdout).toEqual([]);
  });

  it('writes no summary outside a job with a summary file', async () => {
    delete process.env.GITHUB_STEP_SUMMARY;
    await githubReporter().report(runOf(BUILD), []);
    expect(readFileSync(summaryFile, 'utf8')).toBe('');
    expect(commandLines()).toHaveLength(1);
  });

  it('says nothing about a run without image builds', async () => {
    await githubReporter().report(runOf(), []);
    expect(stdout).toEqual([]);
    expect(readFileSync(summaryFile, 'utf8')).toBe('');
  });
});

describe('loadActionsCore', () => {
  it('loads the real @actions/core', async () => {
    const core = await loadActionsCore();
    expect(typeof core.notice).toBe('function');
    expect(typeof core.summary.addRaw).toBe('function');
  });
});
