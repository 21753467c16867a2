import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EffectResult } from '../src/index.js';
import { MemoryEffectHandlerRegistry } from '../src/memory.js';

// Past 2^31 - 1 ms a Node timer fires at once: a far deadline must be waited for in several timers.
describe('deadlines beyond one timer', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_700_000_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('times out at a deadline 30 days away, not before', async () => {
    const registry = new MemoryEffectHandlerRegistry();
    registry.register('hang', () => new Promise<EffectResult>(() => undefined));
    const deadline = Date.now() + 30 * 24 * 3600 * 1000;
    let result: EffectResult | undefined;
    void registry
      .dispatch('hang', { runId: 'r', step: 0, op: 'hang', signal: new AbortController().signal, deadline })
      .then((settled) => {
        result = settled;
      });
    await vi.advanceTimersByTimeAsync(2 ** 31);
    expect(result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(deadline - Date.now() - 1);
    expect(result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(result).toMatchObject({ ok: false, error: { code: 'TIMEOUT' } });
    await registry.close();
  });
});
