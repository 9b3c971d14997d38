import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import {
  link,
  mkdir,
  open,
  readdir,
  rm,
  stat,
  unlink,
  type FileHandle,
} from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import {
  StorageFullError,
  type CacheStorage,
  type PutOutcome,
  type StoredEntry,
} from './storage';

// Temporary files live in a subdirectory of the store, so the final link()
// never crosses a file system, and entries (hashes are [A-Za-z0-9]) can
// never be named like it.
const temporaryDirectory = '.incoming';

/**
 * createFilesystemStorage keeps one file per entry in directory. A write
 * goes to a temporary file, is fsynced, then hard-linked to its final name:
 * link() fails with EEXIST rather than replacing, so the first complete
 * upload of a hash wins and no reader ever sees a partial file.
 */
export function createFilesystemStorage(directory: string): CacheStorage {
  const root = resolve(directory);
  const incoming = join(root, temporaryDirectory);
  const entryPath = (hash: string) => join(root, hash);

  return {
    description: `fs:${root}`,

    async prepare() {
      await mkdir(incoming, { recursive: true });
      // A crash mid-upload leaves its temporary file behind; it was never
      // linked, so removing it loses nothing.
      for (const name of await readdir(incoming)) {
        await rm(join(incoming, name), { force: true });
      }
    },

    async has(hash) {
      const stats = await stat(entryPath(hash)).catch(ignoreMissing);
      return stats !== undefined;
    },

    async get(hash): Promise<StoredEntry | undefined> {
      const handle = await open(entryPath(hash), 'r').catch(ignoreMissing);
      if (!handle) {
        return undefined;
      }
      const { size } = await handle.stat();
      return { size, body: handle.createReadStream() };
    },

    async put(hash, body: Readable): Promise<PutOutcome> {
      const temporary = join(
        incoming,
        `${hash}.${randomBytes(6).toString('hex')}`,
      );
      try {
        await writeDurably(temporary, body);
        return await linkOnce(temporary, entryPath(hash));
      } catch (error) {
        throw describeWriteError(error, root);
      } finally {
        await unlink(temporary).catch(ignoreMissing);
      }
    },

    async close() {},
  };
}

async function writeDurably(path: string, body: Readable): Promise<void> {
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL;
  const handle = await open(path, flags, 0o644);
  try {
    // Plain writes rather than a write stream: the handle must stay open
    // for the fsync, and a stream that does not own its handle never
    // emits the 'close' that pipeline() waits for.
    for await (const chunk of body) {
      await writeWhole(handle, chunk as Buffer);
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
}

// A write that meets a full disk first returns short, without an error;
// only the next write reports ENOSPC. Ignoring the count would store a
// truncated entry as if it were whole.
async function writeWhole(handle: FileHandle, chunk: Buffer): Promise<void> {
  let offset = 0;
  while (offset < chunk.length) {
    const { bytesWritten } = await handle.write(
      chunk,
      offset,
      chunk.length - offset,
    );
    offset += bytesWritten;
  }
}

async function linkOnce(temporary: string, final: string): Promise<PutOutcome> {
  try {
    await link(temporary, final);
  } catch (error) {
    if (isErrorCode(error, 'EEXIST')) {
      return 'exists';
    }
    throw error;
  }
  await syncDirectory(final.slice(0, final.lastIndexOf('/')));
  return 'created';
}

// Without an fsync of the directory a power loss can forget the new name
// even though the file's data reached the disk.
async function syncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function describeWriteError(error: unknown, root: string): unknown {
  if (isErrorCode(error, 'ENOSPC') || isErrorCode(error, 'EDQUOT')) {
    return new StorageFullError(
      `writing to fs:${root}: no space left on the device; the entry was ` +
        'dropped (free space or give the cache a larger volume)',
      { cause: error },
    );
  }
  return error;
}

function ignoreMissing(error: unknown): undefined {
  if (isErrorCode(error, 'ENOENT')) {
    return undefined;
  }
  throw error;
}

function isErrorCode(error: unknown, code: string): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === code;
}
