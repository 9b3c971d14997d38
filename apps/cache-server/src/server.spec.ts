import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFilesystemStorage } from './storage/filesystem';
import {
  readOnlyToken,
  readWriteToken,
  send,
  startTestServer,
  temporaryDirectory,
  waitFor,
  type TestServer,
} from './testing/harness';

let directory: string;
let server: TestServer;

beforeEach(async () => {
  directory = temporaryDirectory('server');
  server = await startTestServer(createFilesystemStorage(directory), {
    maxBodyBytes: 64 * 1024,
  });
});

afterEach(async () => {
  await server.close();
});

describe('GET and PUT /v1/cache/{hash}', () => {
  it('stores an entry with a read-write token and serves it back', async () => {
    const put = await send(server.url, 'PUT', '/v1/cache/1234', {
      token: readWriteToken,
      body: 'artifact bytes',
    });
    const get = await send(server.url, 'GET', '/v1/cache/1234', {
      token: readOnlyToken,
    });

    expect(put.status).toBe(200);
    expect(get.status).toBe(200);
    expect(get.headers['content-type']).toBe('application/octet-stream');
    expect(get.body.toString()).toBe('artifact bytes');
  });

  it('answers 404 for an entry nobody stored', async () => {
    const reply = await send(server.url, 'GET', '/v1/cache/999', {
      token: readOnlyToken,
    });
    expect(reply.status).toBe(404);
  });

  it('answers 409 and keeps the first body when a hash is written twice', async () => {
    await send(server.url, 'PUT', '/v1/cache/77', {
      token: readWriteToken,
      body: 'first',
    });
    const second = await send(server.url, 'PUT', '/v1/cache/77', {
      token: readWriteToken,
      body: 'poisoned',
    });
    const get = await send(server.url, 'GET', '/v1/cache/77', {
      token: readWriteToken,
    });

    expect(second.status).toBe(409);
    expect(get.body.toString()).toBe('first');
  });

  it('answers HEAD with the size and no body', async () => {
    await send(server.url, 'PUT', '/v1/cache/5', {
      token: readWriteToken,
      body: '12345678',
    });
    const head = await send(server.url, 'HEAD', '/v1/cache/5', {
      token: readOnlyToken,
    });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe('8');
  });
});

describe('tokens', () => {
  it.each([
    ['no Authorization header', undefined, {}],
    ['an unknown token', 'not-a-token', {}],
    [
      'a token without the Bearer scheme',
      undefined,
      { authorization: readWriteToken },
    ],
    ['a prefix of a real token', readWriteToken.slice(0, 6), {}],
  ])('answers 401 to %s', async (_name, token, headers) => {
    const get = await send(server.url, 'GET', '/v1/cache/1', {
      token,
      headers,
    });
    const put = await send(server.url, 'PUT', '/v1/cache/1', {
      token,
      headers,
      body: 'x',
    });
    expect([get.status, put.status]).toEqual([401, 401]);
    expect(get.headers['www-authenticate']).toBe('Bearer');
  });

  it('answers 403 to a PUT with a read-only token and stores nothing', async () => {
    const put = await send(server.url, 'PUT', '/v1/cache/42', {
      token: readOnlyToken,
      body: 'from a pull request',
    });
    expect(put.status).toBe(403);
    expect(existsSync(join(directory, '42'))).toBe(false);
  });

  it('writes access log lines with the role but never a token value', async () => {
    await send(server.url, 'PUT', '/v1/cache/8?token=leak', {
      token: readWriteToken,
      body: 'x',
    });
    await send(server.url, 'GET', '/v1/cache/8', { token: readOnlyToken });
    await send(server.url, 'GET', '/v1/cache/8', { token: 'guessed-secret' });

    await waitFor(() =>
      expect(
        server.logLines.filter((l) => l.includes('"request"')),
      ).toHaveLength(3),
    );
    const log = server.logLines.join('');
    const requests = server.logLines
      .map((line) => JSON.parse(line))
      .filter((line) => line.event === 'request');
    // Lines are written when each response closes, not in request order.
    const seen = requests.map((line) => [line.status, line.role]);
    expect(seen.sort()).toEqual([
      [200, 'read-only'],
      [200, 'read-write'],
      [401, 'none'],
    ]);
    expect(requests.find((line) => line.method === 'PUT')).toMatchObject({
      path: '/v1/cache/8',
      bytesIn: 1,
    });
    for (const secret of [
      readWriteToken,
      readOnlyToken,
      'guessed-secret',
      'leak',
    ]) {
      expect(log).not.toContain(secret);
    }
  });
});

