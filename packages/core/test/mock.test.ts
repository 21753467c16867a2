import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { InvalidArgumentError, isOmegaError, OmegaError } from '../src/errors.js';
import { type Closable, Lifecycle } from '../src/lifecycle.js';
import type { MethodTable } from '../src/methods.js';
import {
  assertSameValue,
  type MockCall,
  MockFailureError,
  mockProvider,
  rejectionOf,
  thrownBy,
} from '../src/testing.js';

/** A small provider interface: async and sync methods, one taking a stored name, and close. */
interface Counter extends Closable {
  /** Adds `by` (default 1) to the total; resolves to the new total. */
  increment(by?: number): Promise<number>;
  /** The total, synchronously. */
  peek(): number;
  /** The total, read under a stored name (checked by the name rule). */
  get(name: string): Promise<number>;
}

const COUNTER_METHODS = {
  increment: { sample: () => [1] },
  peek: { sync: true, sample: () => [] },
  get: { name: 0, sample: (name) => [name] },
} satisfies MethodTable<Counter>;

interface MemoryCounterOptions {
  start?: number;
}

/** The provider the mock keeps its data in. */
class MemoryCounter implements Counter {
  total: number;
  closes = 0;
  readonly options: MemoryCounterOptions;
  readonly #lifecycle: Lifecycle = new Lifecycle('MemoryCounter', 'counter');

  constructor(options: MemoryCounterOptions) {
    this.options = options;
    this.total = options.start ?? 0;
  }

  async increment(by = 1): Promise<number> {
    this.#lifecycle.assertOpen('increment');
    if (!Number.isInteger(by)) throw new InvalidArgumentError(`cannot add ${by}`);
    this.total += by;
    return this.total;
  }

  peek(): number {
    this.#lifecycle.assertOpen('peek');
    return this.total;
  }

  async get(name: string): Promise<number> {
    this.#lifecycle.assertNamed('get', name);
    return this.total;
  }

