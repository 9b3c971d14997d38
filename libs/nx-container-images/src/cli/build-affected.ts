import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createProjectGraphAsync, type ProjectGraph } from '@nx/devkit';
import {
  fileReceipts,
  noReceipts,
  receiptTag,
  type ReceiptStore,
} from '../receipts';
import { registryReceipts, stderrTail } from '../receipts-registry';
import {
  containerEnv,
  pushes,
  type ConfigurationOptions,
} from './container-env';
import { formatDuration } from '../metrics/format';
import { RUN_ID_VARIABLE } from '../metrics/hook';
import { hashImageTask } from './image-hash';
import { affectedImages, runCommand, tail } from './nx-commands';
import { buildCause, engineProblem } from './build-failure';
import { remoteCacheProblem } from './remote-cache';
import { dockerCommand } from '../metrics/engine';
import { parseOptions, USAGE, type BuildOptions } from './options';
import { publishMetrics, type BuildAttempt } from './publish-metrics';

/** ImageResult is what happened to one image in one configuration. */
export interface ImageResult {
  image: string;
  configuration: string;
  repository: string;
  hash?: string;
  action: 'built' | 'reused' | 'would-build' | 'would-reuse' | 'failed';
  digest?: string;
  error?: string;
}

/** Report is the JSON written by --report and printed by --dry-run. */
export interface Report {
  candidates: string[];
  results: ImageResult[];
  indexes: Array<{ image: string; tags: string[]; error?: string }>;
  /** warnings: what the run went on without, e.g. a sick remote cache */
  warnings: string[];
}

const workspaceRoot = process.cwd();
// One metrics run for every nx run this process starts (see hook.ts).
const runId = `build-affected-${Date.now()}-${process.pid}`;
const attempts: BuildAttempt[] = [];
const docker = dockerCommand(process.env);

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2), process.env);
  if (options === 'help') {
    console.log(USAGE);
    return 0;
  }

  const candidates =
    options.images ??
    (await affectedImages(
      workspaceRoot,
      options.target,
      options.base!,
      options.head,
    ));
  if (options.list) {
    console.log(JSON.stringify(candidates));
    return 0;
  }
  log(
    candidates.length > 0
      ? `Candidates: ${candidates.join(', ')}`
      : 'Candidates: none (no image is affected)',
  );

  const graph = await createProjectGraphAsync({ exitOnError: false });
  const receipts = receiptStore(options);
  const report: Report = {
    candidates,
    results: [],
    indexes: [],
    warnings: [],
  };
  if (candidates.length > 0 && !options.dryRun) {
    // A remote cache that fails or hangs would fail or stall every nx run
    // below; without it they only miss its hits.
    const cacheProblem = await remoteCacheProblem(process.env);
    if (cacheProblem) {
      const warning = `${cacheProblem}; building without the remote cache (local cache only)`;
      log(`warning: ${warning}`);
      report.warnings.push(warning);
      delete process.env.NX_SELF_HOSTED_REMOTE_CACHE_SERVER;
    }
  }
  for (const image of candidates) {
    for (const configuration of options.configurations) {
      report.results.push(
        await processImage(graph, image, configuration, options, receipts),
      );
    }
    if (options.index && !options.dryRun) {
      report.indexes.push(await joinIndex(image, report.results, options));
    }
  }

  // Partial results first: the report and the metrics of every image
  // are published before the exit status says whether any failed.
  printSummary(report);
  if (options.reportFile) {
    writeFileSync(options.reportFile, `${JSON.stringify(report, null, 2)}\n`);
  }
  if (attempts.length > 0) {
    await publishMetrics(workspaceRoot, graph, runId, attempts, process.env);
  }
  const failed =
    report.results.some((result) => result.action === 'failed') ||
    report.indexes.some((index) => index.error);
  return failed ? 1 : 0;
}

