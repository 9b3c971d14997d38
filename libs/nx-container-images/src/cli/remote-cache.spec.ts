import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { remoteCacheProblem } from './remote-cache';

// Real HTTP servers on loopback, answering the probe as a cache would.
let server: Server | undefined;
async function serve(
  handler: Parameters<typeof createServer>[1],
): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((done) => server!.listen(0, '127.0.0.1', done));
  const address = server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((done) => server?.close(done) ?? done(undefined));
  server = undefined;
});

describe('remoteCacheProblem', () => {
  it('is silent without a remote cache', async () => {
    expect(await remoteCacheProblem({})).toBe(undefined);
  });

  it('accepts a cache that says the probe entry is missing, sending the token', async () => {
    let authorization: string | undefined;
    let path: string | undefined;
    const url = await serve((request, response) => {
      authorization = request.headers.authorization;
      path = request.url;
      response.writeHead(404).end();
    });
    const env = {
      NX_SELF_HOSTED_REMOTE_CACHE_SERVER: `${url}/`,
      NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: 'secret-token',
    };
    expect(await remoteCacheProblem(env)).toBe(undefined);
    expect(authorization).toBe('Bearer secret-token');
    expect(path).toMatch(/^\/v1\/cache\/remote-cache-probe-0+$/);
  });

  it('names a cache answering 5xx', async () => {
    const url = await serve((_, response) => response.writeHead(503).end());
    expect(
      await remoteCacheProblem({ NX_SELF_HOSTED_REMOTE_CACHE_SERVER: url }),
    ).toBe(
      `the Nx remote cache ${url} answered 503 Service Unavailable to GET ` +
        `${url}/v1/cache/remote-cache-probe-0000000000000000`,
    );
  });

  it('names a cache that accepts the connection and never answers', async () => {
    const url = await serve(() => undefined);
    const started = Date.now();
    const problem = await remoteCacheProblem(
      { NX_SELF_HOSTED_REMOTE_CACHE_SERVER: url },
      300,
    );
    expect(problem).toMatch(/did not answer GET .* within 0.3 s$/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('names a cache nobody listens for', async () => {
    const url = await serve(() => undefined);
    await new Promise((done) => server!.close(done));
    server = undefined;
    expect(
      await remoteCacheProblem({ NX_SELF_HOSTED_REMOTE_CACHE_SERVER: url }),
    ).toMatch(/cannot be reached \(.*ECONNREFUSED.*\)$/);
  });
});
