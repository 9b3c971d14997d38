import type { StorageConfig } from '../config';
import { createFilesystemStorage } from './filesystem';
import { createS3Storage } from './s3';
import type { CacheStorage } from './storage';

/** createStorage picks the backend the configuration names. */
export function createStorage(config: StorageConfig): CacheStorage {
  return config.kind === 'fs'
    ? createFilesystemStorage(config.directory)
    : createS3Storage(config.location);
}
