/**
 * Parsers for what the engine and nx-container print or write. They take
 * the text as captured and return plain data, so they are tested on real
 * output without an engine.
 */

/** BuildxMetadata is the part of `buildx build --metadata-file` we read. */
export interface BuildxMetadata {
  'containerimage.digest'?: string;
  'containerimage.config.digest'?: string;
  'image.name'?: string;
  'buildx.build.ref'?: string;
}

/** BuildRef is buildx.build.ref split into its "<builder>/<node>/<ref>". */
export interface BuildRef {
  builder: string;
  node: string;
  ref: string;
}

/** Descriptor is one entry of an OCI manifest or index. */
export interface Descriptor {
  mediaType?: string;
  digest: string;
  size: number;
  platform?: { architecture: string; os: string; variant?: string };
}

/** Manifest is an image manifest (config and layers) or an index. */
export interface Manifest {
  mediaType?: string;
  config?: Descriptor;
  layers?: Descriptor[];
  manifests?: Descriptor[];
}

/** EngineFailure says why an engine command gave no answer. */
export interface EngineFailure {
  /** missing: no docker on PATH; unreachable: no daemon or no answer;
   * refused: the engine answered with an error about this one request */
  kind: 'missing' | 'unreachable' | 'refused';
  reason: string;
}

/**
 * parseBuildxMetadata reads nx-container's copy of the buildx metadata
 * file. It throws, naming the file, when the text is not a JSON object.
 */
export function parseBuildxMetadata(
  text: string,
  file: string,
): BuildxMetadata {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(
      `${file} is not JSON (${(error as Error).message}); the next ` +
        'build writes it again',
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${file} is not a JSON object of build metadata`);
  }
  return parsed as BuildxMetadata;
}

/** parseBuildRef splits buildx.build.ref; undefined when it is not one. */
export function parseBuildRef(value: string | undefined): BuildRef | undefined {
  const parts = value?.split('/') ?? [];
  if (parts.length !== 3 || parts.some((part) => part === '')) {
    return undefined;
  }
  const [builder, node, ref] = parts;
  return { builder, node, ref };
}

/**
 * parseHistorySteps reads the step counts from
 * `docker buildx history inspect --format json` (field names as in buildx
 * v0.36.1, commands/history/inspect.go).
 */
export function parseHistorySteps(stdout: string): {
  cachedSteps?: number;
  totalSteps?: number;
} {
  const record = JSON.parse(stdout) as {
    NumCachedSteps?: number;
    NumTotalSteps?: number;
  };
  return {
    cachedSteps: record.NumCachedSteps,
    totalSteps: record.NumTotalSteps,
  };
}

/** parseImageSize reads `docker image inspect --format {{.Size}}`. */
export function parseImageSize(stdout: string): number | undefined {
  const text = stdout.trim();
  if (!/^\d+$/.test(text)) return undefined;
  return Number(text);
}

/** parseManifest reads `docker buildx imagetools inspect --raw`. */
export function parseManifest(stdout: string): Manifest {
  return JSON.parse(stdout) as Manifest;
}

/** imageManifestSize is an image manifest's config plus its layers;
 * undefined for an index, whose size is its image manifests'. */
export function imageManifestSize(manifest: Manifest): number | undefined {
  if (!manifest.layers) return undefined;
  return [manifest.config, ...manifest.layers].reduce(
    (sum, descriptor) => sum + (descriptor?.size ?? 0),
    0,
  );
}

/**
 * platformManifests lists an index's image manifests. BuildKit's
 * attestation manifests (provenance, SBOM) sit in the same index with the
 * platform "unknown/unknown"; they are not part of any image.
 */
export function platformManifests(index: Manifest): Descriptor[] {
  return (index.manifests ?? []).filter(
    (child) => child.platform?.architecture !== 'unknown',
  );
}

/** repositoryOf drops a tag or digest from an image name. The port of a
 * registry host ("localhost:5000/x") is kept: it is followed by a "/". */
export function repositoryOf(name: string): string {
  return name.replace(/[:@][^/]*$/, '');
}

/**
 * engineFailure classifies a failed docker command from its error and the
 * stderr it printed. Only the last stderr line is kept: docker prints its
 * reason there.
 */
export function engineFailure(
  error: Error & { code?: string | number | null; killed?: boolean },
  stderr: string,
  timeoutMs: number,
): EngineFailure {
  if (error.code === 'ENOENT') {
    return { kind: 'missing', reason: 'docker is not on PATH' };
  }
  if (error.killed) {
    return {
      kind: 'unreachable',
      reason: `no answer within ${timeoutMs / 1000} s`,
    };
  }
  const reason =
    stderr.trim().split('\n').slice(-1)[0]?.trim() || error.message;
  const unreachable =
    /Cannot connect to the Docker daemon|failed to connect to the docker API/.test(
      reason,
    );
  return { kind: unreachable ? 'unreachable' : 'refused', reason };
}