  async close(): Promise<void> {
    this.closes += 1;
    this.#lifecycle.markClosed();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

// The inner provider of the latest mock, to look at the data it keeps.
let inner!: MemoryCounter;

class MockCounter extends mockProvider<Counter, MemoryCounterOptions>(
  'MockCounter',
  COUNTER_METHODS,
  (options) => {
    inner = new MemoryCounter(options);
    return inner;
  },
) {}

afterEach(() => {
  vi.useRealTimers();
});

describe('mockProvider', () => {
  it('makes a class of the given name whose instances pass options to the inner provider', () => {
    expect(MockCounter.name).toBe('MockCounter');
    const mock = new MockCounter({ start: 5, latencyMs: 0 });
    expect(mock).toBeInstanceOf(MockCounter);
    expect(inner.options).toEqual({ start: 5, latencyMs: 0 });
    expect(mock.peek()).toBe(5);
    expect(mock.latencyMs).toBe(0);
    expect(new MockCounter().peek()).toBe(0);
    expect(mock.increment.name).toBe('increment');
  });

  it('records calls with arguments and results, in order', async () => {
    const mock = new MockCounter();
    await mock.increment(2);
    mock.peek();
    await mock.increment(3);
    await mock.get('run-1');
    expect(mock.calls).toEqual([
      { method: 'increment', args: [2], result: 2 },
      { method: 'peek', args: [], result: 2 },
      { method: 'increment', args: [3], result: 5 },
      { method: 'get', args: ['run-1'], result: 5 },
    ]);
    expect(mock.callsOf('increment')).toEqual([
      { method: 'increment', args: [2], result: 2 },
      { method: 'increment', args: [3], result: 5 },
    ]);
    expect(mock.callsOf('close')).toEqual([]);
  });

  it('records arguments exactly as the caller passed them', async () => {
    const mock = new MockCounter();
    await mock.increment();
    await mock.increment(undefined);
    await mock.increment(2);
    const args = mock.callsOf('increment').map((call) => call.args);
    assertSameValue(args, [[], [undefined], [2]]);
    expect(args[0]).toHaveLength(0);
    expect(args[1]).toHaveLength(1);
    expect(Object.hasOwn(args[1]!, 0)).toBe(true);
  });

  it('records the errors of calls the inner provider failed', async () => {
    const mock = new MockCounter();
    const error = await rejectionOf(() => mock.get('../x'), 'INVALID_NAME');
    expect(error.details).toMatchObject({ kind: 'counter', name: '../x' });
    expect(mock.calls).toEqual([{ method: 'get', args: ['../x'], error }]);
    expect(mock.calls[0]).not.toHaveProperty('result');
  });

  it('failNext fails only the next call, with the given error or a MockFailureError', async () => {
    const mock = new MockCounter();
    const custom = new Error('disk full');
    mock.failNext('increment', custom).failNext('increment');
    await expect(mock.increment(1)).rejects.toBe(custom);
    const scripted = await mock.increment(1).catch((error: unknown) => error);
    expect(scripted).toBeInstanceOf(MockFailureError);
    expect(scripted).toMatchObject({ method: 'increment', callNumber: 2 });
    expect((scripted as Error).message).toBe('scripted failure of increment() on call 2');
    await expect(mock.increment(1)).resolves.toBe(1);
    expect(mock.calls.map((call) => 'error' in call)).toEqual([true, true, false]);
    expect(mock.calls[0]?.error).toBe(custom);
    expect(mock.calls[1]?.error).toBe(scripted);
    expect(inner.total).toBe(1);
  });

  it('failNext of one method leaves the others alone', async () => {
    const mock = new MockCounter();
    mock.failNext('get');
    await expect(mock.increment(1)).resolves.toBe(1);
    expect(mock.peek()).toBe(1);
    await expect(mock.get('a')).rejects.toBeInstanceOf(MockFailureError);
    await expect(mock.get('a')).resolves.toBe(1);
  });

  it('failOn fails the nth call of a method and leaves the body unrun', async () => {
    const mock = new MockCounter();
    mock.failOn('increment', 2);
    await mock.increment(1);
    await expect(mock.increment(10)).rejects.toMatchObject({ method: 'increment', callNumber: 2 });
    await mock.increment(1);
    expect(inner.total).toBe(2);
    const custom = new Error('third time');
    mock.failOn('increment', 4, custom);
    await expect(mock.increment(1)).rejects.toBe(custom);
    for (const nth of [0, -1, 1.5, Number.NaN]) {
      const error = thrownBy(() => mock.failOn('increment', nth), 'INVALID_ARGUMENT');
      expect(error.details).toMatchObject({ provider: 'MockCounter', method: 'increment' });
    }
  });

  it('returnNext returns a canned result without running the body', async () => {
    const mock = new MockCounter();
    mock.returnNext('increment', 42);
    await expect(mock.increment(5)).resolves.toBe(42);
    expect(inner.total).toBe(0);
    expect(mock.calls).toEqual([{ method: 'increment', args: [5], result: 42 }]);
    await expect(mock.increment(5)).resolves.toBe(5);
  });

  it('scripts synchronous methods too', () => {
    const mock = new MockCounter();
    mock.failNext('peek');
    expect(() => mock.peek()).toThrow(MockFailureError);
    mock.returnNext('peek', 99);
    expect(mock.peek()).toBe(99);
    expect(mock.peek()).toBe(0);
  });

  it('synchronous methods throw; asynchronous methods reject and never throw', async () => {
    const mock = new MockCounter();
    mock.failNext('peek').failNext('increment');
    let returned: unknown;
    expect(() => {
      returned = mock.peek();
    }).toThrow(MockFailureError);
    expect(returned).toBeUndefined();
    let pending: Promise<number> | undefined;
    expect(() => {
      pending = mock.increment(1);
    }).not.toThrow();
    expect(pending).toBeInstanceOf(Promise);
    await expect(pending).rejects.toBeInstanceOf(MockFailureError);
    // Failures of the inner provider keep their form too.
    await rejectionOf(() => mock.increment(0.5), 'INVALID_ARGUMENT');
    await rejectionOf(() => mock.get(''), 'INVALID_NAME');
  });

  it('delays asynchronous calls by latencyMs, before touching the data, and never synchronous ones', async () => {
    vi.useFakeTimers();
    const mock = new MockCounter({ latencyMs: 50 });
    let settled = false;
    const pending = mock.increment(1).then((total) => {
      settled = true;
      return total;
    });
    await vi.advanceTimersByTimeAsync(49);
    expect(settled).toBe(false);
    expect(mock.peek()).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(settled).toBe(true);
    await expect(pending).resolves.toBe(1);
    // Scripted outcomes wait too.
    mock.failNext('increment');
    let failed = false;
    const failing = mock.increment(1).catch((error: unknown) => {
      failed = true;
      return error;
    });
    await vi.advanceTimersByTimeAsync(49);
    expect(failed).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await failing).toBeInstanceOf(MockFailureError);
    // Latency can be changed at any time.
    mock.latencyMs = 0;
    await expect(mock.increment(1)).resolves.toBe(2);
  });

  it('reset forgets calls, scripts and call counts, and keeps the data', async () => {
    const mock = new MockCounter();
    await mock.increment(1);
    mock.failNext('increment').failOn('increment', 2).returnNext('peek', 7);
    mock.reset();
    expect(mock.calls).toEqual([]);
    await expect(mock.increment(1)).resolves.toBe(2);
    await expect(mock.increment(1)).resolves.toBe(3);
    expect(mock.peek()).toBe(3);
    // Calls are counted again from the reset.
    mock.reset();
    mock.failOn('increment', 1);
    await expect(mock.increment(1)).rejects.toMatchObject({ callNumber: 1 });
    expect(inner.total).toBe(3);
  });

  it('records close, closes the inner provider once, and rejects later calls with a ClosedError naming the mock', async () => {
    const mock = new MockCounter();
    await mock.increment(1);
    await mock.close();
    await mock.close();
    await mock[Symbol.asyncDispose]();
    expect(inner.closes).toBe(1);
    expect(mock.callsOf('close')).toHaveLength(3);
    expect(mock.calls[1]).toEqual({ method: 'close', args: [] });
    for (const call of [() => mock.increment(1), () => mock.get('a'), () => mock.get('../bad')]) {
      const error = await rejectionOf(call, 'CLOSED');
      expect(error.message).toContain('MockCounter');
      expect(error.message).not.toContain('MemoryCounter');
      expect(error.details).toEqual({ provider: 'MockCounter', method: expect.any(String) });
    }
    const error = thrownBy(() => mock.peek(), 'CLOSED');
    expect(error.message).toBe('MockCounter.peek() called after close()');
    expect(error.details).toEqual({ provider: 'MockCounter', method: 'peek' });
    expect(mock.calls.at(-1)).toEqual({ method: 'peek', args: [], error });
  });

  it('scripts close like any other method', async () => {
    const mock = new MockCounter();
    const custom = new Error('close failed');
    mock.failNext('close', custom);
    await expect(mock.close()).rejects.toBe(custom);
    expect(inner.closes).toBe(0);
    await expect(mock.increment(1)).resolves.toBe(1);
    await mock.close();
    expect(inner.closes).toBe(1);
  });

  it('types calls and scripts by the interface', () => {
    // Checked by tsc only (the package typecheck includes test/): never run, so runtime checks don't matter.
    const typeChecks = (mock: MockCounter) => {
      expectTypeOf(mock).toExtend<Counter>();
      expectTypeOf(mock.calls).toEqualTypeOf<MockCall<Counter>[]>();
      expectTypeOf(mock.callsOf('increment')).toEqualTypeOf<MockCall<Counter, 'increment'>[]>();
      expectTypeOf<MockCall<Counter, 'increment'>['args']>().toEqualTypeOf<[by?: number]>();
      expectTypeOf<MockCall<Counter, 'get'>['args']>().toEqualTypeOf<[name: string]>();
      expectTypeOf<MockCall<Counter, 'peek'>['result']>().toEqualTypeOf<number | undefined>();
      expectTypeOf<MockCall<Counter, 'increment'>['result']>().toEqualTypeOf<number | undefined>();
      expectTypeOf<MockCall<Counter, 'close'>['args']>().toEqualTypeOf<[]>();
      // @ts-expect-error a typo in a method name is a compile error
      mock.failNext('incremnt');
      // @ts-expect-error a canned result must have the method's result type
      mock.returnNext('peek', 'not a number');
      // @ts-expect-error an asynchronous method's canned result is what it resolves to, not a promise
      mock.returnNext('increment', Promise.resolve(1));
      // @ts-expect-error a typo in a method name is a compile error
      mock.failOn('pek', 1);
      // @ts-expect-error a typo in a method name is a compile error
      mock.callsOf('closed');
      mock.returnNext('get', 3);
      mock.returnNext('close', undefined);
    };
    expect(typeChecks).toBeTypeOf('function');
  });

  it('refuses to script a method the interface does not have, from untyped code', () => {
    const mock = new MockCounter() as unknown as {
      [K in 'failNext' | 'failOn' | 'returnNext']: (...args: unknown[]) => unknown;
    };
    for (const script of [
      () => mock.failNext('incremnt'),
      () => mock.failOn('pek', 1),
      () => mock.returnNext('peeek', 1),
    ]) {
      const error = thrownBy(script, 'INVALID_ARGUMENT');
      expect(error.message).toMatch(/^MockCounter has no method "/);
      expect(error.details).toMatchObject({ provider: 'MockCounter' });
    }
  });

  it('method tables must list every method, saying which are synchronous', () => {
    // @ts-expect-error get is missing
    const missing: MethodTable<Counter> = {
      increment: { sample: () => [1] },
      peek: { sync: true, sample: () => [] },
    };
    const notSync: MethodTable<Counter> = {
      increment: { sample: () => [1] },
      // @ts-expect-error peek is synchronous: its entry must say so
      peek: { sample: () => [] },
      get: { name: 0, sample: (name) => [name] },
    };
    const badSample: MethodTable<Counter> = {
      // @ts-expect-error increment takes a number
      increment: { sample: () => ['1'] },
      peek: { sync: true, sample: () => [] },
      get: { name: 0, sample: (name) => [name] },
    };
    expect([missing, notSync, badSample]).toHaveLength(3);
  });
});

/** A provider whose arguments and results are objects the caller can change afterwards. */
interface Shelf extends Closable {
  /** Keeps `item` (the object itself) under `label`. */
  put(
    label: string,
    item: Record<string, unknown>,
    options?: { tags?: string[]; onStored?: () => void },
  ): Promise<void>;
  /** The object kept under `label` (the same object, so a change to it is seen by the next take). */
  take(label: string): Promise<Record<string, unknown> | null>;
  /** The kept objects, synchronously (the provider's own array). */
  all(): Array<Record<string, unknown>>;
}

class MemoryShelf implements Shelf {
  readonly #items = new Map<string, Record<string, unknown>>();
  readonly #all: Array<Record<string, unknown>> = [];
  async put(label: string, item: Record<string, unknown>, options?: { onStored?: () => void }) {
    this.#items.set(label, item);
    this.#all.push(item);
    options?.onStored?.();
  }
  async take(label: string) {
    return this.#items.get(label) ?? null;
  }
  all() {
    return this.#all;
  }
  async close() {}
  [Symbol.asyncDispose]() {
    return this.close();
  }
}

class MockShelf extends mockProvider<Shelf, object>(
  'MockShelf',
  {
    put: { name: 0, sample: (name) => [name, {}] },
    take: { name: 0, sample: (name) => [name] },
    all: { sync: true, sample: () => [] },
  },
  () => new MemoryShelf(),
) {}

describe('mockProvider hardening', () => {
  it('fails a scripted call with an OmegaError of code SCRIPTED_FAILURE naming the call', async () => {
    const mock = new MockCounter();
    mock.failNext('increment').failOn('peek', 1);
    const error = await mock.increment(1).catch((caught: unknown) => caught);
    expect(isOmegaError(error)).toBe(true);
    expect(isOmegaError(error, 'SCRIPTED_FAILURE')).toBe(true);
    expect(error).toBeInstanceOf(OmegaError);
    expect(error).toBeInstanceOf(MockFailureError);
    expect(error).toMatchObject({
      name: 'MockFailureError',
      code: 'SCRIPTED_FAILURE',
      method: 'increment',
      callNumber: 1,
      details: { provider: 'MockCounter', method: 'increment', callNumber: 1 },
    });
    const sync = thrownBy(() => mock.peek(), 'SCRIPTED_FAILURE');
    expect(sync.details).toEqual({ provider: 'MockCounter', method: 'peek', callNumber: 1 });
    expect(new MockFailureError('load', 3)).toMatchObject({ details: { method: 'load', callNumber: 3 } });
  });

  it('refuses failOn for a call number already made, which would never fire', async () => {
    const mock = new MockCounter();
    await mock.increment(1);
    await mock.increment(1);
    for (const nth of [1, 2]) {
      const error = thrownBy(() => mock.failOn('increment', nth), 'INVALID_ARGUMENT');
      expect(error.details).toEqual({ provider: 'MockCounter', method: 'increment', nth, callsSoFar: 2 });
    }
    // Other methods count their own calls; the next call of this one can still be scripted.
    mock.failOn('peek', 1).failOn('increment', 3);
    await expect(mock.increment(1)).rejects.toMatchObject({ callNumber: 3 });
    expect(() => mock.peek()).toThrow(MockFailureError);
    mock.reset();
    mock.failOn('increment', 1);
    await expect(mock.increment(1)).rejects.toMatchObject({ callNumber: 1 });
  });

  it('records copies of arguments and results, unchanged by later changes to the objects', async () => {
    const mock = new MockShelf();
    const item: Record<string, unknown> = { n: 1, when: new Date(5), map: new Map([[1, { deep: 1 }]]) };
    const options = { tags: ['a'] };
    await mock.put('x', item, options);
    item.n = 2;
    (item.when as Date).setTime(6);
    ((item.map as Map<number, { deep: number }>).get(1) as { deep: number }).deep = 2;
    options.tags.push('b');
    const taken = await mock.take('x');
    expect(taken).toBe(item);
    taken!.n = 3;
    const listed = mock.all();
    listed.push({ extra: true });
    assertSameValue(mock.calls[0]?.args, [
      'x',
      { n: 1, when: new Date(5), map: new Map([[1, { deep: 1 }]]) },
      { tags: ['a'] },
    ]);
    assertSameValue(mock.calls[1]?.result, { n: 2, when: new Date(6), map: new Map([[1, { deep: 2 }]]) });
    assertSameValue(mock.calls[2]?.result, [{ n: 3, when: new Date(6), map: new Map([[1, { deep: 2 }]]) }]);
  });

  it('records what neither cloneVal nor structuredClone can copy as the original', async () => {
    const mock = new MockShelf();
    const onStored = vi.fn();
    const options = { onStored };
    const item = { n: 1n, nested: { s: new Set([1]) } };
    await mock.put('x', item, options);
    expect(onStored).toHaveBeenCalledOnce();
    const [, recordedItem, recordedOptions] = mock.calls[0]!.args as unknown[];
    expect(recordedOptions).toBe(options);
    expect(recordedItem).not.toBe(item);
    assertSameValue(recordedItem, { n: 1n, nested: { s: new Set([1]) } });
    // structuredClone copies what is not a Val (an Error here) when cloneVal cannot.
    const error = new Error('boom');
    await mock.put('y', { error });
    const copied = (mock.calls[1]!.args[1] as { error: Error }).error;
    expect(copied).not.toBe(error);
    expect(copied.message).toBe('boom');
  });

  it('refuses a latencyMs that is not a finite number >= 0, at construction and when set', () => {
    for (const latencyMs of [-1, Number.NaN, Number.POSITIVE_INFINITY, '5', null]) {
      const error = thrownBy(() => new MockCounter({ latencyMs: latencyMs as number }), 'INVALID_ARGUMENT');
      expect(error.details).toMatchObject({ provider: 'MockCounter', option: 'latencyMs' });
      expect(Object.is(error.details.value, latencyMs)).toBe(true);
    }
    const mock = new MockCounter({ latencyMs: 0 });
    thrownBy(() => {
      mock.latencyMs = -5;
    }, 'INVALID_ARGUMENT');
    expect(mock.latencyMs).toBe(0);
    mock.latencyMs = 2.5;
    expect(mock.latencyMs).toBe(2.5);
    thrownBy(() => new MockCounter(null as never), 'INVALID_ARGUMENT');
  });
});

describe('mockProvider scripts', () => {
  it('returnNext hands out a copy: changing what was scripted or what was returned leaks nowhere', async () => {
    const mock = new MockShelf();
    const canned = { n: 1, list: [1] };
    mock.returnNext('take', canned).returnNext('all', [canned]);
    canned.n = 2;
    const taken = (await mock.take('x')) as { n: number; list: number[] };
    expect(taken).toStrictEqual({ n: 1, list: [1] });
    expect(taken).not.toBe(canned);
    taken.list.push(9);
    expect(mock.callsOf('take')[0]?.result).toStrictEqual({ n: 1, list: [1] });
    const all = mock.all();
    expect(all).toStrictEqual([{ n: 1, list: [1] }]);
    expect(all[0]).not.toBe(canned);
  });

  it('gives the inner provider the mock class name, for its errors to name', () => {
    const names: string[] = [];
    class Named extends mockProvider<Shelf, object>(
      'NamedShelf',
      {
        put: { sample: () => ['x', {}] },
        take: { sample: () => ['x'] },
        all: { sync: true, sample: () => [] },
      },
      (_options, provider) => {
        names.push(provider);
        return new MemoryShelf();
      },
    ) {}
    new Named();
    expect(names).toStrictEqual(['NamedShelf']);
  });
});
