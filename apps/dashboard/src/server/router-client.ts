import { request } from 'node:http';

/** RouterAnswer is a finished HTTP exchange with the router. */
export interface RouterAnswer {
  status: number;
  contentType: string;
  body: string;
}

/**
 * callRouter sends one request to the router's HTTP API. It uses node:http
 * rather than fetch so the bundle runs on Node 18 (Debian 12's) without an
 * experimental-feature warning. Network errors and timeouts reject with a
 * message naming the URL.
 */
export function callRouter(
  base: URL,
  path: string,
  timeoutMs: number,
  body?: Buffer,
): Promise<RouterAnswer> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: body ? 'POST' : 'GET',
        headers: body
          ? {
              'content-type': 'application/json',
              'content-length': body.length,
            }
          : {},
        timeout: timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            contentType: response.headers['content-type'] ?? '',
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    outgoing.on('timeout', () =>
      outgoing.destroy(new Error(`no answer within ${timeoutMs} ms`)),
    );
    outgoing.on('error', (error) =>
      reject(new Error(`${outgoing.method} ${url.href}: ${error.message}`)),
    );
    outgoing.end(body);
  });
}