async function processImage(
  graph: ProjectGraph,
  image: string,
  configuration: string | undefined,
  options: BuildOptions,
  receipts: ReceiptStore,
): Promise<ImageResult> {
  const name = configuration ?? 'default';
  const project = graph.nodes[image]?.data;
  const target = project?.targets?.[options.target];
  const registryName = (
    project?.metadata as { image?: { registryName: string } }
  )?.image?.registryName;
  const repository = options.repositoryPrefix
    ? `${options.repositoryPrefix}/${image}`
    : (registryName ?? image);
  const result: ImageResult = {
    image,
    configuration: name,
    repository,
    action: 'failed',
  };
  if (!target || !registryName) {
    result.error =
      `${image} has no "${options.target}" target with image metadata ` +
      '(is it declared in tools/docker/images.json?)';
    return result;
  }
  if (configuration && !target.configurations?.[configuration]) {
    result.error =
      `${image}:${options.target} has no configuration "${configuration}" ` +
      `(it has: ${Object.keys(target.configurations ?? {}).join(', ')})`;
    return result;
  }

  try {
    const { hash } = await hashImageTask(
      graph,
      image,
      options.target,
      configuration,
    );
    result.hash = hash;
    const found = await findReceipt(receipts, repository, hash, image);
    if (found) {
      result.action = options.dryRun ? 'would-reuse' : 'reused';
      result.digest = found.digest;
      log(`Reusing ${image} (${name}): ${repository}:${receiptTag(hash)}`);
      return result;
    }
    if (options.dryRun) {
      result.action = 'would-build';
      log(`Would build ${image} (${name}): no receipt for ${hash}`);
      return result;
    }

    // The engine is asked before each build: without one nothing can be
    // built, and each image says so instead of waiting for buildx.
    const problem = await engineProblem(docker);
    if (problem) {
      result.error = `not built: ${problem}`;
      log(`Failed ${image} (${name}): ${result.error}`);
      return result;
    }

    const buildOptions: ConfigurationOptions = {
      ...(target.options ?? {}),
      ...(configuration ? target.configurations?.[configuration] : {}),
    };
    result.digest = await buildImage(image, configuration, options, {
      registryName,
      repository,
      hash,
      options: buildOptions,
      load: options.load,
      builder: options.builder,
    });
    if (result.digest && pushes(buildOptions, options.load)) {
      await receipts.record(repository, hash, result.digest);
    }
    result.action = 'built';
  } catch (error) {
    result.error = (error as Error).message;
    log(`Failed ${image} (${name}): ${result.error}`);
  }
  return result;
}

async function buildImage(
  image: string,
  configuration: string | undefined,
  options: BuildOptions,
  request: Parameters<typeof containerEnv>[0],
): Promise<string | undefined> {
  const task = [image, options.target, configuration].filter(Boolean);
  const args = ['nx', 'run', task.join(':'), '--outputStyle=stream'];
  log(
    `Building ${image} (${configuration ?? 'default'}): npx ${args.join(' ')}`,
  );
  // The plugin's metrics hook reads the run id from its environment; on
  // the Nx daemon it would see the daemon's environment instead.
  const env = {
    ...process.env,
    ...containerEnv(request),
    [RUN_ID_VARIABLE]: runId,
    NX_DAEMON: 'false',
  };
  const attempt: BuildAttempt = {
    image,
    target: options.target,
    configuration,
    startTime: Date.now(),
    endTime: 0,
    timedOut: false,
  };
  attempts.push(attempt);
  const run = await runCommand('npx', args, {
    cwd: workspaceRoot,
    env,
    echo: true,
    timeoutMs: options.timeoutMs,
  });
  attempt.endTime = Date.now();
  attempt.timedOut = Boolean(run.timedOut);
  const elapsed = formatDuration(attempt.endTime - attempt.startTime);
  if (run.timedOut) {
    attempt.error =
      `npx ${args.join(' ')} timed out after ${elapsed} and was killed ` +
      `(--timeout ${formatDuration(options.timeoutMs!)}; raise it, or ` +
      `find the slow step in the build log above)`;
    throw new Error(attempt.error);
  }
  if (run.code !== 0) {
    // The engine's own reason when it gave one, and whether the engine
    // is still there: a daemon that stopped mid-build fails the build
    // with a connection error that does not say so.
    const cause =
      buildCause(`${run.stdout}\n${run.stderr}`) ??
      tail(run.stderr || run.stdout, 3);
    const problem = await engineProblem(docker);
    attempt.error =
      `npx ${args.join(' ')} exited with ${run.code} after ${elapsed}: ` +
      `${cause}${problem ? `; ${problem}` : ''} (see the build log above; ` +
      `rerun that command to reproduce)`;
    throw new Error(attempt.error);
  }
  log(`Built ${image} (${configuration ?? 'default'}) in ${elapsed}`);
  if (!pushes(request.options, request.load)) {
    return undefined;
  }
  // nx-container writes the pushed digest here (its setOutput).
  const digestFile = join(
    workspaceRoot,
    'node_modules/.cache/nx-container',
    image,
    'digest',
  );
  return readFileSync(digestFile, 'utf8').trim();
}

