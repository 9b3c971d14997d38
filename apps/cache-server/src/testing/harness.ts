import { request as httpRequest } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../log';
import { startCacheServer, type CacheServer } from '../server';
import type { CacheStorage } from '../storage/storage';

/** readWriteToken and readOnlyToken are the tokens every spec server knows. */
export const readWriteToken = 'rw-3f9a1c0d2e7b';
export const readOnlyToken = 'ro-8b21e6f04c95';

/** TestServer is a real server on 127.0.0.1 with its captured log lines. */
export interface TestServer extends CacheServer {
  logLines: string[];
}

/** startTestServer listens on a free loopback port with the spec tokens. */
export async function startTestServer(
  storage: CacheStorage,
  overrides: { maxBodyBytes?: number; shutdownTimeoutMs?: number } = {},
): Promise<TestServer> {
  const logLines: string[] = [];
  const server = await startCacheServer({
    host: '127.0.0.1',
    port: 0,
    storage,
    readWriteTokens: [readWriteToken],
    readOnlyTokens: [readOnlyToken],
    maxBodyBytes: overrides.maxBodyBytes ?? 1024 * 1024,
    shutdownTimeoutMs: overrides.shutdownTimeoutMs ?? 5_000,
    logger: createLogger((line) => logLines.push(line)),
  });
  return { ...server, logLines };
}

/** temporaryDirectory makes a fresh directory under the system tmp. */
export function temporaryDirectory(label: string): string {
  return mkdtempSync(join(tmpdir(), `cache-server-${label}-`));
}

/** Reply is a finished HTTP exchange. */
export interface Reply {
  status: number;
  body: Buffer;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * send makes one request with node:http, so the raw path reaches the
 * server as written (fetch would normalise "..").
 */
export function send(
  base: string,
  method: string,
  path: string,
  options: {
    token?: string;
    body?: Buffer | string;
    headers?: Record<string, string>;
  } = {},
): Promise<Reply> {
  const url = new URL(base);
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { host: url.hostname, port: url.port, method, path, headers },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            body: Buffer.concat(chunks),
            headers: response.headers,
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

/** waitFor polls until check passes or the deadline throws its last error. */
export async function waitFor(check: () => void, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}
