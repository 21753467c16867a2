import { describeInjectedFaults } from '@omega/core/testing';
import * as vitest from 'vitest';
import { FilesystemReceiptProvider } from '../src/filesystem.js';
import { sampleInput } from '../src/methods.js';

// A fixed clock, so that what a fresh provider sees compares exactly with the fault-free run. Checkpoint
// texts are left out: each fresh store signs with a key of its own.
const now = () => 1_700_000_000_000;
const observe = async (provider: FilesystemReceiptProvider) => {
  const receipts = await provider.list();
  const bodies = await Promise.all(receipts.map((receipt) => provider.body(receipt.hash)));
  const { ok, size, erased } = await provider.verify();
  return { receipts, bodies, ok, size, erased };
};
const next = (provider: FilesystemReceiptProvider) => provider.append(sampleInput(9));
const existing = async (provider: FilesystemReceiptProvider) => {
  await provider.append({ ...sampleInput(1), idempotencyKey: 'first' });
  await provider.append(sampleInput(2));
};

describeInjectedFaults(vitest, {
  kind: 'receipt',
  open: (root) => new FilesystemReceiptProvider({ root, now }),
  paths: {
    'append to an empty log': { run: (p) => p.append(sampleInput(1)), observe, next },
    'append after others': { prepare: existing, run: (p) => p.append(sampleInput(3)), observe, next },
    'append with an idempotency key': {
      prepare: existing,
      run: (p) => p.append({ ...sampleInput(3), idempotencyKey: 'second' }),
      observe,
      next,
    },
    head: { prepare: existing, run: (p) => p.head(), observe, next },
    erase: {
      prepare: existing,
      run: async (p) => {
        const [receipt] = await p.list({ limit: 1 });
        await p.erase(receipt?.hash as string, 'retention');
      },
      observe,
      next,
    },
  },
});
