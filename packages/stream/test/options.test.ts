import { describeOptionChecks, rejectionOf, thrownBy } from '@omega/core/testing';
import { tempDir } from '@omega/test-kit';
import * as vitest from 'vitest';
import { describe, expect, it } from 'vitest';
import { FilesystemStreamProvider } from '../src/filesystem.js';
import { MemoryStreamProvider } from '../src/memory.js';
import { MockStreamProvider } from '../src/mock.js';

describeOptionChecks(vitest, {
  kind: 'stream',
  clock: true,
  filesystem: (options) => new FilesystemStreamProvider(options),
  memory: (options) => new MemoryStreamProvider(options),
  mock: (options) => new MockStreamProvider(options),
});

describe('option idleTimeoutMs', () => {
  it('refuses what is not a positive integer of milliseconds that setTimeout can wait, naming it', () => {
    for (const idleTimeoutMs of [0, -1, 1.5, Number.NaN, 2 ** 31, '10']) {
      for (const make of [
        () => new MemoryStreamProvider({ idleTimeoutMs: idleTimeoutMs as number }),
        () => new MockStreamProvider({ idleTimeoutMs: idleTimeoutMs as number }),
      ]) {
        const error = thrownBy(make, 'INVALID_ARGUMENT');
        expect(error.details).toMatchObject({
          kind: 'stream',
          option: 'idleTimeoutMs',
          value: idleTimeoutMs,
        });
      }
    }
  });

  it('is taken by the filesystem backend too', async () => {
    const { dir, remove } = await tempDir('omega-stream-');
    try {
      thrownBy(() => new FilesystemStreamProvider({ root: dir, idleTimeoutMs: 0 }), 'INVALID_ARGUMENT');
      const provider = new FilesystemStreamProvider({ root: dir, idleTimeoutMs: 30 });
      await provider.create('s');
      await rejectionOf(async () => {
        for await (const _ of provider.read('s', { follow: true })) break;
      }, 'CONFLICT');
      await provider.close();
    } finally {
      await remove();
    }
  });
});
