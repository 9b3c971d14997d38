import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  readOnlyToken,
  readWriteToken,
  send,
  startTestServer,
  temporaryDirectory,
  type TestServer,
} from '../testing/harness';
import { createS3Storage, type S3Location } from './s3';

// A real S3-compatible server (gofakes3, built from the Go module proxy by
// the script) on loopback, not a mock: requests are signed, sent and
// parsed exactly as against any other S3 store.
const script = resolve(__dirname, '../../scripts/s3-server.sh');
const stateDirectory = temporaryDirectory('s3');
let location: S3Location;
let server: TestServer;

beforeAll(async () => {
  process.env.AWS_ACCESS_KEY_ID = 'spec-access-key';
  process.env.AWS_SECRET_ACCESS_KEY = 'spec-secret-key';
  const started = execFileSync(script, ['start', stateDirectory], {
    encoding: 'utf8',
  });
  const endpoint = /^endpoint=(.*)$/m.exec(started)![1];
  const bucket = /^bucket=(.*)$/m.exec(started)![1];
  location = {
    bucket,
    prefix: 'nx/',
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    conditionalWrites: true,
  };
  server = await startTestServer(createS3Storage(location));
});

afterAll(async () => {
  await server?.close();
  execFileSync(script, ['stop', stateDirectory]);
});

describe('S3 storage behind the HTTP server', () => {
  it('stores an entry and serves the same bytes back', async () => {
    const body = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 251));
    const put = await send(server.url, 'PUT', '/v1/cache/4001', {
      token: readWriteToken,
      body,
    });
    const get = await send(server.url, 'GET', '/v1/cache/4001', {
      token: readOnlyToken,
    });

    expect(put.status).toBe(200);
    expect(get.status).toBe(200);
    expect(get.body.equals(body)).toBe(true);
  });

  it('answers 404 for a missing key and 409 to an overwrite', async () => {
    const missing = await send(server.url, 'GET', '/v1/cache/4999', {
      token: readOnlyToken,
    });
    await send(server.url, 'PUT', '/v1/cache/4002', {
      token: readWriteToken,
      body: 'first',
    });
    const again = await send(server.url, 'PUT', '/v1/cache/4002', {
      token: readWriteToken,
      body: 'second',
    });
    const get = await send(server.url, 'GET', '/v1/cache/4002', {
      token: readOnlyToken,
    });

    expect(missing.status).toBe(404);
    expect(again.status).toBe(409);
    expect(get.body.toString()).toBe('first');
  });

  it('answers 403 to a read-only PUT without touching the bucket', async () => {
    const put = await send(server.url, 'PUT', '/v1/cache/4003', {
      token: readOnlyToken,
      body: 'x',
    });
    const storage = createS3Storage(location);
    expect(put.status).toBe(403);
    expect(await storage.has('4003')).toBe(false);
  });
});

describe('S3 storage', () => {
  it('refuses an overwrite in the store itself with If-None-Match', async () => {
    const storage = createS3Storage(location);
    const first = await storage.put('4100', Readable.from([Buffer.from('a')]));
    const second = await storage.put('4100', Readable.from([Buffer.from('b')]));
    expect([first, second]).toEqual(['created', 'exists']);
  });

  it('falls back to HEAD-then-PUT when conditional writes are off', async () => {
    const storage = createS3Storage({ ...location, conditionalWrites: false });
    const first = await storage.put('4101', Readable.from([Buffer.from('a')]));
    const second = await storage.put('4101', Readable.from([Buffer.from('b')]));
    expect([first, second]).toEqual(['created', 'exists']);
  });

  it('cuts the response short when an object no longer matches its sha256', async () => {
    await send(server.url, 'PUT', '/v1/cache/4200', {
      token: readWriteToken,
      body: 'genuine',
    });
    // Someone with bucket access replaces the bytes but not the metadata.
    const client = new S3Client({
      region: 'us-east-1',
      endpoint: location.endpoint,
      forcePathStyle: true,
    });
    const head = await createS3Storage(location).get('4200');
    head!.body.destroy();
    await client.send(
      new PutObjectCommand({
        Bucket: location.bucket,
        Key: 'nx/4200',
        Body: 'tampered',
        Metadata: { sha256: head!.sha256! },
      }),
    );
    client.destroy();

    const get = send(server.url, 'GET', '/v1/cache/4200', {
      token: readOnlyToken,
    });
    await expect(get).rejects.toThrow();
  });

  it('names the bucket and the fix when the bucket is missing', async () => {
    const storage = createS3Storage({ ...location, bucket: 'no-such-bucket' });
    await expect(storage.prepare()).rejects.toThrow(
      /s3:\/\/no-such-bucket\/nx\/.*create the bucket/,
    );
  });

  it('keeps its state outside the repository', () => {
    expect(join(stateDirectory)).not.toContain('apps/cache-server');
  });
});
