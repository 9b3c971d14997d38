import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { EngineProbe } from './collect';
import {
  engineFailure,
  imageManifestSize,
  parseBuildRef,
  parseBuildxMetadata,
  parseHistorySteps,
  parseImageSize,
  parseManifest,
  platformManifests,
  repositoryOf,
  type BuildxMetadata,
  type EngineFailure,
  type Manifest,
} from './engine-output';
import type { EngineFacts, TaskSpan } from './record';

/** NX_CONTAINER_OUTPUTS is where nx-container 7.3 writes each build's
 * outputs (its setOutput): digest, imageid and the buildx metadata file. */
export const NX_CONTAINER_OUTPUTS = 'node_modules/.cache/nx-container';

// Engine questions get a bound: a stopped daemon must not hold up the
// report of a build that already finished.
const ENGINE_TIMEOUT_MS = 15_000;

/** EngineResult is one docker command's output, or why there was none. */
export interface EngineResult {
  stdout: string;
  failure?: EngineFailure;
}

/** EngineCommand runs `docker <args>` and never throws. */
export type EngineCommand = (args: string[]) => Promise<EngineResult>;

/** ProbeOptions: the environment docker runs in, where the one warning
 * about a missing engine goes, and (for tests) the command runner. */
export interface ProbeOptions {
  env: NodeJS.ProcessEnv;
  warn?: (line: string) => void;
  command?: EngineCommand;
}

/**
 * engineProbe reads what nx-container left for an image (only files
 * written during the task, so an earlier build's digest is never
 * reported) and asks the engine for the rest: cached and total steps from
 * the builder's build history, the image size from the engine or the
 * registry. Each fact it cannot get is named in the build's notes. When
 * docker is missing or does not answer, one warning says so for the whole
 * run and the engine is not asked again.
 */
export function engineProbe(
  workspaceRoot: string,
  options: ProbeOptions,
): EngineProbe {
  const warn = options.warn ?? ((line) => process.stderr.write(`${line}\n`));
  const engine = onceUnavailable(
    options.command ?? dockerCommand(options.env),
    warn,
  );
  return async (image, span) => {
    const notes: string[] = [];
    const { imageId, metadata } = readOutputs(
      workspaceRoot,
      image,
      span,
      notes,
    );

    const facts: EngineFacts = {
      imageId,
      digest: metadata?.['containerimage.digest'] ?? imageId,
      buildRef: metadata?.['buildx.build.ref'],
    };
    if (metadata) await addSteps(facts, metadata, engine, notes);
    await addSize(facts, metadata, engine, notes);

    return notes.length > 0 ? { ...facts, notes } : facts;
  };
}

/** dockerCommand runs the docker CLI found on env.PATH, bounded in time. */
export function dockerCommand(
  env: NodeJS.ProcessEnv,
  timeoutMs = ENGINE_TIMEOUT_MS,
): EngineCommand {
  return (args) =>
    new Promise((resolve) => {
      execFile(
        'docker',
        args,
        {
          env,
          timeout: timeoutMs,
          encoding: 'utf8',
          maxBuffer: 16 * 1024 * 1024,
        },
        (error, stdout, stderr) => {
          if (!error) return resolve({ stdout });
          resolve({ stdout, failure: engineFailure(error, stderr, timeoutMs) });
        },
      );
    });
}

// After docker turned out missing or silent, every later question would
// fail the same way (or wait for the same timeout): say it once, stop.
function onceUnavailable(
  command: EngineCommand,
  warn: (line: string) => void,
): EngineCommand {
  let unavailable: EngineFailure | undefined;
  return async (args) => {
    if (unavailable) return { stdout: '', failure: unavailable };
    const result = await command(args);
    if (result.failure && result.failure.kind !== 'refused') {
      unavailable = result.failure;
      warn(unavailableWarning(result.failure));
    }
    return result;
  };
}

function unavailableWarning(failure: EngineFailure): string {
  const fix =
    failure.kind === 'missing'
      ? 'install docker or add it to PATH'
      : 'start the docker daemon, or point DOCKER_HOST at one';
  return (
    `container metrics: ${failure.reason}: image sizes and engine cache ` +
    `steps are not recorded for this run (${fix})`
  );
}

