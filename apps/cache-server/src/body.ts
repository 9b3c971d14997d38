import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { BodyTooLargeError } from './storage/storage';

/**
 * limitBody passes a request body through and fails with
 * BodyTooLargeError once more than limit bytes arrived, for chunked
 * uploads that announce no Content-Length. counted receives the total.
 */
export function limitBody(
  limit: number,
  counted: (bytes: number) => void,
): Transform {
  let total = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      total += chunk.length;
      counted(total);
      if (total > limit) {
        callback(new BodyTooLargeError(limit));
        return;
      }
      callback(null, chunk);
    },
  });
}

/** DigestMismatchError means stored bytes differ from their recorded sha256. */
export class DigestMismatchError extends Error {
  constructor(expected: string, actual: string) {
    super(`stored entry has sha256 ${actual}, recorded ${expected}`);
    this.name = 'DigestMismatchError';
  }
}

/**
 * verifyDigest passes an entry through and checks its sha256 at the end.
 * It holds the last chunk back until the check passes: on a mismatch the
 * client gets fewer bytes than Content-Length announced, which every HTTP
 * client treats as an error, never as a complete (corrupt) entry.
 */
export function verifyDigest(expected: string): Transform {
  const hash = createHash('sha256');
  let held: Buffer | undefined;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      const release = held;
      held = chunk;
      callback(null, release);
    },
    flush(callback) {
      const actual = hash.digest('hex');
      if (actual !== expected) {
        callback(new DigestMismatchError(expected, actual));
        return;
      }
      callback(null, held);
    },
  });
}
