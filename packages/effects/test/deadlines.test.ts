import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EffectContext, EffectResult } from '../src/index.js';
import { MemoryEffectHandlerRegistry } from '../src/memory.js';

const never = () => new Promise<EffectResult>(() => undefined);
const contextFor = (deadline: number): EffectContext => ({
  runId: 'r',
  step: 0,
  op: 'hang',
  signal: new AbortController().signal,
  deadline,
});

/** Dispatches `hang` with `deadline`; `settled()` is its result once it has one. */
function dispatch(registry: MemoryEffectHandlerRegistry, deadline: number): () => EffectResult | undefined {
  let result: EffectResult | undefined;
  void registry.dispatch('hang', contextFor(deadline)).then((settled) => {
    result = settled;
  });
  return () => result;
}

// Every dispatch with a deadline shares one timer, armed for the earliest (src/deadlines.ts).
describe('deadlines on the shared timer', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_700_000_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  // Past 2^31 - 1 ms a Node timer fires at once: a far deadline must be waited for in several timers.
  it('times out at a deadline 30 days away, not before', async () => {
    const registry = new MemoryEffectHandlerRegistry();
    registry.register('hang', never);
    const deadline = Date.now() + 30 * 24 * 3600 * 1000;
    const result = dispatch(registry, deadline);
    await vi.advanceTimersByTimeAsync(2 ** 31);
    expect(result()).toBeUndefined();
    await vi.advanceTimersByTimeAsync(deadline - Date.now() - 1);
    expect(result()).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(result()).toMatchObject({ ok: false, error: { code: 'TIMEOUT' } });
    await registry.close();
  });

  it('times each dispatch out at its own deadline, an earlier one arriving later included', async () => {
    const registry = new MemoryEffectHandlerRegistry();
    registry.register('hang', never);
    const start = Date.now();
    const late = dispatch(registry, start + 1_000);
    const early = dispatch(registry, start + 100);
    const middle = dispatch(registry, start + 500);
    await vi.advanceTimersByTimeAsync(100);
    expect([early(), middle(), late()].map((result) => result?.ok)).toStrictEqual([
      false,
      undefined,
      undefined,
    ]);
    await vi.advanceTimersByTimeAsync(400);
    expect([middle(), late()].map((result) => result?.ok)).toStrictEqual([false, undefined]);
    await vi.advanceTimersByTimeAsync(500);
    expect(late()).toMatchObject({ ok: false, error: { code: 'TIMEOUT' } });
    await registry.close();
  });
});

describe('deadlines and the event loop', () => {
  it('holds the process alive while a dispatch with a deadline is under way, not after', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const registry = new MemoryEffectHandlerRegistry();
    let release: () => void = () => undefined;
    registry.register(
      'hang',
      () =>
        new Promise<EffectResult>((resolve) => {
          release = () => resolve({ ok: true, value: 'done' });
        }),
    );
    const before = timers();
    const pending = registry.dispatch('hang', contextFor(Date.now() + 3_600_000));
    expect(timers()).toBe(before + 1);
    release();
    expect(await pending).toStrictEqual({ ok: true, value: 'done' });
    expect(timers()).toBe(before);
    await registry.close();
  });
});
