import { describe, expect, it } from 'vitest';
import { describeTraceProvider } from '../src/conformance.js';
import { MemoryTraceProvider } from '../src/memory.js';
import { queryAll } from './helpers.js';

describeTraceProvider('memory', async () => ({ provider: new MemoryTraceProvider() }));

describe('MemoryTraceProvider: the ring', () => {
  it('keeps the last `capacity` events, counting the older ones as dropped', async () => {
    const provider = new MemoryTraceProvider({ capacity: 3 });
    for (let i = 0; i < 8; i++) provider.record({ runId: i % 2 ? 'odd' : 'even', kind: `k${i}`, at: i });
    expect((await queryAll(provider)).map((event) => event.kind)).toStrictEqual(['k5', 'k6', 'k7']);
    expect(provider.stats()).toStrictEqual({ recorded: 8, written: 8, dropped: 5, bufferedBytes: 0 });
    await provider.clear('odd');
    expect((await queryAll(provider)).map((event) => event.kind)).toStrictEqual(['k6']);
    provider.record({ runId: 'even', kind: 'k8', at: 8 });
    provider.record({ runId: 'even', kind: 'k9', at: 9 });
    provider.record({ runId: 'even', kind: 'k10', at: 10 });
    expect((await queryAll(provider)).map((event) => event.kind)).toStrictEqual(['k8', 'k9', 'k10']);
    await provider.close();
  });

  it('defaults to a capacity of 10,000', async () => {
    const provider = new MemoryTraceProvider();
    for (let i = 0; i < 10_001; i++) provider.record({ runId: 'r', kind: 'k', at: i });
    expect(provider.stats().dropped).toBe(1);
    expect((await queryAll(provider, { limit: 1 }))[0]?.at).toBe(1);
    await provider.close();
  });

  it('uses its clock for events recorded without a time', async () => {
    const provider = new MemoryTraceProvider({ now: () => 42.5 });
    provider.record({ runId: 'r', kind: 'k' });
    expect((await queryAll(provider))[0]?.at).toBe(42.5);
    await provider.close();
  });
});
