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

  it('agrees on one key when two providers make it at once', async () => {
    await withRoot(async (root) => {
      const providers = [0, 1, 2, 3].map(() => new FilesystemReceiptProvider({ root }));
      const keys = await Promise.all(providers.map((provider) => provider.verifierKey()));
      expect(new Set(keys).size).toBe(1);
      await Promise.all(providers.map((provider) => provider.close()));
    });
  });

  it('refuses to sign a head that does not extend its last checkpoint', async () => {
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
      await second.append(sampleInput(3));
      await rejectionOf(second.head(), 'CORRUPT_DATA');
      expect((await second.verify()).ok).toBe(false);
      await second.close();
    });
  });
});