// Joins the per-platform digests of one image into one index under the
// requested tags. When every platform was reused this is the re-tag.
async function joinIndex(
  image: string,
  results: ImageResult[],
  options: BuildOptions,
): Promise<Report['indexes'][number]> {
  const mine = results.filter((result) => result.image === image);
  const repository = mine[0]?.repository ?? image;
  const tags = options.tags.map((tag) => `${repository}:${tag}`);
  const missing = mine.filter((result) => !result.digest);
  if (missing.length > 0 || tags.length === 0) {
    const why =
      tags.length === 0
        ? 'no --tag given'
        : `no digest for ${missing.map((m) => m.configuration).join(', ')}`;
    return { image, tags, error: `joining the index of ${image}: ${why}` };
  }

  const sources = mine.map((result) => `${repository}@${result.digest}`);
  const builder = options.builder ? ['--builder', options.builder] : [];
  const args = ['buildx', 'imagetools', 'create', ...builder];
  args.push(...tags.flatMap((tag) => ['-t', tag]), ...sources);
  log(`Publishing ${image}: ${tags.join(', ')} <- ${sources.length} digests`);
  const run = await runCommand('docker', args, { cwd: workspaceRoot });
  if (run.code !== 0) {
    const error =
      `joining the index of ${image}: docker ${args.join(' ')}: ` +
      `${stderrTail({ stderr: run.stderr })} (check push access)`;
    log(error);
    return { image, tags, error };
  }
  return { image, tags };
}

// A receipt that cannot be read (no registry access on a pull request, say)
// is no reason to fail: the image is built, and the reason is logged.
async function findReceipt(
  receipts: ReceiptStore,
  repository: string,
  hash: string,
  image: string,
): ReturnType<ReceiptStore['find']> {
  try {
    return await receipts.find(repository, hash);
  } catch (error) {
    log(`warning: ${image}: ${(error as Error).message}; building it`);
    return undefined;
  }
}

function receiptStore(options: BuildOptions): ReceiptStore {
  if (options.receipts === 'none') return noReceipts;
  if (options.receipts === 'registry') return registryReceipts(options.builder);
  if (options.receipts.startsWith('file:')) {
    return fileReceipts(options.receipts.slice('file:'.length));
  }
  throw new Error(
    `--receipts ${options.receipts}: unknown store (use registry, ` +
      'file:PATH or none)',
  );
}

function printSummary(report: Report): void {
  for (const result of report.results) {
    const detail = result.error ?? result.digest ?? result.hash ?? '';
    log(
      `${result.action.padEnd(11)} ${result.image} (${result.configuration}) ${detail}`,
    );
  }
  for (const index of report.indexes) {
    log(`${index.error ? 'failed' : 'published'} ${index.tags.join(', ')}`);
  }
}

// Nx's graph error keeps the plugins' messages in getErrors().
function describeError(error: Error): string {
  const nested = (error as { getErrors?: () => Error[] }).getErrors?.() ?? [];
  return [error.message, ...nested.map((inner) => inner.message)].join('\n');
}

function log(line: string): void {
  process.stderr.write(`build-affected: ${line}\n`);
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    log(describeError(error));
    process.exit(2);
  },
);
