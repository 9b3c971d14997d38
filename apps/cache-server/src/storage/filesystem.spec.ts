import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  readWriteToken,
  send,
  startTestServer,
  temporaryDirectory,
  type TestServer,
} from '../testing/harness';
import { createFilesystemStorage } from './filesystem';
import { StorageFullError } from './storage';

describe('filesystem storage', () => {
  it('removes temporary files a crash left behind when it starts', async () => {
    const directory = temporaryDirectory('fs');
    mkdirSync(join(directory, '.incoming'));
    writeFileSync(join(directory, '.incoming', '12.abc'), 'partial');
    const storage = createFilesystemStorage(directory);

    await storage.prepare();

    expect(readdirSync(join(directory, '.incoming'))).toEqual([]);
    expect(await storage.has('12')).toBe(false);
  });

  it('reports exists and keeps the stored bytes on a second put', async () => {
    const storage = createFilesystemStorage(temporaryDirectory('fs'));
    await storage.prepare();

    const first = await storage.put('9', Readable.from([Buffer.from('a')]));
    const second = await storage.put('9', Readable.from([Buffer.from('b')]));
    const entry = await storage.get('9');
    const chunks: Buffer[] = [];
    for await (const chunk of entry!.body) chunks.push(chunk as Buffer);

    expect([first, second]).toEqual(['created', 'exists']);
    expect(Buffer.concat(chunks).toString()).toBe('a');
  });
});

// A real full disk: a 256 KiB tmpfs. Mounting needs root, which the test
// run has on this workplace's machines and in CI.
const isRoot = process.getuid?.() === 0;

describe.runIf(isRoot)('a full disk', () => {
  let mountPoint: string;
  let server: TestServer;

  beforeAll(async () => {
    mountPoint = temporaryDirectory('full-disk');
    execFileSync('mount', [
      '-t',
      'tmpfs',
      '-o',
      'size=256k',
      'tmpfs',
      mountPoint,
    ]);
    server = await startTestServer(createFilesystemStorage(mountPoint), {
      maxBodyBytes: 4 * 1024 * 1024,
    });
  });

  afterAll(async () => {
    await server?.close();
    execFileSync('umount', [mountPoint]);
  });

  it('answers 507 with a clear message and leaves no partial entry', async () => {
    const reply = await send(server.url, 'PUT', '/v1/cache/700', {
      token: readWriteToken,
      body: Buffer.alloc(2 * 1024 * 1024, 3),
    });

    expect(reply.status).toBe(507);
    expect(reply.body.toString()).toContain('no space left on the device');
    expect(readdirSync(mountPoint).sort()).toEqual(['.incoming']);
    expect(readdirSync(join(mountPoint, '.incoming'))).toEqual([]);
    const line = server.logLines.find((l) => l.includes('"status":507'));
    expect(JSON.parse(line!)).toMatchObject({
      level: 'info',
      role: 'read-write',
    });
  });

  it('still stores entries that fit once the failed upload is gone', async () => {
    const reply = await send(server.url, 'PUT', '/v1/cache/701', {
      token: readWriteToken,
      body: Buffer.alloc(16 * 1024, 4),
    });
    expect(reply.status).toBe(200);
  });

  it('throws StorageFullError from put itself', async () => {
    const storage = createFilesystemStorage(mountPoint);
    const huge = Readable.from([Buffer.alloc(2 * 1024 * 1024)]);
    await expect(storage.put('702', huge)).rejects.toBeInstanceOf(
      StorageFullError,
    );
  });
});
