import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileReceipts, noReceipts, receiptTag } from './receipts';

describe('receipts', () => {
  it('names the receipt tag after the container task hash', () => {
    expect(receiptTag('123')).toBe('nxhash-123');
  });

  it('finds a hash recorded in a receipt file for the same repository only', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'receipts-')), 'r.json');
    const store = fileReceipts(path);
    expect(await store.find('ghcr.io/x/extproc', '1')).toBeUndefined();

    await store.record('ghcr.io/x/extproc', '1', 'sha256:abc');

    expect(await store.find('ghcr.io/x/extproc', '1')).toEqual({ hash: '1' });
    expect(await store.find('ghcr.io/x/extproc', '2')).toBeUndefined();
    expect(await store.find('ghcr.io/x/dashboard', '1')).toBeUndefined();
  });

  it('finds nothing without a store', async () => {
    expect(await noReceipts.find('any', '1')).toBeUndefined();
  });
});
