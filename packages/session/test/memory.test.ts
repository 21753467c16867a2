import { isOmegaError } from '@omega/core';
import { fakeClock } from '@omega/test-kit';
import { describe, expect, it } from 'vitest';
import { describeSessionProvider } from '../src/conformance.js';
import { MemorySessionProvider } from '../src/memory.js';
import { session } from './helpers.js';

describeSessionProvider('memory', async () => ({ provider: new MemorySessionProvider() }));

describe('MemorySessionProvider', () => {
  it('takes createdAt and updatedAt from the injected clock', async () => {
    const provider = new MemorySessionProvider({ now: fakeClock(1_000, 250) });
    await provider.save('s', session('one'));
    await provider.save('s', session('two'));
    expect(await provider.info('s')).toStrictEqual({
      name: 's',
      createdAt: 1_000,
      updatedAt: 1_250,
      version: 2,
      size: expect.any(Number),
    });
  });

  it('refuses a clock reading that is not a timestamp, storing nothing', async () => {
    for (const reading of [-1, 1.5, Number.NaN]) {
      const provider = new MemorySessionProvider({ now: () => reading });
      const error = await provider.save('s', session('s')).catch((caught: unknown) => caught);
      expect(isOmegaError(error, 'INVALID_ARGUMENT')).toBe(true);
      expect(await provider.exists('s')).toBe(false);
    }
  });

  it('keeps sessions of two providers apart', async () => {
    const first = new MemorySessionProvider();
    const second = new MemorySessionProvider();
    await first.save('s', session('first'));
    expect(await second.exists('s')).toBe(false);
  });
});
