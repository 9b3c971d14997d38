import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { DashboardConfig } from './config';
import { buildOverview } from './overview';
import { callRouter } from './router-client';
import { readStaticFile } from './static-files';

/** maxClassifyBodyBytes bounds a text sent from the page to classify. */
export const maxClassifyBodyBytes = 64 * 1024;

type Log = (message: string) => void;

/**
 * createDashboardServer returns the backend: the built page, GET
 * /api/overview (router health, recent classifications, models chosen),
 * GET /api/health (503 while the router does not answer) and POST
 * /api/classify, which forwards a text to the router.
 */
export function createDashboardServer(
  config: DashboardConfig,
  log: Log = () => undefined,
): Server {
  return createServer((request, response) => {
    handle(config, request, response).catch((error: Error) => {
      log(`${request.method} ${request.url}: ${error.message}`);
      if (!response.headersSent) {
        sendJson(response, 500, { error: { message: error.message } });
      } else {
        response.destroy();
      }
    });
  });
}

async function handle(
  config: DashboardConfig,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://dashboard').pathname;
  const method = request.method ?? 'GET';
  const routes: Record<string, string[]> = {
    '/api/overview': ['GET', 'HEAD'],
    '/api/health': ['GET', 'HEAD'],
    '/api/classify': ['POST'],
  };
  const allowed = routes[path] ?? ['GET', 'HEAD'];
  if (!allowed.includes(method)) {
    response.setHeader('allow', allowed.join(', '));
    sendJson(response, 405, {
      error: {
        message: `${method} is not allowed on ${path} (use ${allowed.join(' or ')})`,
      },
    });
    return;
  }

  if (path === '/api/overview') {
    sendJson(
      response,
      200,
      await buildOverview(config.routerUrl, config.routerTimeoutMs),
    );
  } else if (path === '/api/health') {
    const overview = await buildOverview(
      config.routerUrl,
      config.routerTimeoutMs,
    );
    const up = overview.router.status === 'ok';
    sendJson(response, up ? 200 : 503, { router: overview.router });
  } else if (path === '/api/classify') {
    await forwardClassify(config, request, response);
  } else {
    await sendStatic(config.publicDir, path, response);
  }
}

async function forwardClassify(
  config: DashboardConfig,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxClassifyBodyBytes) {
      sendJson(response, 413, {
        error: {
          message: `request body is larger than ${maxClassifyBodyBytes} bytes (send a shorter text)`,
        },
      });
      return;
    }
    chunks.push(chunk);
  }

  let answer;
  try {
    answer = await callRouter(
      config.routerUrl,
      '/api/v1/classify',
      config.routerTimeoutMs,
      Buffer.concat(chunks),
    );
  } catch (error) {
    sendJson(response, 502, {
      error: {
        message: `the router did not answer: ${(error as Error).message}`,
      },
    });
    return;
  }
  response.writeHead(answer.status, {
    'content-type': answer.contentType || 'application/json',
    'cache-control': 'no-store',
  });
  response.end(answer.body);
}

async function sendStatic(
  publicDir: string,
  path: string,
  response: ServerResponse,
): Promise<void> {
  const file = await readStaticFile(publicDir, path);
  if (!file) {
    sendJson(response, 404, { error: { message: `no file at ${path}` } });
    return;
  }
  response.writeHead(200, {
    'content-type': file.contentType,
    'cache-control': file.immutable
      ? 'public, max-age=31536000, immutable'
      : 'no-cache',
  });
  response.end(file.body);
}

function sendJson(
  response: ServerResponse,
  status: number,
  value: unknown,
): void {
  response.writeHead(status, {
    'content-type': 'application/json',
    'cache-control': 'no-store',
  });
  response.end(JSON.stringify(value));
}
