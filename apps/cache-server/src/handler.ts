import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { createAuthenticator, type Role } from './auth';
import { limitBody, verifyDigest } from './body';
import type { Logger } from './log';
import {
  BodyTooLargeError,
  StorageFullError,
  type CacheStorage,
} from './storage/storage';

/** HandlerOptions is what the request handler needs at run time. */
export interface HandlerOptions {
  storage: CacheStorage;
  readWriteTokens: string[];
  readOnlyTokens: string[];
  maxBodyBytes: number;
  logger: Logger;
}

/** RequestRecord collects one request's access log fields. */
interface RequestRecord {
  remote?: string;
  role?: Role;
  bytesIn: number;
  outcome?: string;
}

const cachePathPattern = /^\/v1\/cache\/(.*)$/;
// Nx's task hashes are decimal digits; letters are allowed for other
// clients. Matching the raw, undecoded path means "..", "%2e%2e" and "/"
// can never reach a file name or an object key.
const hashPattern = /^[A-Za-z0-9]{1,128}$/;

/**
 * createRequestHandler answers Nx's self-hosted remote cache protocol:
 * GET and PUT /v1/cache/{hash} with a bearer token, plus GET /health.
 * Nx accepts only 200 for a stored entry, and takes 409 (exists) and 403
 * (read-only) as "not stored" without failing the task.
 */
export function createRequestHandler(options: HandlerOptions) {
  const authenticate = createAuthenticator(
    options.readWriteTokens,
    options.readOnlyTokens,
  );

  return (request: IncomingMessage, response: ServerResponse): void => {
    const started = process.hrtime.bigint();
    const record: RequestRecord = {
      bytesIn: 0,
      remote: request.socket.remoteAddress,
    };
    const handled = route(
      request,
      response,
      record,
      authenticate,
      options,
    ).catch((error: unknown) => {
      record.outcome = `unexpected error: ${describe(error)}`;
      if (!response.headersSent) {
        sendText(response, 500, 'internal error; see the server log');
      } else {
        response.destroy();
      }
    });
    // A response closes before the handler learns why (a client gone
    // mid-upload), so the line waits for both.
    response.on('close', () => {
      void handled.then(() =>
        logAccess(options.logger, request, response, record, started),
      );
    });
  };
}

async function route(
  request: IncomingMessage,
  response: ServerResponse,
  record: RequestRecord,
  authenticate: (header: string | undefined) => Role | undefined,
  options: HandlerOptions,
): Promise<void> {
  const path = (request.url ?? '/').split('?')[0];
  const method = request.method ?? 'GET';

  if (path === '/health') {
    if (method !== 'GET' && method !== 'HEAD') {
      return reject(request, response, options, 405, 'use GET', {
        Allow: 'GET, HEAD',
      });
    }
    return sendText(response, 200, 'ok');
  }
  const match = cachePathPattern.exec(path);
  if (!match) {
    return reject(request, response, options, 404, 'no such endpoint');
  }
  if (method !== 'GET' && method !== 'HEAD' && method !== 'PUT') {
    return reject(request, response, options, 405, 'use GET or PUT', {
      Allow: 'GET, HEAD, PUT',
    });
  }

  record.role = authenticate(request.headers.authorization);
  if (!record.role) {
    return reject(request, response, options, 401, 'missing or unknown token', {
      'WWW-Authenticate': 'Bearer',
    });
  }
  const hash = match[1];
  if (!hashPattern.test(hash)) {
    return reject(request, response, options, 400, 'invalid hash');
  }
  if (method !== 'PUT') {
    return serveEntry(request, response, record, hash, options);
  }
  if (record.role !== 'read-write') {
    return reject(request, response, options, 403, 'token is read-only');
  }
  return storeEntry(request, response, record, hash, options);
}

