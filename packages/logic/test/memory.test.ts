import { MemoryStore } from '@omega/core';
import { thrownBy } from '@omega/core/testing';
import { describe, expect, it } from 'vitest';
import { describeLogicProvider } from '../src/conformance.js';
import { LogicFront } from '../src/front.js';
import { MemoryLogicProvider } from '../src/memory.js';

describeLogicProvider('memory', async () => ({ provider: new MemoryLogicProvider() }));

// The front over a store its caller keeps: fronts of one store and one name share one base.
const stores = new WeakMap<LogicFront, MemoryStore>();
describeLogicProvider(
  'front over a shared memory store',
  async () => {
    const store = new MemoryStore();
    const provider = new LogicFront(store);
    stores.set(provider, store);
    return { provider, cleanup: () => store.close() };
  },
  { reopen: async (provider) => new LogicFront(stores.get(provider)!) },
);

describe('MemoryLogicProvider', () => {
  it('refuses a clock reading that is not a timestamp, storing nothing', () => {
    for (const reading of [-1, 1.5, Number.NaN]) {
      const provider = new MemoryLogicProvider({ now: () => reading });
      thrownBy(() => provider.assertFact('(a b)'), 'INVALID_ARGUMENT');
      expect(provider.count()).toBe(0);
    }
  });

  it('keeps bases of different names in one store apart', async () => {
    const store = new MemoryStore();
    const first = new LogicFront(store, { name: 'first' });
    const second = new LogicFront(store, { name: 'second' });
    first.assertFact('(a b)');
    expect(second.count()).toBe(0);
    await store.close();
  });

  it('refuses a store without synchronous faces', () => {
    const store = new MemoryStore();
    const asyncOnly = { documents: store.documents, log: store.log, blobs: store.blobs, close: store.close };
    const error = thrownBy(() => new LogicFront(asyncOnly as unknown as MemoryStore), 'INVALID_ARGUMENT');
    expect(error.details).toMatchObject({ kind: 'logic', option: 'store' });
  });
});
