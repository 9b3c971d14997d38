/** PROBE_TIMEOUT_MS bounds the remote cache probe. */
export const PROBE_TIMEOUT_MS = 10_000;

// A hash no task has: the probe asks for it and expects "not found".
const PROBE_HASH = 'remote-cache-probe-0000000000000000';

/**
 * remoteCacheProblem asks the Nx self-hosted remote cache named by
 * NX_SELF_HOSTED_REMOTE_CACHE_SERVER for an entry that does not exist, and
 * says why the cache is unusable: it answers 5xx, does not answer within
 * the timeout, or cannot be reached. It returns undefined when no remote
 * cache is configured or the cache answers otherwise (a 404 for the
 * missing entry; a 401 or 403 is Nx's to report).
 *
 * build-affected asks once before building, because Nx 23 handles a sick
 * cache badly: a 5xx fails the whole run without building, and a cache
 * that accepts the connection but never answers keeps `nx run` waiting
 * (still waiting after 300 s here). Without the cache the build only
 * loses remote hits.
 */
export async function remoteCacheProblem(
  env: NodeJS.ProcessEnv,
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<string | undefined> {
  const server = env.NX_SELF_HOSTED_REMOTE_CACHE_SERVER;
  if (!server) return undefined;
  const url = `${server.replace(/\/+$/, '')}/v1/cache/${PROBE_HASH}`;
  const token = env.NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN;
  const name = `the Nx remote cache ${server}`;
  try {
    const response = await fetch(url, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel();
    if (response.status >= 500) {
      return `${name} answered ${response.status} ${response.statusText} to GET ${url}`;
    }
    return undefined;
  } catch (error) {
    const { name: kind, cause } = error as Error & { cause?: Error };
    if (kind === 'TimeoutError' || kind === 'AbortError') {
      return `${name} did not answer GET ${url} within ${timeoutMs / 1000} s`;
    }
    return `${name} cannot be reached (${cause?.message ?? (error as Error).message})`;
  }
}
