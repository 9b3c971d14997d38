import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { timelineSvg } from '../metrics/charts/timeline';
import { trendSvg } from '../metrics/charts/trend';
import {
  HISTORY_FILE,
  LAST_RUN_FILE,
  metricsDirectory,
  readHistory,
  readLastRun,
} from '../metrics/history';

const USAGE = `metrics-chart: draw the last run's timeline and the build-time trend.

Usage: npx tsx libs/nx-container-images/src/cli/metrics-chart.ts [--out DIR]

Reads the metrics directory (CONTAINER_METRICS_DIR, default tmp/metrics):
last-run.json and history.jsonl, which every nx run/affected with
container tasks writes. Writes DIR/timeline.svg (a Gantt chart of every
task of the last run: crates, router, images per architecture) and
DIR/trend.svg (build time per image over its last 20 builds).
DIR defaults to the metrics directory.

  --out DIR    write the SVG files to DIR
  -h, --help   print this text`;

function main(argv: string[]): number {
  const workspaceRoot = process.cwd();
  const { help, out } = parseArguments(argv);
  if (help) {
    console.log(USAGE);
    return 0;
  }

  const directory = metricsDirectory(workspaceRoot, process.env);
  const shown = (name: string) =>
    relative(workspaceRoot, join(directory, name));
  const run = readLastRun(directory);
  const history = readHistory(directory);
  history.problems.forEach((problem) => log(problem));
  if (!run && history.builds.length === 0) {
    throw new Error(
      `neither ${shown(LAST_RUN_FILE)} nor ${shown(HISTORY_FILE)} holds a ` +
        'run: nothing was recorded here yet (run npx nx run ' +
        '<image>:container first, or set CONTAINER_METRICS_DIR)',
    );
  }

  const target = resolve(workspaceRoot, out ?? directory);
  mkdirSync(target, { recursive: true });
  const charts: Array<[string, string]> = [
    ['trend.svg', trendSvg(history.builds)],
  ];
  if (run) {
    charts.unshift(['timeline.svg', timelineSvg(run)]);
  } else {
    log(`${shown(LAST_RUN_FILE)} does not exist, so there is no timeline`);
  }
  const written = charts.map(([name, svg]) => {
    writeFileSync(join(target, name), svg);
    return relative(workspaceRoot, join(target, name));
  });
  log(`wrote ${written.join(', ')}`);
  return 0;
}

function parseArguments(argv: string[]): { help: boolean; out?: string } {
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    if (argument === '-h' || argument === '--help') return { help: true };
    if (argument === '--out' && argv[i + 1] && !argv[i + 1].startsWith('-')) {
      out = argv[++i];
      continue;
    }
    throw new Error(
      `unknown option or missing value "${argument}" (see --help)`,
    );
  }
  return { help: false, out };
}

function log(line: string): void {
  process.stderr.write(`metrics-chart: ${line}\n`);
}

try {
  process.exit(main(process.argv.slice(2)));
} catch (error) {
  log((error as Error).message);
  process.exit(2);
}
