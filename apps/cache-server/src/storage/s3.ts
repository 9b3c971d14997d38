import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import {
  StorageFullError,
  type CacheStorage,
  type PutOutcome,
  type StoredEntry,
} from './storage';

/** S3Location is a bucket, a key prefix and how to reach the service. */
export interface S3Location {
  bucket: string;
  /** prefix is prepended to every hash as is: "nx/" gives "nx/<hash>" */
  prefix: string;
  /** endpoint is the service URL for S3-compatible stores; AWS when unset */
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
  /**
   * conditionalWrites sends `If-None-Match: *` so the store itself refuses
   * to replace an object. Without it put() checks with HEAD first, which
   * leaves a window where two writers of one hash both write; both bodies
   * are then outputs of the same task hash, and the later one wins.
   */
  conditionalWrites: boolean;
}

const digestMetadataKey = 'sha256';

/**
 * createS3Storage keeps one object per entry. Credentials come from the
 * AWS SDK's default chain (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY,
 * a profile, or an instance role); none of them is ever logged.
 */
export function createS3Storage(location: S3Location): CacheStorage {
  const client = new S3Client({
    region: location.region,
    endpoint: location.endpoint,
    forcePathStyle: location.forcePathStyle,
    // Recent SDKs add CRC checksums and aws-chunked uploads by default,
    // which several S3-compatible stores reject. The body's sha256 is
    // recorded as metadata instead and checked when the entry is served.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const key = (hash: string) => `${location.prefix}${hash}`;
  const where = `s3://${location.bucket}/${location.prefix}`;

  return {
    description: location.endpoint ? `${where} at ${location.endpoint}` : where,

    async prepare() {
      await client
        .send(new HeadBucketCommand({ Bucket: location.bucket }))
        .catch((error: unknown) => {
          throw new Error(
            `checking bucket ${where}: ${describe(error)} (create the ` +
              'bucket, or fix CACHE_SERVER_STORAGE, CACHE_SERVER_S3_ENDPOINT ' +
              'and the credentials)',
            { cause: error },
          );
        });
    },

    async has(hash) {
      try {
        await client.send(
          new HeadObjectCommand({ Bucket: location.bucket, Key: key(hash) }),
        );
        return true;
      } catch (error) {
        if (statusOf(error) === 404) return false;
        throw error;
      }
    },

    async get(hash): Promise<StoredEntry | undefined> {
      try {
        const object = await client.send(
          new GetObjectCommand({ Bucket: location.bucket, Key: key(hash) }),
        );
        return {
          size: object.ContentLength ?? 0,
          body: object.Body as Readable,
          sha256: object.Metadata?.[digestMetadataKey],
        };
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw error;
      }
    },

    async put(hash, body): Promise<PutOutcome> {
      // The whole body is read before the object is written: a client that
      // disconnects mid-upload then never reaches the store at all.
      const bytes = await readAll(body);
      if (!location.conditionalWrites && (await this.has(hash))) {
        return 'exists';
      }
      try {
        await client.send(
          new PutObjectCommand({
            Bucket: location.bucket,
            Key: key(hash),
            Body: bytes,
            ContentLength: bytes.length,
            ContentType: 'application/octet-stream',
            Metadata: { [digestMetadataKey]: sha256(bytes) },
            IfNoneMatch: location.conditionalWrites ? '*' : undefined,
          }),
        );
        return 'created';
      } catch (error) {
        // 412: the object exists. 409: AWS's answer when a concurrent
        // conditional write to the same key won the race.
        const status = statusOf(error);
        if (status === 412 || status === 409) return 'exists';
        if (status === 507 || nameOf(error) === 'EntityTooLarge') {
          throw new StorageFullError(
            `writing to ${where}: the store refused the object ` +
              `(${describe(error)}); the entry was dropped`,
            { cause: error },
          );
        }
        throw error;
      }
    },

    async close() {
      client.destroy();
    },
  };
}

async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function statusOf(error: unknown): number | undefined {
  return error instanceof S3ServiceException
    ? error.$metadata.httpStatusCode
    : undefined;
}

function nameOf(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

function describe(error: unknown): string {
  if (error instanceof S3ServiceException) {
    return `${error.name} (HTTP ${error.$metadata.httpStatusCode})`;
  }
  return error instanceof Error ? error.message : String(error);
}