function readOutputs(
  workspaceRoot: string,
  image: string,
  span: TaskSpan,
  notes: string[],
): { imageId?: string; metadata?: BuildxMetadata } {
  const directory = join(workspaceRoot, NX_CONTAINER_OUTPUTS, image);
  const imageId = freshOutput(directory, 'imageid', span);
  const text = freshOutput(directory, 'metadata', span);
  const file = relative(workspaceRoot, join(directory, 'metadata'));
  if (text === undefined) {
    notes.push(`nx-container wrote no ${file} during ${span.task}`);
    return { imageId };
  }
  try {
    return { imageId, metadata: parseBuildxMetadata(text, file) };
  } catch (error) {
    notes.push((error as Error).message);
    return { imageId };
  }
}

function freshOutput(
  directory: string,
  name: string,
  span: TaskSpan,
): string | undefined {
  const file = join(directory, name);
  if (!existsSync(file)) return undefined;
  // A file from an earlier run is not this build's result. Allow one
  // second for file systems that store modification times coarsely.
  if (statSync(file).mtimeMs < span.startTime - 1000) return undefined;
  const text = readFileSync(file, 'utf8').trim();
  return text === '' || text === 'null' ? undefined : text;
}

// buildx.build.ref is "<builder>/<node>/<ref>"; `buildx history inspect`
// takes the builder as a flag and the last part as the record.
async function addSteps(
  facts: EngineFacts,
  metadata: BuildxMetadata,
  engine: EngineCommand,
  notes: string[],
): Promise<void> {
  const buildRef = parseBuildRef(metadata['buildx.build.ref']);
  if (!buildRef) {
    notes.push(
      'the builder keeps no build history (no buildx.build.ref in the ' +
        'metadata), so cached/total steps are unknown',
    );
    return;
  }
  const args = ['buildx', 'history', 'inspect'];
  args.push('--builder', buildRef.builder, buildRef.ref, '--format', 'json');
  const result = await engine(args);
  if (result.failure) {
    notes.push(`docker ${args.join(' ')}: ${result.failure.reason}`);
    return;
  }
  try {
    const { cachedSteps, totalSteps } = parseHistorySteps(result.stdout);
    facts.cachedSteps = cachedSteps;
    facts.totalSteps = totalSteps;
  } catch (error) {
    notes.push(
      `docker ${args.join(' ')} printed no JSON record ` +
        `(${(error as Error).message})`,
    );
  }
}

// A loaded image has an unpacked size in the engine; a pushed one only
// has the compressed sizes its registry manifests list.
async function addSize(
  facts: EngineFacts,
  metadata: BuildxMetadata | undefined,
  engine: EngineCommand,
  notes: string[],
): Promise<void> {
  if (facts.imageId) {
    const args = ['image', 'inspect', '--format', '{{.Size}}', facts.imageId];
    const loaded = await engine(args);
    const size = loaded.failure ? undefined : parseImageSize(loaded.stdout);
    if (size !== undefined) {
      facts.sizeBytes = size;
      facts.sizeKind = 'unpacked';
      return;
    }
    if (loaded.failure && loaded.failure.kind !== 'refused') {
      notes.push(`docker ${args.join(' ')}: ${loaded.failure.reason}`);
      return;
    }
  }

  const name = metadata?.['image.name']?.split(',')[0];
  if (!name || !facts.digest) {
    notes.push('the image is neither in the engine nor named in a registry');
    return;
  }
  try {
    facts.sizeBytes = await registrySize(
      engine,
      repositoryOf(name),
      facts.digest,
    );
    facts.sizeKind = 'compressed';
  } catch (error) {
    notes.push((error as Error).message);
  }
}

// A manifest's size is its config plus its layers; an index's is the sum
// of its image manifests'.
async function registrySize(
  engine: EngineCommand,
  repository: string,
  digest: string,
): Promise<number> {
  const manifest = await rawManifest(engine, `${repository}@${digest}`);
  const own = imageManifestSize(manifest);
  if (own !== undefined) return own;
  let total = 0;
  for (const child of platformManifests(manifest)) {
    const image = await rawManifest(engine, `${repository}@${child.digest}`);
    total += imageManifestSize(image) ?? 0;
  }
  return total;
}

async function rawManifest(
  engine: EngineCommand,
  reference: string,
): Promise<Manifest> {
  const args = ['buildx', 'imagetools', 'inspect', '--raw', reference];
  const result = await engine(args);
  const command = `reading the size of ${reference}: docker ${args.join(' ')}`;
  if (result.failure) {
    throw new Error(`${command}: ${result.failure.reason}`);
  }
  try {
    return parseManifest(result.stdout);
  } catch (error) {
    throw new Error(
      `${command} printed no manifest JSON (${(error as Error).message})`,
    );
  }
}
