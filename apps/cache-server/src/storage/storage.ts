import type { Readable } from 'node:stream';

/**
 * CacheStorage is where cache entries live. An entry is written once and
 * never replaced: `put` of a hash that exists reports `exists` and leaves
 * the stored bytes alone, which is what keeps a read-only client (or a
 * racing writer) from poisoning an entry that `main` already trusts.
 * Each backend is one file beside this one.
 */
export interface CacheStorage {
  /** description names the backend and location for logs, never secrets */
  readonly description: string;
  /** prepare creates what the backend needs and removes crash leftovers */
  prepare(): Promise<void>;
  has(hash: string): Promise<boolean>;
  get(hash: string): Promise<StoredEntry | undefined>;
  /**
   * put stores body under hash atomically: after a failure (client gone,
   * disk full, body too large) no entry and no temporary file remain.
   */
  put(hash: string, body: Readable): Promise<PutOutcome>;
  close(): Promise<void>;
}

/** StoredEntry is one entry being read; the caller consumes body. */
export interface StoredEntry {
  size: number;
  body: Readable;
  /** sha256 is the digest recorded at write time, when the backend has one */
  sha256?: string;
}

export type PutOutcome = 'created' | 'exists';

/** StorageFullError means the backend has no room; the entry was dropped. */
export class StorageFullError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageFullError';
  }
}

/** BodyTooLargeError means the upload passed the configured size limit. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body is larger than the limit of ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}
