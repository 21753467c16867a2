import { createPrivateKey } from 'node:crypto';
import {
  canonicalize,
  openCheckpoint,
  type Val,
  verifierFromKey,
  verifyConsistency,
  verifyInclusion,
} from '@omega/core';
import type { Receipt, ReceiptProvider } from '@omega/receipt';
import { FilesystemReceiptProvider } from '@omega/receipt/filesystem';
import { ReceiptFront } from '@omega/receipt/front';
import { tempDir } from '@omega/test-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { receiptInput } from './fixtures/receipt-inputs.mjs';
import { freshStore } from './server.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** An Ed25519 key from a fixed seed: both backends sign with it, so their checkpoints match byte for byte. */
const SIGNER = createPrivateKey({
  key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.alloc(32, 7)]),
  format: 'der',
  type: 'pkcs8',
});

/** A clock that starts at a fixed time and ticks 1 ms per reading, the same on both backends. */
function clock(): () => number {
  let now = 1_700_000_000_000;
  return () => now++;
}

const OPTIONS = { origin: 'example.com/omega/receipts', signer: SIGNER };
const SIZE = 37;

/** Appends the same receipts, in the same order, to `provider`. */
async function appendAll(provider: ReceiptProvider): Promise<Receipt[]> {
  const receipts: Receipt[] = [];
  for (let i = 0; i < SIZE; i++) {
    receipts.push(
      await provider.append(receiptInput(`run-${i % 3}`, i, i % 4 === 0 ? `key-${i}` : undefined)),
    );
  }
  return receipts;
}

describe('receipts on PostgreSQL and on the filesystem', () => {
  it('give identical hashes, tree heads, checkpoints and proofs, and each verifies against the other', async () => {
    const { dir, remove: removeDir } = await tempDir('omega-receipt-parity-');
    cleanups.push(removeDir);
    const disk = new FilesystemReceiptProvider({ root: dir, durable: false, now: clock(), ...OPTIONS });
    cleanups.push(() => disk.close());
    const { store, remove } = await freshStore();
    cleanups.push(remove);
    const server = new ReceiptFront(
      store,
      { now: clock(), ...OPTIONS },
      {
        provider: 'PostgresReceiptProvider',
        ownsStore: true,
      },
    );
    cleanups.push(() => server.close());

    const onDisk = await appendAll(disk);
    const onServer = await appendAll(server);
    expect(onServer).toEqual(onDisk);
    expect(await server.list()).toEqual(await disk.list());
    expect(await server.verifierKey()).toBe(await disk.verifierKey());
    const head = await server.head();
    expect(head).toEqual(await disk.head());
    expect(head.size).toBe(SIZE);

    const verifier = verifierFromKey(await disk.verifierKey());
    for (const [seq, treeSize] of [
      [0, 1],
      [5, 17],
      [16, 17],
      [20, SIZE],
      [SIZE - 1, SIZE],
    ] as const) {
      const proof = await server.proveInclusion(seq, treeSize);
      expect(proof).toEqual(await disk.proveInclusion(seq, treeSize));
      // The disk's signed checkpoint of that size checks the server's receipt and proof.
      const { hash, ...unhashed } = onServer[seq]!;
      const entry = Buffer.from(canonicalize(unhashed as unknown as Val));
      const root = openCheckpoint((await disk.proveInclusion(seq, treeSize)).checkpoint, verifier).rootHash;
      expect(verifyInclusion(entry, seq, treeSize, proof.path, root)).toBe(true);
    }
    for (const oldSize of [1, 9, 24]) {
      const proof = await server.proveConsistency(oldSize);
      expect(proof).toEqual(await disk.proveConsistency(oldSize));
      const oldRoot = openCheckpoint((await disk.proveInclusion(0, oldSize)).checkpoint, verifier).rootHash;
      expect(verifyConsistency(oldSize, SIZE, oldRoot, head.rootHash, proof.path)).toBe(true);
    }
    // A checkpoint kept from one backend verifies the other's log.
    const diskEarlier = (await disk.proveInclusion(0, 12)).checkpoint;
    const serverEarlier = (await server.proveInclusion(0, 30)).checkpoint;
    expect(await server.verify({ against: diskEarlier })).toEqual({ ok: true, size: SIZE, erased: 0 });
    expect(await disk.verify({ against: serverEarlier })).toEqual({ ok: true, size: SIZE, erased: 0 });
    expect(await disk.verify({ against: head.checkpoint })).toEqual({ ok: true, size: SIZE, erased: 0 });
  });
});
