import { MemoryStore } from '@omega/core';
import { describe, expect, it } from 'vitest';
import { describeTraceProvider } from '../src/conformance.js';
import { StoreTraceSink, TRACE_RUNS, TraceFront } from '../src/front.js';
import { queryAll } from './helpers.js';

/** A trace provider over `store`'s log port, closing the store when it closes. */
const onStore = (store: MemoryStore, options: { flushBytes?: number } = {}) =>
  new TraceFront(
    new StoreTraceSink(store, { ownsStore: true, ...options }),
    {},
    { provider: 'StoreTraceProvider' },
  );

// Providers reopened over one store share it: only the last to close may close it.
const stores = new WeakMap<object, MemoryStore>();
describeTraceProvider(
  'store sink (memory store)',
  async () => {
    const store = new MemoryStore();
    const provider = new TraceFront(new StoreTraceSink(store), {}, { provider: 'StoreTraceProvider' });
    stores.set(provider, store);
    return { provider, cleanup: () => store.close() };
  },
  {
    reopen: async (provider) => {
      const store = stores.get(provider)!;
      const again = new TraceFront(new StoreTraceSink(store), {}, { provider: 'StoreTraceProvider' });
      stores.set(again, store);
      return again;
    },
  },
);

describe('StoreTraceSink', () => {
  it('keeps each run as a log of its lines, the writer in each header, appended on flush', async () => {
    const store = new MemoryStore();
    const provider = onStore(store);
    provider.record({ runId: 'a', kind: 'k1', at: 1 });
    provider.record({ runId: 'b', kind: 'k2', at: 2 });
    provider.record({ runId: 'a', kind: 'k3', at: 3 });
    const log = store.log(TRACE_RUNS);
    expect(await log.logs()).toEqual([]);
    expect(provider.stats()).toMatchObject({ recorded: 3, written: 0 });
    expect(provider.stats().bufferedBytes).toBeGreaterThan(0);
    await provider.flush();
    expect(provider.stats()).toMatchObject({ recorded: 3, written: 3, bufferedBytes: 0 });
    expect(await log.logs()).toEqual(['a', 'b']);
    const entries = await log.read('a');
    expect(entries.map((entry) => entry.header)).toEqual([
      { writer: provider.writer },
      { writer: provider.writer },
    ]);
    expect(entries.map((entry) => JSON.parse(entry.body).kind)).toEqual(['k1', 'k3']);
    await provider.close();
  });

  it('flushes in the background once flushBytes are buffered', async () => {
    const store = new MemoryStore();
    const provider = onStore(store, { flushBytes: 200 });
    for (let i = 0; i < 10; i++) provider.record({ runId: 'r', kind: `kind-${i}`, at: i });
    const log = store.log(TRACE_RUNS);
    expect(await log.wait('r', 0)).toBeGreaterThan(0);
    expect((await queryAll(provider)).map((event) => event.kind)).toEqual(
      Array.from({ length: 10 }, (_, i) => `kind-${i}`),
    );
    await provider.close();
  });

  it('keeps the lines of a failed append for the next flush', async () => {
    const store = new MemoryStore();
    const provider = onStore(store);
    const log = store.log(TRACE_RUNS);
    const append = log.append.bind(log);
    let failures = 1;
    log.append = async (...args) => {
      if (failures-- > 0) throw new Error('disk full');
      return append(...args);
    };
    provider.record({ runId: 'r', kind: 'k', at: 1 });
    await expect(provider.flush()).rejects.toThrow('disk full');
    expect(provider.stats()).toMatchObject({ written: 0 });
    await provider.flush();
    expect((await queryAll(provider)).map((event) => event.kind)).toEqual(['k']);
    await provider.close();
  });

  it('reads a stored line that breaks the event schema as a CorruptDataError naming run and position', async () => {
    const store = new MemoryStore();
    const provider = onStore(store);
    await store
      .log(TRACE_RUNS)
      .append('r', [{ header: { writer: 'w' }, body: '{"kind":"k","at":-1,"seq":0}' }]);
    await expect(queryAll(provider)).rejects.toMatchObject({
      code: 'CORRUPT_DATA',
      details: { folder: 'trace-runs', name: 'r', position: 0, path: '$.at' },
    });
    await provider.close();
  });

  it('refuses a flushBytes that is not a positive integer', () => {
    for (const flushBytes of [0, -1, 1.5]) {
      expect(() => new StoreTraceSink(new MemoryStore(), { flushBytes })).toThrow(/flushBytes/);
    }
  });
});
