import { rejectionOf } from '@omega/core/testing';
import { describe, expect, it } from 'vitest';
import { describeStateProvider } from '../src/conformance.js';
import { MemoryStateProvider } from '../src/memory.js';

describeStateProvider('memory', async () => ({ provider: new MemoryStateProvider() }));

describe('MemoryStateProvider', () => {
  it('keeps the states of two providers apart', async () => {
    const first = new MemoryStateProvider();
    const second = new MemoryStateProvider();
    await first.saveState('run', first.createState());
    expect(await second.loadState('run')).toBeNull();
    expect(await second.listStates()).toStrictEqual([]);
  });

  it('refuses a clock reading that is not a time in whole ms, storing nothing', async () => {
    for (const reading of [-1, 1.5, Number.NaN]) {
      const provider = new MemoryStateProvider({ now: () => reading });
      const error = await rejectionOf(provider.saveState('run', provider.createState()), 'INVALID_ARGUMENT');
      expect(error.details).toMatchObject({ kind: 'state', name: 'run', option: 'now' });
      expect(await provider.listStates()).toStrictEqual([]);
    }
  });
});
