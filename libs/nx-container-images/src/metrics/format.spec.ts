import { describe, expect, it } from 'vitest';
import { build, BUILD } from './fixtures/builds';
import {
  buildTimeLine,
  formatBytes,
  formatDependencies,
  formatDuration,
  formatSteps,
  markdownReport,
  shortDigest,
  terminalReport,
} from './format';
import type { Finding } from './record';

describe('formatDuration', () => {
  it.each([
    [0, '0m 0s'],
    [499, '0m 0s'],
    [500, '0m 1s'],
    [59_499, '0m 59s'],
    [59_500, '1m 0s'],
    [125_000, '2m 5s'],
    [3_600_000, '60m 0s'],
    [5_405_000, '90m 5s'],
    [-2_000, '0m 0s'],
  ])('writes %i ms as "%s"', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('buildTimeLine', () => {
  it('says "Build time: Xm Ys" for the whole container task', () => {
    expect(buildTimeLine(BUILD)).toBe('Build time: 2m 5s');
  });
});

describe('formatBytes', () => {
  it.each([
    [undefined, 'n/a'],
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [187_213_824, '178.5 MiB'],
    [5 * 1024 ** 4, '5120.0 GiB'],
  ])('writes %s bytes as "%s"', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

describe('engine facts in the report', () => {
  it.each([
    [{ cachedSteps: 17, totalSteps: 23 }, '17/23 cached'],
    [{ cachedSteps: 0, totalSteps: 9 }, '0/9 cached'],
    [{}, 'n/a'],
  ])('writes steps %j as "%s"', (engine, text) => {
    expect(formatSteps(build({ engine }))).toBe(text);
  });

  it.each([
    ['sha256:3f1d8c0e9b5a47d2c6e1f0a9', 'sha256:3f1d8c0e9b5a'],
    ['not-a-digest', 'not-a-digest'],
    [undefined, 'n/a'],
  ])('shortens digest %s to %s', (digest, text) => {
    expect(shortDigest(digest)).toBe(text);
  });

  it('counts dependencies by how Nx satisfied them', () => {
    expect(formatDependencies(BUILD.dependencies)).toBe(
      '2 local-cache, 1 success',
    );
    expect(formatDependencies([])).toBe('none');
  });
});

describe('markdownReport', () => {
  const failed = build({
    task: 'extproc:container:ci-linux-amd64',
    configuration: 'ci-linux-amd64',
    platforms: ['linux/amd64'],
    status: 'failure',
    durationMs: 61_000,
    engine: {},
  });
  const findings: Finding[] = [
    {
      kind: 'failed',
      build: failed,
      message:
        'extproc (linux/amd64) failed after 1m 1s: buildx exited 1\nERROR: step 7',
    },
  ];

  it('has one table row per image and platform set', () => {
    const lines = markdownReport([BUILD, failed], []).split('\n');
    expect(lines[0]).toBe('### Container image builds');
    expect(lines.filter((line) => line.startsWith('| `extproc`'))).toEqual([
      '| `extproc` | linux/arm64 | ci-linux-arm64 | built | Build time: 2m 5s | 60m | 17/23 cached | 2 local-cache, 1 success | 178.5 MiB | `sha256:3f1d8c0e9b5a` |',
      '| `extproc` | linux/amd64 | ci-linux-amd64 | failed | Build time: 1m 1s | 60m | n/a | 2 local-cache, 1 success | n/a | n/a |',
    ]);
  });

  it('lists each finding as one list item, even a multi-line error', () => {
    const report = markdownReport([failed], findings);
    expect(report).toContain(
      '\n- extproc (linux/amd64) failed after 1m 1s: buildx exited 1 ERROR: step 7\n',
    );
  });

  it('matches the canonical report of one build', () => {
    expect(markdownReport([BUILD], [])).toMatchInlineSnapshot(`
      "### Container image builds

      | image | platforms | configuration | result | time | budget | engine steps | dependencies (Nx cache) | size | digest |
      | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
      | \`extproc\` | linux/arm64 | ci-linux-arm64 | built | Build time: 2m 5s | 60m | 17/23 cached | 2 local-cache, 1 success | 178.5 MiB | \`sha256:3f1d8c0e9b5a\` |
      "
    `);
  });
});

describe('terminalReport', () => {
  it('says what could not be measured for a build, and why', () => {
    const unmeasured = build({
      engine: {
        notes: [
          'nx-container wrote no node_modules/.cache/nx-container/extproc/metadata during extproc:container',
          'the image is neither in the engine nor named in a registry',
        ],
      },
    });
    expect(terminalReport([unmeasured], []).split('\n').at(-1)).toBe(
      '  not measured for extproc (linux/arm64): nx-container wrote no ' +
        'node_modules/.cache/nx-container/extproc/metadata during ' +
        'extproc:container; the image is neither in the engine nor named in ' +
        'a registry',
    );
  });

  it('aligns the columns of every build', () => {
    const slow = build({ image: 'nx-cache-server', durationMs: 3_725_000 });
    const lines = terminalReport([BUILD, slow], []).split('\n');
    expect(lines[0]).toBe('Container image builds:');
    expect(lines[1].indexOf('Build time')).toBe(lines[2].indexOf('Build time'));
    expect(lines[2]).toContain('Build time: 62m 5s');
  });

  it('ends with one line per finding, led by its kind', () => {
    const finding: Finding = {
      kind: 'over-budget',
      build: BUILD,
      message: 'extproc (linux/arm64) took 62m 5s, over its budget of 60m',
    };
    expect(terminalReport([BUILD], [finding]).split('\n').at(-1)).toBe(
      '  over-budget: extproc (linux/arm64) took 62m 5s, over its budget of 60m',
    );
  });
});
