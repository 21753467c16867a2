import { MemoryStore } from '@omega/core';
import { describe, expect, it } from 'vitest';
import { HashIndex } from '../src/hash-index.js';
import { type EntryHeader, LOG, RECEIPT_LOG } from '../src/rules.js';
import { counting } from './helpers.js';

/** A hash of 64 hex digits: `prefix` then `fill`. */
const hashOf = (prefix: string, fill: string) => prefix + fill.repeat(64 - prefix.length);

async function logWith(hashes: string[]) {
  const store = new MemoryStore();
  const log = store.log(LOG);
  const entries = hashes.map((hash) => ({
    header: { hash, runId: 'r', kind: 'k' } satisfies EntryHeader,
    body: '{}',
  }));
  if (entries.length > 0) await log.append(RECEIPT_LOG, entries);
  const reads = { receipts: 0 };
  return { log, counted: counting(log, reads, 'receipts'), reads };
}

describe('HashIndex', () => {
  it('finds each receipt by hash, reading the log once and then one entry a lookup', async () => {
    const hashes = Array.from({ length: 2500 }, (_, i) => hashOf(i.toString(16).padStart(6, '0'), 'a'));
    const { counted, reads } = await logWith(hashes);
    const index = new HashIndex(counted);
    expect((await index.find(hashes[1234]!))?.position).toBe(1234);
    // Three pages of 1,000 (the last one short), then the entry itself.
    expect(reads.receipts).toBe(4);
    for (const seq of [0, 999, 1000, 2499]) expect((await index.find(hashes[seq]!))?.position).toBe(seq);
    expect(reads.receipts).toBe(8);
    expect(await index.find(hashOf('ffffff', 'a'))).toBeNull();
    expect(reads.receipts).toBe(8);
    expect(await index.find('not a hash')).toBeNull();
  });

  it('catches up with receipts appended after it read the log', async () => {
    const { log, counted } = await logWith([hashOf('01', 'b')]);
    const index = new HashIndex(counted);
    expect((await index.find(hashOf('01', 'b')))?.position).toBe(0);
    await log.append(RECEIPT_LOG, [
      { header: { hash: hashOf('02', 'b'), runId: 'r', kind: 'k' }, body: '{}' },
    ]);
    expect((await index.find(hashOf('02', 'b')))?.position).toBe(1);
  });

  it('tells apart hashes that share the prefix it keys on', async () => {
    const shared = 'abcdefabcdef';
    const hashes = [hashOf(shared, '1'), hashOf('00', '2'), hashOf(shared, '3')];
    const { counted } = await logWith(hashes);
    const index = new HashIndex(counted);
    expect((await index.find(hashes[0]!))?.position).toBe(0);
    expect((await index.find(hashes[2]!))?.position).toBe(2);
    expect(await index.find(hashOf(shared, '4'))).toBeNull();
  });

  it('reads the log again when it was rewritten or truncated under the index', async () => {
    const entry = (prefix: string) => ({
      header: { hash: hashOf(prefix, 'c'), runId: 'r', kind: 'k' } satisfies EntryHeader,
      body: '{}',
    });
    const { log, counted } = await logWith([hashOf('01', 'c'), hashOf('02', 'c')]);
    const index = new HashIndex(counted);
    expect((await index.find(hashOf('02', 'c')))?.position).toBe(1);
    // Truncated: shorter than what the index read.
    await log.drop(RECEIPT_LOG);
    await log.append(RECEIPT_LOG, [entry('03')]);
    expect(await index.find(hashOf('02', 'c'))).toBeNull();
    expect((await index.find(hashOf('03', 'c')))?.position).toBe(0);
    // Rewritten at the size the index read, with the receipts in another order.
    await log.append(RECEIPT_LOG, [entry('04')]);
    expect((await index.find(hashOf('04', 'c')))?.position).toBe(1);
    await log.drop(RECEIPT_LOG);
    await log.append(RECEIPT_LOG, [entry('04'), entry('03')]);
    expect((await index.find(hashOf('04', 'c')))?.position).toBe(0);
    expect((await index.find(hashOf('03', 'c')))?.position).toBe(1);
  });
});
