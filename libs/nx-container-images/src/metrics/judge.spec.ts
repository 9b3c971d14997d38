import { describe, expect, it } from 'vitest';
import { build, BUILD, history } from './fixtures/builds';
import { DEFAULT_POLICY, judgeBuilds } from './judge';

const MINUTE = 60_000;

describe('judgeBuilds: budget', () => {
  it.each([
    ['exactly at its budget', 60 * MINUTE, 60, false],
    ['one second over its budget', 60 * MINUTE + 1000, 60, true],
    ['over a small per-image budget', 11 * MINUTE, 10, true],
    ['well under its budget', 25 * MINUTE, 60, false],
  ])('warns for a build %s: %s', (_, durationMs, budgetMinutes, warns) => {
    const findings = judgeBuilds([build({ durationMs, budgetMinutes })], []);
    expect(findings.map((finding) => finding.kind)).toEqual(
      warns ? ['over-budget'] : [],
    );
  });

  it('names the budget and where to change it', () => {
    const [finding] = judgeBuilds(
      [build({ durationMs: 61 * MINUTE + 5000, budgetMinutes: 60 })],
      [],
    );
    expect(finding.message).toBe(
      'extproc (linux/arm64) took 61m 5s, over its budget of 60m (raise ' +
        'budgetMinutes in tools/docker/images.json, or find the slow step ' +
        'in the build log)',
    );
  });
});

describe('judgeBuilds: history', () => {
  const earlier = history([10, 11, 12, 13, 14].map((m) => m * MINUTE));

  it.each([
    ['25% slower than the median (not more)', 15 * MINUTE, false],
    ['26% slower than the median', 15.12 * MINUTE, true],
    ['as fast as the median', 12 * MINUTE, false],
    ['faster than all of them', 5 * MINUTE, false],
  ])('for a build %s, warns: %s', (_, durationMs, warns) => {
    const findings = judgeBuilds([build({ durationMs })], earlier);
    expect(findings.map((finding) => finding.kind)).toEqual(
      warns ? ['slower-than-history'] : [],
    );
  });

  it('says how much slower, than what median and over how many builds', () => {
    const [finding] = judgeBuilds(
      [build({ durationMs: 18 * MINUTE })],
      earlier,
    );
    expect(finding.message).toBe(
      'extproc (linux/arm64) took 18m 0s, 50% slower than the median of ' +
        'its last 5 builds (12m 0s; warns above 25%)',
    );
  });

  it('uses only the most recent builds of the window', () => {
    const old = history(
      [60, 60, 60, 10, 10, 10, 10, 10].map((m) => m * MINUTE),
    );
    const findings = judgeBuilds([build({ durationMs: 20 * MINUTE })], old);
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain(
      'median of its last 5 builds (10m 0s',
    );
  });

  it('gives no comparison with fewer earlier builds than the minimum', () => {
    const few = history([MINUTE, MINUTE]);
    expect(judgeBuilds([build({ durationMs: 30 * MINUTE })], few)).toEqual([]);
  });

  it('gives no comparison without history', () => {
    expect(judgeBuilds([build({ durationMs: 30 * MINUTE })], [])).toEqual([]);
  });

  it('ignores a slowdown shorter than the noise floor, whatever its share', () => {
    const fast = history([4000, 4000, 4000]);
    expect(judgeBuilds([build({ durationMs: 9000 })], fast)).toEqual([]);
    expect(DEFAULT_POLICY.minimumSlowdownMs).toBe(10_000);
  });

  it.each([
    ['another image', { image: 'stack' }],
    ['another configuration', { configuration: 'ci-linux-amd64' }],
    ['other platforms', { platforms: ['linux/amd64', 'linux/arm64'] }],
    ['failed builds', { status: 'failure' as const }],
    ['the same run', { runId: BUILD.runId }],
  ])('does not compare with %s', (_, change) => {
    const others = history([MINUTE, MINUTE, MINUTE]).map((past) => ({
      ...past,
      ...change,
    }));
    expect(judgeBuilds([build({ durationMs: 30 * MINUTE })], others)).toEqual(
      [],
    );
  });
});

describe('judgeBuilds: failures', () => {
  it.each([
    ['failure', 'failed after 1m 30s: exit 1'],
    ['timeout', 'timed out after 1m 30s: exit 1'],
    ['stopped', 'was stopped after 1m 30s: exit 1'],
    ['skipped', 'did not run: a task it depends on failed: exit 1'],
  ] as const)('reports a %s with the elapsed time', (status, outcome) => {
    const failed = build({ status, durationMs: 90_000, error: 'exit 1' });
    expect(judgeBuilds([failed], [])).toEqual([
      {
        kind: 'failed',
        build: failed,
        message: `extproc (linux/arm64) ${outcome}`,
      },
    ]);
  });

  it('does not judge the budget or history of a failed build', () => {
    const failed = build({ status: 'failure', durationMs: 90 * MINUTE });
    const findings = judgeBuilds([failed], history([MINUTE, MINUTE, MINUTE]));
    expect(findings.map((finding) => finding.kind)).toEqual(['failed']);
  });
});
