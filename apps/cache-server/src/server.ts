import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequestHandler, type HandlerOptions } from './handler';

/** ServerOptions is the handler's needs plus where to listen. */
export interface ServerOptions extends HandlerOptions {
  host: string;
  port: number;
  /** shutdownTimeoutMs bounds how long close() waits for requests */
  shutdownTimeoutMs: number;
}

/** CacheServer is a listening server; close() shuts it down gracefully. */
export interface CacheServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

// node:http and no framework: the protocol is two routes, bodies must
// stream to storage without buffering, and a server that holds other
// people's build artifacts should carry as few dependencies as possible.

/**
 * startCacheServer prepares storage and listens. close() stops accepting
 * connections, lets requests in flight finish, closes idle keep-alive
 * connections, and after shutdownTimeoutMs cuts whatever is left.
 */
export async function startCacheServer(
  options: ServerOptions,
): Promise<CacheServer> {
  await options.storage.prepare();
  const server = createServer(createRequestHandler(options));
  // Nx keeps connections alive between tasks; the default 5 s would make
  // it reconnect for most tasks of a long build.
  server.keepAliveTimeout = 30_000;

  await listen(server, options.host, options.port);
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  options.logger.info('listening', {
    url: `http://${host}:${port}`,
    storage: options.storage.description,
    maxBodyBytes: options.maxBodyBytes,
    readWriteTokens: options.readWriteTokens.length,
    readOnlyTokens: options.readOnlyTokens.length,
  });

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () => (closing ??= shutDown(server, options)),
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

async function shutDown(server: Server, options: ServerOptions): Promise<void> {
  const started = Date.now();
  options.logger.info('shutdown started', {
    timeoutMs: options.shutdownTimeoutMs,
  });

  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Node 18 leaves idle keep-alive connections open after close(); a
  // connection turns idle when its request in flight finishes, so sweep.
  server.closeIdleConnections();
  const sweep = setInterval(() => server.closeIdleConnections(), 100);
  let timedOut = false;
  const deadline = setTimeout(() => {
    timedOut = true;
    server.closeAllConnections();
  }, options.shutdownTimeoutMs);
  await closed;
  clearInterval(sweep);
  clearTimeout(deadline);
  await options.storage.close();

  const fields = { durationMs: Date.now() - started };
  if (timedOut) {
    options.logger.warn('shutdown finished after cutting open requests', {
      ...fields,
      reason: 'CACHE_SERVER_SHUTDOWN_TIMEOUT passed',
    });
  } else {
    options.logger.info('shutdown finished', fields);
  }
}
