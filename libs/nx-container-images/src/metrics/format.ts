import type { BuildRecord, DependencyStatus, Finding } from './record';

/** formatDuration writes milliseconds as "Xm Ys", rounded to the second. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
}

/** formatBytes writes a size in binary units with one decimal. */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return 'n/a';
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** buildLabel names a build the way people say it: image (platforms). */
export function buildLabel(build: BuildRecord): string {
  return `${build.image} (${build.platforms.join(', ')})`;
}

/** formatSteps writes the engine's cached/total steps, when it told them. */
export function formatSteps(build: BuildRecord): string {
  const { cachedSteps, totalSteps } = build.engine;
  if (cachedSteps === undefined || totalSteps === undefined) return 'n/a';
  return `${cachedSteps}/${totalSteps} cached`;
}

/**
 * formatDependencies counts the tasks a build waited for by how Nx
 * satisfied them: "3 local-cache, 1 success".
 */
export function formatDependencies(dependencies: DependencyStatus[]): string {
  if (dependencies.length === 0) return 'none';
  const counts = new Map<string, number>();
  for (const { status } of dependencies) {
    counts.set(status, (counts.get(status) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, count]) => `${count} ${status}`)
    .join(', ');
}

/** shortDigest keeps the algorithm and the first 12 hex digits. */
export function shortDigest(digest: string | undefined): string {
  if (!digest) return 'n/a';
  const [algorithm, hex] = digest.split(':');
  return hex ? `${algorithm}:${hex.slice(0, 12)}` : digest;
}

/** buildTimeLine is the sentence the notices and the table share. */
export function buildTimeLine(build: BuildRecord): string {
  return `Build time: ${formatDuration(build.durationMs)}`;
}

/** statusWord is the outcome in one word, as the report shows it. */
export function statusWord(build: BuildRecord): string {
  if (build.status === 'success') return 'built';
  if (build.status === 'timeout') return 'timed out';
  if (build.status === 'failure') return 'failed';
  return build.status;
}

/**
 * markdownReport is the step summary of one run: one row per image and
 * platform set, the findings under it.
 */
export function markdownReport(
  builds: BuildRecord[],
  findings: Finding[],
): string {
  const header =
    '| image | platforms | configuration | result | time | budget | ' +
    'engine steps | dependencies (Nx cache) | size | digest |';
  const rows = builds.map((build) =>
    [
      '',
      `\`${build.image}\``,
      build.platforms.join(', '),
      build.configuration,
      statusWord(build),
      buildTimeLine(build),
      `${build.budgetMinutes}m`,
      formatSteps(build),
      formatDependencies(build.dependencies),
      formatBytes(build.engine.sizeBytes),
      build.engine.digest ? `\`${shortDigest(build.engine.digest)}\`` : 'n/a',
      '',
    ]
      .join(' | ')
      .trim(),
  );
  const lines = [
    '### Container image builds',
    '',
    header,
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ];
  if (findings.length > 0) {
    lines.push(
      '',
      ...findings.map((finding) => `- ${oneLine(finding.message)}`),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** terminalReport is the same report as aligned plain-text lines, with
 * what the engine probe could not measure and why. */
export function terminalReport(
  builds: BuildRecord[],
  findings: Finding[],
): string {
  const rows = builds.map((build) => [
    buildLabel(build),
    build.configuration,
    statusWord(build),
    buildTimeLine(build),
    `budget ${build.budgetMinutes}m`,
    `steps ${formatSteps(build)}`,
    `deps ${formatDependencies(build.dependencies)}`,
    formatBytes(build.engine.sizeBytes),
    shortDigest(build.engine.digest),
  ]);
  const widths = rows.reduce<number[]>(
    (max, row) => row.map((cell, i) => Math.max(max[i] ?? 0, cell.length)),
    [],
  );
  const lines = rows.map((row) =>
    row
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd(),
  );
  return [
    'Container image builds:',
    ...lines.map((line) => `  ${line}`),
    ...findings.map((finding) => `  ${finding.kind}: ${finding.message}`),
    ...builds
      .filter((build) => build.engine.notes?.length)
      .map(
        (build) =>
          `  not measured for ${buildLabel(build)}: ${build.engine.notes!.join('; ')}`,
      ),
  ].join('\n');
}

// A build error carries the last lines of the tool's output; inside a
// Markdown list item, a line break would end the item.
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}
