import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

/** StaticFile is a file of the built page, ready to send. */
export interface StaticFile {
  contentType: string;
  body: Buffer;
  immutable: boolean;
}

/**
 * readStaticFile returns the file of the built page at a URL path, or
 * undefined when there is none. "/" is index.html; paths that would leave
 * publicDir are refused. Vite names assets by content hash, so files under
 * /assets/ may be cached for good.
 */
export async function readStaticFile(
  publicDir: string,
  urlPath: string,
): Promise<StaticFile | undefined> {
  const relative = urlPath === '/' ? 'index.html' : urlPath.slice(1);
  const path = normalize(join(publicDir, decodeURIComponent(relative)));
  if (!path.startsWith(normalize(publicDir) + sep)) return undefined;
  try {
    return {
      contentType: contentTypes[extname(path)] ?? 'application/octet-stream',
      body: await readFile(path),
      immutable: relative.startsWith('assets/'),
    };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') {
      return undefined;
    }
    throw error;
  }
}
