import { CompactRange, leafHash, MemoryStore } from '@omega/core';
import { mulberry32 } from '@omega/core/testing';
import { expect, it } from 'vitest';
import { type EntryHeader, LOG, RECEIPT_LOG } from '../src/rules.js';
import { TREE_LOGS, TreeState } from '../src/tree-state.js';
import { counting } from './helpers.js';

const SIZE = 1_000_000;

it('proves inclusion and consistency at 1,000,000 receipts reading no receipt and at most 8 tiles', async () => {
  const store = new MemoryStore();
  const receipts = store.log(LOG);
  const header: EntryHeader = { hash: '', runId: 'r', kind: 'k' };
  for (let from = 0; from < SIZE; from += 10_000) {
    const entries = Array.from({ length: 10_000 }, (_, i) => ({ header, body: String(from + i) }));
    await receipts.append(RECEIPT_LOG, entries);
  }
  const reads = { receipts: 0, tiles: 0 };
  const tree = new TreeState(
    counting(store.log(TREE_LOGS), reads, 'tiles'),
    counting(receipts, reads, 'receipts'),
  );
  expect(await tree.catchUp()).toBe(SIZE);
  const random = mulberry32(1_000_000);
  const check = async (proof: () => Promise<string[]>) => {
    reads.receipts = 0;
    reads.tiles = 0;
    await proof();
    expect(reads.receipts).toBe(0);
    expect(reads.tiles).toBeLessThanOrEqual(8);
  };
  for (let i = 0; i < 50; i++) {
    const size = i === 0 ? SIZE : 1 + Math.floor(random() * SIZE);
    await check(() => tree.inclusion(Math.floor(random() * size), size));
    await check(() => tree.consistency(1 + Math.floor(random() * size), size));
  }
  // The root the tiles give is the RFC 9162 root of the leaves.
  const range = new CompactRange();
  for (let i = 0; i < SIZE; i++) range.append(leafHash(Buffer.from(String(i))));
  expect(await tree.root(SIZE)).toBe(range.root());
  await store.close();
}, 300_000);
