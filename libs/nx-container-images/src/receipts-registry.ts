import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { receiptTag, type ReceiptStore } from './receipts';

const run = promisify(execFile);

/**
 * registryReceipts keeps receipts as tags in the image's own repository:
 * <repository>:nxhash-<hash> points at the image (or per-platform manifest)
 * built from that hash, whose config also carries the hash as a label.
 * Lookups and tags go through `docker buildx imagetools`, so they need
 * read access to find and push access to record.
 */
export function registryReceipts(builder?: string): ReceiptStore {
  const builderArgs = builder ? ['--builder', builder] : [];
  return {
    description: 'receipt tags in the registry (nxhash-<hash>)',
    async find(repository, hash) {
      const reference = `${repository}:${receiptTag(hash)}`;
      const args = ['buildx', 'imagetools', 'inspect', ...builderArgs];
      try {
        const { stdout } = await run('docker', [
          ...args,
          reference,
          '--format',
          '{{json .Manifest}}',
        ]);
        const digest = JSON.parse(stdout).digest as string;
        return { hash, digest, reference: `${repository}@${digest}` };
      } catch (error) {
        if (isNotFound(error)) {
          return undefined;
        }
        throw new Error(
          `reading the receipt ${reference}: ${stderrTail(error)} (log in ` +
            'to the registry, or pass --receipts none to build without ' +
            'receipts)',
        );
      }
    },
    async record(repository, hash, digest) {
      const reference = `${repository}:${receiptTag(hash)}`;
      try {
        await run('docker', [
          'buildx',
          'imagetools',
          'create',
          ...builderArgs,
          '-t',
          reference,
          `${repository}@${digest}`,
        ]);
      } catch (error) {
        throw new Error(
          `tagging the receipt ${reference}: ${stderrTail(error)} (check ` +
            'push access to the repository)',
        );
      }
    },
  };
}

function isNotFound(error: unknown): boolean {
  return /not found|manifest unknown|name unknown|404/i.test(stderrTail(error));
}

/** stderrTail is the last lines a failed command wrote, for messages. */
export function stderrTail(error: unknown): string {
  const stderr = (error as { stderr?: string }).stderr ?? '';
  const text = stderr.trim() || String((error as Error).message ?? error);
  return text.split('\n').slice(-5).join(' | ');
}