async function serveEntry(
  request: IncomingMessage,
  response: ServerResponse,
  record: RequestRecord,
  hash: string,
  options: HandlerOptions,
): Promise<void> {
  const entry = await options.storage.get(hash);
  if (!entry) {
    return sendText(response, 404, 'no such entry');
  }
  response.setHeader('Content-Type', 'application/octet-stream');
  response.setHeader('Content-Length', entry.size);
  response.writeHead(200);
  if (request.method === 'HEAD') {
    entry.body.destroy();
    response.end();
    return;
  }

  try {
    if (entry.sha256) {
      await pipeline(entry.body, verifyDigest(entry.sha256), response);
    } else {
      await pipeline(entry.body, response);
    }
  } catch (error) {
    record.outcome = response.writableEnded
      ? describe(error)
      : `response cut short: ${describe(error)}`;
    response.destroy();
  }
}

async function storeEntry(
  request: IncomingMessage,
  response: ServerResponse,
  record: RequestRecord,
  hash: string,
  options: HandlerOptions,
): Promise<void> {
  const { storage, maxBodyBytes } = options;
  const declared = Number(request.headers['content-length'] ?? NaN);
  if (declared > maxBodyBytes) {
    return closeWith(response, 413, tooLarge(maxBodyBytes));
  }
  if (await storage.has(hash)) {
    return reject(request, response, options, 409, 'entry exists');
  }

  const limited = limitBody(maxBodyBytes, (bytes) => (record.bytesIn = bytes));
  // The backend reads `limited` when it is ready (after opening a file,
  // say); until then an error is kept on the stream, where its reader
  // finds it, instead of being thrown with nobody listening.
  limited.on('error', () => {});
  request.on('error', (error) => limited.destroy(error));
  request.pipe(limited);
  try {
    const outcome = await storage.put(hash, limited);
    sendText(response, outcome === 'created' ? 200 : 409, outcome);
  } catch (error) {
    if (request.destroyed && !request.complete) {
      record.outcome = 'client disconnected mid-upload; nothing stored';
      return;
    }
    if (error instanceof BodyTooLargeError) {
      return closeWith(response, 413, tooLarge(maxBodyBytes));
    }
    record.outcome = describe(error);
    if (error instanceof StorageFullError) {
      return closeWith(response, 507, error.message);
    }
    return closeWith(response, 500, 'storing the entry failed; see the log');
  }
}

// reject answers without using the body. A client such as Nx's sends the
// whole body before it reads the answer, so the body is drained first (up
// to the size limit) and the connection stays usable.
function reject(
  request: IncomingMessage,
  response: ServerResponse,
  options: HandlerOptions,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > options.maxBodyBytes || request.complete) {
    return closeWith(response, status, message, headers, !request.complete);
  }
  let drained = 0;
  request.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > options.maxBodyBytes) {
      request.removeAllListeners('data');
      closeWith(response, status, message, headers);
    }
  });
  request.on('end', () => sendText(response, status, message, headers));
  request.on('error', () => response.destroy());
}

function closeWith(
  response: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
  close = true,
): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  sendText(
    response,
    status,
    message,
    close ? { ...headers, Connection: 'close' } : headers,
  );
}

function sendText(
  response: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  if (response.headersSent || response.destroyed) return;
  const body = `${message}\n`;
  const all = {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    ...headers,
  };
  for (const [name, value] of Object.entries(all)) {
    response.setHeader(name, value);
  }
  response.writeHead(status);
  response.end(body);
}

function tooLarge(limit: number): string {
  return `body larger than ${limit} bytes (raise CACHE_SERVER_MAX_BODY_SIZE)`;
}

// The access log takes the path only: no query string, no headers, so
// neither a token nor anything a client put in a URL parameter is logged.
function logAccess(
  logger: Logger,
  request: IncomingMessage,
  response: ServerResponse,
  record: RequestRecord,
  started: bigint,
): void {
  const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
  const completed = response.writableFinished;
  const fields = {
    method: request.method,
    path: (request.url ?? '').split('?')[0].slice(0, 200),
    status: response.headersSent ? response.statusCode : 0,
    role: record.role ?? 'none',
    bytesIn: record.bytesIn,
    bytesOut: Number(response.getHeader('content-length') ?? 0),
    durationMs: Math.round(durationMs * 100) / 100,
    remote: record.remote,
    completed,
    outcome: record.outcome,
  };
  if (record.outcome && !completed) {
    logger.warn('request', fields);
  } else {
    logger.info('request', fields);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
