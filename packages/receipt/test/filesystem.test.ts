import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { rejectionOf } from '@omega/core/testing';
import { tempDir } from '@omega/test-kit';
import { describe, expect, it } from 'vitest';
import { describeReceiptProvider } from '../src/conformance.js';
import { FilesystemReceiptProvider } from '../src/filesystem.js';
import { sampleInput } from '../src/methods.js';

describeReceiptProvider(
  'filesystem',
  async () => {
    const { dir, remove } = await tempDir('omega-receipt-');
    return { provider: new FilesystemReceiptProvider({ root: dir }), cleanup: remove };
  },
  { reopen: async (provider) => new FilesystemReceiptProvider({ root: provider.root }) },
);

async function withRoot(run: (root: string) => Promise<void>): Promise<void> {
  const { dir, remove } = await tempDir('omega-receipt-');
  try {
    await run(dir);
  } finally {
    await remove();
  }
}

describe('FilesystemReceiptProvider: its signer and checkpoints', () => {
  it('makes its signer key once, under <root>/receipts/ with mode 0600, and keeps it across opens', async () => {
    await withRoot(async (root) => {
      const first = new FilesystemReceiptProvider({ root });
      const key = await first.verifierKey();
      await first.append(sampleInput(1));
      await first.head();
      await first.close();
      const file = join(root, 'receipts', 'signer.jsonl');
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      const second = new FilesystemReceiptProvider({ root });
      expect(await second.verifierKey()).toBe(key);
      expect((await second.verify()).ok).toBe(true);
      await second.close();
    });
  });

  it('chains two providers appending in turn and at once: contiguous seqs, loggedAt never decreasing', async () => {
    await withRoot(async (root) => {
      // The second provider's clock runs an hour behind: its receipts still never log before the first's.
      let ahead = 1_700_000_000_000;
      let behind = ahead - 3_600_000;
      const first = new FilesystemReceiptProvider({ root, now: () => ahead++ });
      const second = new FilesystemReceiptProvider({ root, now: () => behind++ });
      const receipts = [await second.append(sampleInput(0)), await first.append(sampleInput(1))];
      // The second's guess of the log's end (after its own append) is stale: its append must find out.
      receipts.push(await second.append({ ...sampleInput(2), idempotencyKey: 'k' }));
      receipts.push(
        ...(await Promise.all(
          [3, 4, 5, 6].map((seed) =>
            (seed % 2 === 0 ? first : second).append({
              ...sampleInput(seed),
              idempotencyKey: `k${seed % 3}`,
            }),
          ),
        )),
      );
      expect(await first.append({ ...sampleInput(9), idempotencyKey: 'k' })).toEqual(receipts[2]);
      const log = await first.list();
      expect(log.map((receipt) => receipt.seq)).toEqual(log.map((_, i) => i));
      for (let i = 1; i < log.length; i++)
        expect(log[i]!.loggedAt).toBeGreaterThanOrEqual(log[i - 1]!.loggedAt);
      // Two receipts without a key, and one for each key, whichever provider appended it.
      expect(log).toHaveLength(6);
      const keys = log.flatMap((receipt) => receipt.idempotencyKey ?? []);
      expect(keys.sort()).toEqual(['k', 'k0', 'k1', 'k2']);
      for (const receipt of log) expect(await second.get(receipt.hash)).toEqual(receipt);
      expect(await second.verify()).toMatchObject({ ok: true, size: log.length });
      await first.close();
      await second.close();
    });
  });

  it('agrees on one key when two providers make it at once', async () => {
    await withRoot(async (root) => {
      const providers = [0, 1, 2, 3].map(() => new FilesystemReceiptProvider({ root }));
      const keys = await Promise.all(providers.map((provider) => provider.verifierKey()));
      expect(new Set(keys).size).toBe(1);
      await Promise.all(providers.map((provider) => provider.close()));
    });
  });

  it('refuses to append to or sign a log that does not extend its last checkpoint', async () => {
    await withRoot(async (root) => {
      const first = new FilesystemReceiptProvider({ root });
      await first.append(sampleInput(1));
      await first.append(sampleInput(2));
      await first.head();
      await first.close();
      // A store rewritten from scratch under the same key: the log no longer extends the checkpoint.
      const { rm } = await import('node:fs/promises');
      await rm(join(root, 'receipt-log'), { recursive: true });
      const second = new FilesystemReceiptProvider({ root });
      await rejectionOf(second.append(sampleInput(3)), 'CORRUPT_DATA');
      await rejectionOf(second.head(), 'CORRUPT_DATA');
      expect((await second.verify()).ok).toBe(false);
      await second.close();
    });
  });
});

describe('FilesystemReceiptProvider: its tiles', () => {
  it('rebuilds missing tiles from the log, and refuses tiles that hold more leaves than the log', async () => {
    await withRoot(async (root) => {
      const { rm, cp, mkdtemp } = await import('node:fs/promises');
      const first = new FilesystemReceiptProvider({ root });
      for (let i = 0; i < 5; i++) await first.append(sampleInput(i));
      const head = await first.head();
      await first.close();
      const tiles = join(root, 'receipt-tree');
      const saved = await mkdtemp(join(root, '..', 'tiles-'));
      await cp(tiles, saved, { recursive: true });
      await rm(tiles, { recursive: true });
      const second = new FilesystemReceiptProvider({ root });
      expect((await second.head()).rootHash).toBe(head.rootHash);
      await second.close();
      await rm(join(root, 'receipt-log'), { recursive: true });
      await rm(join(root, 'receipts', 'checkpoint.jsonl'));
      await rm(tiles, { recursive: true });
      await cp(saved, tiles, { recursive: true });
      await rm(saved, { recursive: true });
      const third = new FilesystemReceiptProvider({ root });
      await rejectionOf(third.head(), 'CORRUPT_DATA');
      await third.close();
    });
  });
});