describe('hash validation', () => {
  it.each([
    '/v1/cache/..',
    '/v1/cache/../etc/passwd',
    '/v1/cache/%2e%2e',
    '/v1/cache/%2e%2e%2fetc',
    '/v1/cache/a/b',
    '/v1/cache/.incoming',
    '/v1/cache/',
    `/v1/cache/${'1'.repeat(129)}`,
    '/v1/cache/12%00',
  ])('answers 400 to %s', async (path) => {
    const get = await send(server.url, 'GET', path, { token: readWriteToken });
    const put = await send(server.url, 'PUT', path, {
      token: readWriteToken,
      body: 'x',
    });
    expect([get.status, put.status]).toEqual([400, 400]);
    expect(readdirSync(directory)).toEqual(['.incoming']);
  });

  it('answers 404 outside /v1/cache and 405 to other methods', async () => {
    const other = await send(server.url, 'GET', '/v2/cache/1', {
      token: readWriteToken,
    });
    const remove = await send(server.url, 'DELETE', '/v1/cache/1', {
      token: readWriteToken,
    });
    expect(other.status).toBe(404);
    expect(remove.status).toBe(405);
    expect(remove.headers.allow).toBe('GET, HEAD, PUT');
  });
});

describe('body size limit', () => {
  it('answers 413 when Content-Length is over the limit', async () => {
    const reply = await send(server.url, 'PUT', '/v1/cache/13', {
      token: readWriteToken,
      body: Buffer.alloc(64 * 1024 + 1),
    });
    expect(reply.status).toBe(413);
    expect(reply.body.toString()).toContain('CACHE_SERVER_MAX_BODY_SIZE');
  });

  it('answers 413 to a chunked body that grows over the limit, leaving nothing', async () => {
    const reply = await send(server.url, 'PUT', '/v1/cache/14', {
      token: readWriteToken,
      headers: { 'transfer-encoding': 'chunked' },
      body: Buffer.alloc(200 * 1024, 7),
    });
    expect(reply.status).toBe(413);
    await waitFor(() =>
      expect(readdirSync(join(directory, '.incoming'))).toEqual([]),
    );
    expect(existsSync(join(directory, '14'))).toBe(false);
  });

  it('accepts a body of exactly the limit', async () => {
    const reply = await send(server.url, 'PUT', '/v1/cache/15', {
      token: readWriteToken,
      body: Buffer.alloc(64 * 1024, 1),
    });
    expect(reply.status).toBe(200);
  });
});

describe('atomic writes', () => {
  it('stores nothing when the client disconnects mid-upload', async () => {
    const { port } = server;
    await new Promise<void>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(
          'PUT /v1/cache/31 HTTP/1.1\r\nHost: x\r\n' +
            `Authorization: Bearer ${readWriteToken}\r\n` +
            'Content-Length: 50000\r\n\r\n' +
            'half of the body',
        );
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 100);
      });
      socket.on('error', reject);
    });

    await waitFor(() =>
      expect(server.logLines.join('')).toContain('client disconnected'),
    );
    expect(existsSync(join(directory, '31'))).toBe(false);
    expect(readdirSync(join(directory, '.incoming'))).toEqual([]);
    const reply = await send(server.url, 'GET', '/health');
    expect(reply.status).toBe(200);
  });

  it('lets exactly one of many concurrent writers of one hash win', async () => {
    const bodies = Array.from({ length: 12 }, (_, i) =>
      Buffer.alloc(16 * 1024, i),
    );
    const replies = await Promise.all(
      bodies.map((body) =>
        send(server.url, 'PUT', '/v1/cache/600', {
          token: readWriteToken,
          body,
        }),
      ),
    );
    const stored = readFileSync(join(directory, '600'));

    expect(replies.filter(({ status }) => status === 200)).toHaveLength(1);
    expect(replies.every(({ status }) => [200, 409].includes(status))).toBe(
      true,
    );
    expect(bodies.some((body) => body.equals(stored))).toBe(true);
    expect(readdirSync(join(directory, '.incoming'))).toEqual([]);
  });
});

describe('health and shutdown', () => {
  it('answers GET /health without a token', async () => {
    const reply = await send(server.url, 'GET', '/health');
    expect(reply.status).toBe(200);
  });

  it('finishes an upload in flight before close() resolves', async () => {
    const { port } = server;
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString()));
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      'PUT /v1/cache/55 HTTP/1.1\r\nHost: x\r\n' +
        `Authorization: Bearer ${readWriteToken}\r\n` +
        'Content-Length: 10\r\n\r\n12345',
    );
    await waitFor(() =>
      expect(readdirSync(join(directory, '.incoming'))).toHaveLength(1),
    );

    const closed = server.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const refused = await send(server.url, 'GET', '/health').catch(
      (error: NodeJS.ErrnoException) => error.code,
    );
    socket.write('67890');
    await closed;

    expect(refused).toBe('ECONNREFUSED');
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(readFileSync(join(directory, '55'), 'utf8')).toBe('1234567890');
    socket.destroy();
  });
});
