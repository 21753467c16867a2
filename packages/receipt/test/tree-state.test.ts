import {
  consistencyProofFromHashes,
  inclusionProofFromHashes,
  leafHash,
  MemoryStore,
  rootFromHashes,
} from '@omega/core';
import { mulberry32 } from '@omega/core/testing';
import { describe, expect, it } from 'vitest';
import { type EntryHeader, LOG, RECEIPT_LOG } from '../src/rules.js';
import { TREE_LOGS, TreeState } from '../src/tree-state.js';
import { counting } from './helpers.js';

/** A receipts log of `size` entries (bodies only matter: their leaf hashes) and its tree's logs. */
async function treeOf(size: number) {
  const store = new MemoryStore();
  const receipts = store.log(LOG);
  const reads = { receipts: 0, tiles: 0 };
  const counted = counting(store.log(TREE_LOGS), reads, 'tiles');
  const leaves: string[] = [];
  for (let from = 0; from < size; from += 5000) {
    const entries = Array.from({ length: Math.min(5000, size - from) }, (_, i) => {
      const body = JSON.stringify(`entry ${from + i}`);
      leaves.push(leafHash(Buffer.from(body)));
      return { header: { hash: '', runId: 'r', kind: 'k' } satisfies EntryHeader, body };
    });
    await receipts.append(RECEIPT_LOG, entries);
  }
  const countedReceipts = counting(receipts, reads, 'receipts');
  return { tree: new TreeState(counted, countedReceipts), leaves, reads, store };
}

describe('TreeState', () => {
  it('gives the roots and proofs of the Merkle functions, across tile edges', async () => {
    const { tree, leaves, store } = await treeOf(600);
    expect(await tree.catchUp()).toBe(600);
    for (const size of [1, 2, 3, 255, 256, 257, 511, 512, 513, 600]) {
      const prefix = leaves.slice(0, size);
      expect(await tree.root(size), `root ${size}`).toBe(rootFromHashes(prefix));
      for (const index of [0, 1, size >> 1, size - 1].filter((index) => index < size)) {
        expect(await tree.inclusion(index, size), `inclusion ${index}/${size}`).toEqual(
          inclusionProofFromHashes(prefix, index),
        );
      }
      for (const old of [1, 2, 255, 256, 257, size]) {
        if (old > size) continue;
        expect(await tree.consistency(old, size), `consistency ${old}/${size}`).toEqual(
          consistencyProofFromHashes(prefix, old),
        );
      }
    }
    await store.close();
  });

  it('proves at 70,000 leaves reading no receipt and at most 8 tiles', async () => {
    const { tree, leaves, reads, store } = await treeOf(70_000);
    await tree.catchUp();
    const random = mulberry32(14);
    for (let i = 0; i < 20; i++) {
      const size = 1 + Math.floor(random() * leaves.length);
      const index = Math.floor(random() * size);
      reads.receipts = 0;
      reads.tiles = 0;
      const path = await tree.inclusion(index, size);
      expect(reads.receipts).toBe(0);
      expect(reads.tiles).toBeLessThanOrEqual(8);
      if (i < 3) expect(path).toEqual(inclusionProofFromHashes(leaves.slice(0, size), index));
      reads.tiles = 0;
      const old = 1 + Math.floor(random() * size);
      const proof = await tree.consistency(old, size);
      expect(reads.tiles).toBeLessThanOrEqual(8);
      if (i < 3) expect(proof).toEqual(consistencyProofFromHashes(leaves.slice(0, size), old));
    }
    await store.close();
  });

  it('catches up what a crash or another process left out, and agrees with what is there', async () => {
    const { tree, leaves, store } = await treeOf(300);
    await tree.catchUp();
    const more = Array.from({ length: 10 }, (_, i) => JSON.stringify(`entry ${300 + i}`));
    await store.log(LOG).append(
      RECEIPT_LOG,
      more.map((body) => ({ header: { hash: '', runId: 'r', kind: 'k' }, body })),
    );
    for (const body of more) leaves.push(leafHash(Buffer.from(body)));
    expect(await tree.catchUp()).toBe(310);
    expect(await tree.root(310)).toBe(rootFromHashes(leaves));
    await store.close();
  });
});
