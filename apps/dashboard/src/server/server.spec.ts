import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Overview } from '../overview';
import { loadConfig } from './config';
import { createDashboardServer, maxClassifyBodyBytes } from './server';

const workspaceRoot = resolve(__dirname, '../../../..');
const routerBinary = join(
  workspaceRoot,
  'dist/apps/semantic-router/host/semantic-router',
);
const libraryPath = ['candle-binding', 'ml-binding']
  .map((crate) => join(workspaceRoot, 'dist/libs', crate, 'host'))
  .join(':');

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createNetServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? done(address.port)
          : fail(new Error('no port assigned')),
      );
    });
  });
}

async function startRouter(): Promise<{ child: ChildProcess; url: string }> {
  const http = await freePort();
  const grpc = await freePort();
  const child = spawn(
    routerBinary,
    [
      `--config=${join(workspaceRoot, 'apps/semantic-router/config/config.yaml')}`,
      `--http-addr=127.0.0.1:${http}`,
      `--grpc-addr=127.0.0.1:${grpc}`,
    ],
    { env: { ...process.env, LD_LIBRARY_PATH: libraryPath }, stdio: 'pipe' },
  );
  let output = '';
  child.stderr?.on('data', (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${http}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`router exited with ${child.exitCode}:\n${output}`);
    }
    try {
      if ((await fetch(`${url}/health`)).ok) return { child, url };
    } catch {
      // Not listening yet; poll again.
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`router never answered ${url}/health:\n${output}`);
}

async function startDashboard(
  routerUrl: string,
  publicDir: string,
): Promise<{ server: Server; url: string }> {
  const port = await freePort();
  const config = loadConfig({
    DASHBOARD_LISTEN: `127.0.0.1:${port}`,
    DASHBOARD_ROUTER_URL: routerUrl,
    DASHBOARD_PUBLIC_DIR: publicDir,
    DASHBOARD_ROUTER_TIMEOUT_MS: '2000',
  });
  const server = createDashboardServer(config);
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
  return { server, url: `http://127.0.0.1:${port}` };
}

function publicDirWithPage(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dashboard-public-'));
  writeFileSync(join(dir, 'index.html'), '<h1>dashboard</h1>');
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
  return dir;
}

describe('dashboard backend against the real router', () => {
  let router: { child: ChildProcess; url: string };
  let dashboard: { server: Server; url: string };

  beforeAll(async () => {
    router = await startRouter();
    dashboard = await startDashboard(router.url, publicDirWithPage());
  });
  afterAll(() => {
    dashboard?.server.close();
    router?.child.kill('SIGTERM');
  });

  it('forwards a classification from the page and returns the router answer', async () => {
    const response = await fetch(`${dashboard.url}/api/classify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'What is the derivative of x squared?' }),
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ category: 'math' });
  });

  it('passes the router refusal of an empty text through with its status', async () => {
    const response = await fetch(`${dashboard.url}/api/classify`, {
      method: 'POST',
      body: JSON.stringify({ text: ' ' }),
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: {
        message: 'text: must not be empty',
        type: 'invalid_request_error',
      },
    });
  });

  it('shows health, the classification just sent and the model chosen in the overview', async () => {
    const text = `Who was the first emperor of Rome? ${Date.now()}`;
    await fetch(`${router.url}/api/v1/classify`, {
      method: 'POST',
      body: JSON.stringify({ text }),
    });

    const overview = (await (
      await fetch(`${dashboard.url}/api/overview`)
    ).json()) as Overview;

    expect(overview.router.status).toBe('ok');
    expect(overview.router.categories).toContain('history');
    expect(overview.router.defaultModel).toBe('qwen3-8b');
    expect(overview.classifications[0]).toMatchObject({
      text,
      category: 'history',
      source: 'http',
    });
    const chosen = overview.classifications[0].model;
    expect(overview.models.map((m) => m.model)).toContain(chosen);
    expect(overview.models.reduce((sum, m) => sum + m.count, 0)).toBe(2);
  });

  it('answers /api/health with 200 while the router is up', async () => {
    const response = await fetch(`${dashboard.url}/api/health`);

    expect(response.status).toBe(200);
  });

  it.each([
    ['/', 'text/html; charset=utf-8', 'no-cache'],
    [
      '/assets/index-abc.js',
      'text/javascript; charset=utf-8',
      'public, max-age=31536000, immutable',
    ],
  ])('serves %s of the built page as %s', async (path, type, caching) => {
    const response = await fetch(`${dashboard.url}${path}`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(type);
    expect(response.headers.get('cache-control')).toBe(caching);
  });

  it.each([
    ['a missing file', '/missing.js'],
    ['a path leaving the page folder', '/%2e%2e/%2e%2e/etc/passwd'],
  ])('answers 404 for %s', async (_, path) => {
    expect((await fetch(`${dashboard.url}${path}`)).status).toBe(404);
  });

  it('answers 405 with the allowed methods for a GET of /api/classify', async () => {
    const response = await fetch(`${dashboard.url}/api/classify`);

    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });

  it('refuses a text larger than the limit with 413', async () => {
    const response = await fetch(`${dashboard.url}/api/classify`, {
      method: 'POST',
      body: JSON.stringify({ text: 'x'.repeat(maxClassifyBodyBytes) }),
    });

    expect(response.status).toBe(413);
  });
});

describe('dashboard backend without a router', () => {
  let dashboard: { server: Server; url: string };

  beforeAll(async () => {
    const closedPort = await freePort();
    dashboard = await startDashboard(
      `http://127.0.0.1:${closedPort}`,
      publicDirWithPage(),
    );
  });
  afterAll(() => dashboard?.server.close());

  it('reports the router unreachable, with the reason, in the overview', async () => {
    const overview = (await (
      await fetch(`${dashboard.url}/api/overview`)
    ).json()) as Overview;

    expect(overview.router.status).toBe('unreachable');
    expect(overview.router.error).toMatch(/ECONNREFUSED/);
    expect(overview.classifications).toEqual([]);
  });

  it('answers /api/health with 503 and /api/classify with 502', async () => {
    const health = await fetch(`${dashboard.url}/api/health`);
    const classify = await fetch(`${dashboard.url}/api/classify`, {
      method: 'POST',
      body: '{"text":"hello"}',
    });

    expect(health.status).toBe(503);
    expect(classify.status).toBe(502);
    expect(await classify.json()).toEqual({
      error: {
        message: expect.stringMatching(
          /^the router did not answer: POST .*ECONNREFUSED/,
        ),
      },
    });
  });
});
