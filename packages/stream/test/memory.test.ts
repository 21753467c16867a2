import { rejectionOf } from '@omega/core/testing';
import { fakeClock } from '@omega/test-kit';
import { describe, expect, it } from 'vitest';
import { collectChunks, describeStreamProvider } from '../src/conformance.js';
import { MemoryStreamProvider } from '../src/memory.js';

describeStreamProvider('memory', async () => ({ provider: new MemoryStreamProvider() }));

describe('MemoryStreamProvider', () => {
  it('refuses a clock reading that is not a timestamp, storing nothing', async () => {
    for (const reading of [-1, 1.5, Number.NaN]) {
      const provider = new MemoryStreamProvider({ now: () => reading });
      await rejectionOf(provider.create('s'), 'INVALID_ARGUMENT');
      expect(await provider.info('s')).toBeNull();
      await provider.close();
    }
  });

  it('stamps createdAt and updatedAt from its clock, and prunes by updatedAt', async () => {
    const provider = new MemoryStreamProvider({ now: fakeClock(1_000, 100) });
    await provider.create('old'); // 1000
    await provider.create('busy'); // 1100
    await provider.append('busy', 'x'); // 1200
    expect(await provider.info('busy')).toMatchObject({ createdAt: 1_100, updatedAt: 1_200 });
    // The prune reads 1300: 'old' was last written 300 ms before, 'busy' 100 ms before.
    expect(await provider.prune({ olderThanMs: 200 })).toEqual(['old']);
    expect((await provider.list()).map((info) => info.id)).toEqual(['busy']);
    await provider.close();
  });

  it('fails a follower of a stream silent past idleTimeoutMs with a StreamIdleError, leaving it open', async () => {
    const provider = new MemoryStreamProvider({ idleTimeoutMs: 20 });
    await provider.create('s');
    await provider.append('s', 'a');
    const seen: unknown[] = [];
    const error = await rejectionOf(async () => {
      for await (const { chunk } of provider.read('s', { follow: true })) seen.push(chunk);
    }, 'CONFLICT');
    expect(error.name).toBe('StreamIdleError');
    expect(error.details).toMatchObject({ kind: 'stream', name: 's', index: 1, idleTimeoutMs: 20 });
    expect(seen).toEqual(['a']);
    expect(await provider.info('s')).toMatchObject({ status: 'open' });
    await provider.close();
  });

  it('fails a follower of a stream deleted under it with a NotFoundError', async () => {
    const provider = new MemoryStreamProvider({ idleTimeoutMs: 50 });
    await provider.create('s');
    const followed = collectChunks(provider, 's', { follow: true });
    await provider.delete('s');
    await rejectionOf(followed, 'NOT_FOUND');
    await provider.close();
  });
});
