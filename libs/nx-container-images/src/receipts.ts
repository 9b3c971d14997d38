import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * RECEIPT_LABEL is the image label that records the container task hash a
 * build was made from; the same hash names the receipt tag.
 */
export const RECEIPT_LABEL = 'org.semrouter.nx.container-hash';

/** receiptTag is the tag that marks an image built from a task hash. */
export function receiptTag(hash: string): string {
  return `nxhash-${hash}`;
}

/** Receipt says where an image built from one task hash already lives. */
export interface Receipt {
  hash: string;
  /** reference is the image by digest, when the store knows it */
  reference?: string;
  digest?: string;
}

/**
 * ReceiptStore finds the image built from a container task hash and records
 * new ones. Implementations: the registry (CI and the local push path), a
 * JSON file (tests and dry runs), none.
 */
export interface ReceiptStore {
  description: string;
  find(repository: string, hash: string): Promise<Receipt | undefined>;
  record(repository: string, hash: string, digest: string): Promise<void>;
}

/** noReceipts never finds a receipt: every candidate image is built. */
export const noReceipts: ReceiptStore = {
  description: 'no receipts (every candidate is built)',
  find: async () => undefined,
  record: async () => undefined,
};

/**
 * fileReceipts keeps receipts in a JSON file mapping repository to the
 * hashes built for it; used to compare a change with a base's hashes.
 */
export function fileReceipts(path: string): ReceiptStore {
  const read = (): Record<string, string[]> =>
    existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : {};
  return {
    description: `receipts in ${path}`,
    async find(repository, hash) {
      return read()[repository]?.includes(hash) ? { hash } : undefined;
    },
    async record(repository, hash, digest) {
      const receipts = read();
      const hashes = new Set(receipts[repository] ?? []).add(hash);
      receipts[repository] = [...hashes].sort();
      writeFileSync(path, `${JSON.stringify(receipts, null, 2)}\n`);
      void digest;
    },
  };
}
