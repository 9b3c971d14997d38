import { buildLabel, formatDuration } from './format';
import { succeeded, type BuildRecord, type Finding } from './record';

/** MetricsPolicy decides when a build is worth a warning. */
export interface MetricsPolicy {
  /** slowdownShare: warn when a build is slower than the median of its
   * recent history by more than this share (0.25 is 25 %). */
  slowdownShare: number;
  /** historyWindow: how many earlier successful builds form the median. */
  historyWindow: number;
  /** minimumHistory: fewer earlier builds than this give no comparison. */
  minimumHistory: number;
  /** minimumSlowdownMs: a slowdown below this is noise, however large its
   * share (a 4 s build taking 6 s is not a regression worth a warning). */
  minimumSlowdownMs: number;
}

export const DEFAULT_POLICY: MetricsPolicy = {
  slowdownShare: 0.25,
  historyWindow: 5,
  minimumHistory: 3,
  minimumSlowdownMs: 10_000,
};

/**
 * judgeBuilds returns what the report must point out for each build of a
 * run: a failure (with the elapsed time), a build over its budget, and a
 * build slower than its history. history holds earlier builds, oldest
 * first; builds of the run itself are ignored there.
 */
export function judgeBuilds(
  builds: BuildRecord[],
  history: BuildRecord[],
  policy: MetricsPolicy = DEFAULT_POLICY,
): Finding[] {
  return builds.flatMap((build): Finding[] => {
    if (!succeeded(build.status)) return [failure(build)];
    return [
      overBudget(build),
      slowerThanHistory(build, history, policy),
    ].filter((finding): finding is Finding => finding !== undefined);
  });
}

function failure(build: BuildRecord): Finding {
  const why = build.error ? `: ${build.error}` : '';
  return {
    kind: 'failed',
    build,
    message: `${buildLabel(build)} ${outcome(build)}${why}`,
  };
}

function outcome(build: BuildRecord): string {
  const elapsed = formatDuration(build.durationMs);
  switch (build.status) {
    case 'timeout':
      return `timed out after ${elapsed}`;
    case 'skipped':
      return 'did not run: a task it depends on failed';
    case 'stopped':
      return `was stopped after ${elapsed}`;
    default:
      return `failed after ${elapsed}`;
  }
}

function overBudget(build: BuildRecord): Finding | undefined {
  if (build.durationMs <= build.budgetMinutes * 60_000) return undefined;
  return {
    kind: 'over-budget',
    build,
    message:
      `${buildLabel(build)} took ${formatDuration(build.durationMs)}, ` +
      `over its budget of ${build.budgetMinutes}m (raise budgetMinutes in ` +
      'tools/docker/images.json, or find the slow step in the build log)',
  };
}

function slowerThanHistory(
  build: BuildRecord,
  history: BuildRecord[],
  policy: MetricsPolicy,
): Finding | undefined {
  const earlier = recentDurations(build, history, policy);
  if (earlier.length < policy.minimumHistory) return undefined;
  const baseline = median(earlier);
  const slowdown = build.durationMs - baseline;
  if (
    slowdown <= baseline * policy.slowdownShare ||
    slowdown < policy.minimumSlowdownMs
  ) {
    return undefined;
  }

  const percent = Math.round((slowdown / baseline) * 100);
  return {
    kind: 'slower-than-history',
    build,
    message:
      `${buildLabel(build)} took ${formatDuration(build.durationMs)}, ` +
      `${percent}% slower than the median of its last ${earlier.length} ` +
      `builds (${formatDuration(baseline)}; warns above ` +
      `${Math.round(policy.slowdownShare * 100)}%)`,
  };
}

// Only successful builds of the same image, configuration and platforms
// compare: a two-platform build is not a regression of a one-platform one.
function recentDurations(
  build: BuildRecord,
  history: BuildRecord[],
  policy: MetricsPolicy,
): number[] {
  const key = comparisonKey(build);
  return history
    .filter(
      (past) =>
        past.runId !== build.runId &&
        past.status === 'success' &&
        comparisonKey(past) === key,
    )
    .slice(-policy.historyWindow)
    .map((past) => past.durationMs);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? sorted[middle]
    : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** comparisonKey groups builds that can be compared over time. */
export function comparisonKey(build: BuildRecord): string {
  return `${build.image}|${build.configuration}|${build.platforms.join(',')}`;
}
