import { canonicalize, emptyState, type State, type Val } from '@omega/core';
import {
  exoticValues,
  INVALID_NAMES,
  type ProviderFixture,
  rejectionOf,
  thrownBy,
  unstorableValues,
  VALID_EDGE_NAMES,
} from '@omega/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StateProvider } from './index.js';

/**
 * What the factory gives each test: a fresh provider over an empty store, and how to clean it up
 * (`cleanup` runs after the test, once the provider is closed, e.g. to remove a temp directory).
 */
export type StateProviderFixture<P extends StateProvider = StateProvider> = ProviderFixture<P>;

/** Optional capabilities of the backend under test. */
export interface StateConformanceOptions<P extends StateProvider = StateProvider> {
  /**
   * For backends whose data outlives the provider object: open another provider over the same store as
   * `provider`. Enables the persistence tests (saves survive `close()`; two instances see each other's
   * writes). Without it that group is skipped.
   */
  reopen?: (provider: P) => Promise<StateProvider>;
}

/**
 * The `StateProvider` contract as a vitest suite. Call it at the top level of a test file; every test
 * gets a fresh provider from `factory`, closes it and calls its `cleanup` afterwards.
 *
 * @example
 * describeStateProvider('memory', async () => ({ provider: new MemoryStateProvider() }));
 */
export function describeStateProvider<P extends StateProvider>(
  name: string,
  factory: () => Promise<StateProviderFixture<P>>,
  options: StateConformanceOptions<P> = {},
): void {
  describe(`StateProvider conformance: ${name}`, () => {
    let fixture: StateProviderFixture<P> | undefined;
    const reopened: StateProvider[] = [];

    beforeEach(async () => {
      fixture = await factory();
    });

    afterEach(async () => {
      const done = fixture;
      fixture = undefined;
      for (const extra of reopened.splice(0)) await extra.close();
      await done?.provider.close();
      await done?.cleanup?.();
    });

    function provider(): P {
      if (fixture === undefined) return fail('the factory has not provided a provider');
      return fixture.provider;
    }

    async function reopen(): Promise<StateProvider> {
      const opened = await options.reopen!(provider());
      reopened.push(opened);
      return opened;
    }

    describe('createState', () => {
      it('returns an empty running state at step 0', () => {
        expect(provider().createState()).toStrictEqual(emptyState());
      });

      it('returns a new object on every call', () => {
        const first = provider().createState();
        first.store.a0 = 1;
        first.kont.push('frame');
        first.env.x = 'a0';
        expect(provider().createState()).toStrictEqual(emptyState());
      });

      it('gives a state that saves and loads back', async () => {
        await provider().saveState('fresh', provider().createState());
        expectSameState(await provider().loadState('fresh'), emptyState());
      });
    });

    describe('saveState and loadState', () => {
      it('loadState of an id never saved is null', async () => {
        expect(await provider().loadState('never-saved')).toBeNull();
      });

      it('a saved state loads back equal', async () => {
        await provider().saveState('run-1', sampleState('one'));
        expectSameState(await provider().loadState('run-1'), sampleState('one'));
      });

      it('a second save replaces the first', async () => {
        await provider().saveState('run-1', sampleState('one'));
        await provider().saveState('run-1', { ...sampleState('two'), step: 8, status: 'halted' });
        expectSameState(await provider().loadState('run-1'), {
          ...sampleState('two'),
          step: 8,
          status: 'halted',
        });
      });

      it('keeps ids independent', async () => {
        await provider().saveState('left', sampleState('left'));
        await provider().saveState('right', sampleState('right'));
        expectSameState(await provider().loadState('left'), sampleState('left'));
        expectSameState(await provider().loadState('right'), sampleState('right'));
      });

      it('round-trips every kind of value exactly, nested anywhere', async () => {
        await provider().saveState('rich', richState());
        const loaded = await provider().loadState('rich');
        expectSameState(loaded, richState());
        const { control, store, kont } = loaded ?? fail('the saved state did not load');
        const numbers = store.numbers as number[];
        expect(Object.is(numbers[1], -0)).toBe(true);
        expect(Number.isNaN(numbers[0])).toBe(true);
        expect(Object.is(kont[1], -0)).toBe(true);
        expect(store.bytes).toBeInstanceOf(Uint8Array);
        expect(Object.hasOwn(control as object, 'missing')).toBe(true);
        expect(Object.is(store.negativeZero, -0)).toBe(true);
        expect(Object.hasOwn(store, 'undefined')).toBe(true);
        expect(Number.isNaN((store.invalidDate as Date).getTime())).toBe(true);
        expect(Object.keys(store.ownProto as object)).toContain('__proto__');
        expect(Object.getPrototypeOf(store.ownProto)).toBe(Object.prototype);
      });

      it('round-trips a large state', async () => {
        const large = largeState();
        await provider().saveState('large', large);
        expectSameState(await provider().loadState('large'), largeState());
      });

      it('concurrent saves of one id leave exactly one of them, whole', async () => {
        const states = Array.from({ length: 12 }, (_, i) => ({ ...sampleState(`writer-${i}`), step: i }));
        await Promise.all(states.map((state) => provider().saveState('contended', state)));
        const loaded = await provider().loadState('contended');
        expect(loaded).not.toBeNull();
        expectSameState(loaded, states[loaded?.step ?? -1] ?? fail(`unexpected step ${loaded?.step}`));
      });

      it('concurrent saves of different ids are all kept', async () => {
        const ids = Array.from({ length: 12 }, (_, i) => `id-${String(i).padStart(2, '0')}`);
        await Promise.all(ids.map((id) => provider().saveState(id, sampleState(id))));
        expect(await provider().listStates()).toStrictEqual(ids);
        for (const id of ids) expectSameState(await provider().loadState(id), sampleState(id));
      });
    });

    describe('no shared references', () => {
      it('mutating a state after saving it does not change what is stored', async () => {
        const state = richState();
        await provider().saveState('kept', state);
        mutateDeeply(state);
        expectSameState(await provider().loadState('kept'), richState());
      });

      it('mutating a loaded state does not change what is stored', async () => {
        await provider().saveState('kept', richState());
        const loaded = await provider().loadState('kept');
        mutateDeeply(loaded ?? fail('the saved state did not load'));
        expectSameState(await provider().loadState('kept'), richState());
      });

      it('two loads return distinct objects', async () => {
        await provider().saveState('kept', richState());
        const first = await provider().loadState('kept');
        const second = await provider().loadState('kept');
        expect(first).not.toBe(second);
        expect(first?.store).not.toBe(second?.store);
        expect(first?.store.map).not.toBe(second?.store.map);
      });
    });

    describe('validation at save', () => {
      it('rejects a state of the wrong shape with InvalidArgumentError, storing nothing', async () => {
        for (const { label, value } of badShapes()) {
          const error = await rejectionOf(
            () => provider().saveState('bad', value as State),
            'INVALID_ARGUMENT',
          );
          expect(error.details, label).toMatchObject({ kind: 'state', name: 'bad' });
          expect(typeof error.details.path, label).toBe('string');
        }
        expect(await provider().loadState('bad')).toBeNull();
        expect(await provider().listStates()).toStrictEqual([]);
      });

      it('rejects values that cannot be stored, anywhere in the state, storing nothing', async () => {
        for (const { label, value } of unstorableValues()) {
          for (const [place, state] of placements(value)) {
            const error = await rejectionOf(() => provider().saveState('bad', state), 'INVALID_ARGUMENT');
            expect(error.details, `${label} in ${place}`).toMatchObject({ kind: 'state', name: 'bad' });
          }
        }
        expect(await provider().loadState('bad')).toBeNull();
        expect(await provider().listStates()).toStrictEqual([]);
      });

      it('a rejected save keeps the state saved before', async () => {
        await provider().saveState('kept', sampleState('before'));
        const [unstorable] = unstorableValues();
        const state = { ...sampleState('after'), control: unstorable?.value as Val };
        await rejectionOf(() => provider().saveState('kept', state), 'INVALID_ARGUMENT');
        await rejectionOf(
          () => provider().saveState('kept', { step: 1 } as unknown as State),
          'INVALID_ARGUMENT',
        );
        expectSameState(await provider().loadState('kept'), sampleState('before'));
      });
    });

    describe('deleteState', () => {
      it('removes the state', async () => {
        await provider().saveState('doomed', sampleState('doomed'));
        await provider().saveState('kept', sampleState('kept'));
        await provider().deleteState('doomed');
        expect(await provider().loadState('doomed')).toBeNull();
        expectSameState(await provider().loadState('kept'), sampleState('kept'));
      });

      it('rejects NotFoundError naming the state when there is none', async () => {
        const error = await rejectionOf(() => provider().deleteState('ghost'), 'NOT_FOUND');
        expect(error.details).toMatchObject({ kind: 'state', name: 'ghost' });
      });

      it('rejects NotFoundError on a second delete', async () => {
        await provider().saveState('once', sampleState('once'));
        await provider().deleteState('once');
        await rejectionOf(() => provider().deleteState('once'), 'NOT_FOUND');
      });

      it('lets a deleted id be saved again', async () => {
        await provider().saveState('again', sampleState('first'));
        await provider().deleteState('again');
        await provider().saveState('again', sampleState('second'));
        expectSameState(await provider().loadState('again'), sampleState('second'));
      });
    });

    describe('listStates', () => {
      it('is empty for a new store', async () => {
        expect(await provider().listStates()).toStrictEqual([]);
      });

      it('lists each saved id once, sorted by code unit', async () => {
        for (const id of ['m', '_x', 'Zed', '0', '-dash', 'a.b', 'm'])
          await provider().saveState(id, sampleState(id));
        expect(await provider().listStates()).toStrictEqual(['-dash', '0', 'Zed', '_x', 'a.b', 'm']);
      });

      it('reflects deletes', async () => {
        for (const id of ['a', 'b', 'c']) await provider().saveState(id, sampleState(id));
        await provider().deleteState('b');
        expect(await provider().listStates()).toStrictEqual(['a', 'c']);
      });
    });

    describe('cloneState', () => {
      it('returns an equal state that shares no object with the original', () => {
        const original = richState();
        const clone = provider().cloneState(original);
        expectSameState(clone, richState());
        expect(clone).not.toBe(original);
        for (const key of ['nested', 'map', 'set', 'date', 'bytes', 'numbers'] as const) {
          expect(clone.store[key], key).not.toBe(original.store[key]);
        }
        expect(clone.kont).not.toBe(original.kont);
        expect(clone.env).not.toBe(original.env);
        mutateDeeply(clone);
        expectSameState(original, richState());
        const again = provider().cloneState(original);
        mutateDeeply(original);
        expectSameState(again, richState());
      });

      it('throws InvalidArgumentError synchronously for a state of the wrong shape', () => {
        for (const { label, value } of badShapes()) {
          const error = thrownBy(() => provider().cloneState(value as State), 'INVALID_ARGUMENT');
          expect(error.details.kind, label).toBe('state');
        }
      });

      it('throws InvalidArgumentError for values that cannot be stored', () => {
        for (const { value } of unstorableValues()) {
          for (const [, state] of placements(value)) {
            thrownBy(() => provider().cloneState(state), 'INVALID_ARGUMENT');
          }
        }
      });

      it('clones a loaded state', async () => {
        await provider().saveState('source', richState());
        const loaded = await provider().loadState('source');
        expectSameState(provider().cloneState(loaded ?? fail('the saved state did not load')), richState());
      });
    });

    describe('names', () => {
      it('rejects every invalid id with InvalidNameError in every method taking one', async () => {
        for (const bad of INVALID_NAMES) {
          const id = bad as string;
          await rejectionOf(() => provider().loadState(id), 'INVALID_NAME');
          await rejectionOf(() => provider().saveState(id, sampleState('x')), 'INVALID_NAME');
          await rejectionOf(() => provider().deleteState(id), 'INVALID_NAME');
        }
        expect(await provider().listStates()).toStrictEqual([]);
      });

      it('accepts ids at the edges of the rule', async () => {
        for (const id of VALID_EDGE_NAMES) await provider().saveState(id, sampleState(id));
        expect(await provider().listStates()).toStrictEqual([...VALID_EDGE_NAMES].sort());
        for (const id of VALID_EDGE_NAMES) expectSameState(await provider().loadState(id), sampleState(id));
        for (const id of VALID_EDGE_NAMES) await provider().deleteState(id);
        expect(await provider().listStates()).toStrictEqual([]);
      });
    });

    describe('close', () => {
      it('is idempotent', async () => {
        await provider().close();
        await provider().close();
        await rejectionOf(() => provider().listStates(), 'CLOSED');
      });

      it('makes every method fail with ClosedError: sync ones throw, async ones reject', async () => {
        await provider().saveState('before', sampleState('before'));
        await provider().close();
        thrownBy(() => provider().createState(), 'CLOSED');
        thrownBy(() => provider().cloneState(sampleState('x')), 'CLOSED');
        await rejectionOf(() => provider().loadState('before'), 'CLOSED');
        await rejectionOf(() => provider().saveState('after', sampleState('after')), 'CLOSED');
        await rejectionOf(() => provider().deleteState('before'), 'CLOSED');
        await rejectionOf(() => provider().listStates(), 'CLOSED');
      });

      it('reports ClosedError before checking the id', async () => {
        await provider().close();
        await rejectionOf(() => provider().loadState('../x'), 'CLOSED');
      });

      it('Symbol.asyncDispose closes the provider', async () => {
        await provider()[Symbol.asyncDispose]();
        await rejectionOf(() => provider().loadState('x'), 'CLOSED');
      });
    });

    const persistent = options.reopen !== undefined;
    const persistenceTitle = persistent
      ? 'persistence'
      : 'persistence (skipped: no options.reopen, the data does not outlive the provider)';
    describe.skipIf(!persistent)(persistenceTitle, () => {
      it('a state saved before close loads from a new provider', async () => {
        await provider().saveState('durable', richState());
        await provider().close();
        const next = await reopen();
        expect(await next.listStates()).toStrictEqual(['durable']);
        expectSameState(await next.loadState('durable'), richState());
      });

      it("two providers over one store see each other's saves and deletes", async () => {
        const other = await reopen();
        await provider().saveState('shared', sampleState('first'));
        expectSameState(await other.loadState('shared'), sampleState('first'));
        await other.saveState('shared', sampleState('second'));
        expectSameState(await provider().loadState('shared'), sampleState('second'));
        await other.deleteState('shared');
        expect(await provider().loadState('shared')).toBeNull();
        await rejectionOf(() => provider().deleteState('shared'), 'NOT_FOUND');
      });
    });
  });
}

function fail(message: string): never {
  throw new Error(message);
}

/** Structural equality that also tells -0 from 0, `undefined` from a missing key, and Map from object. */
function expectSameState(actual: State | null, expected: State): void {
  expect(actual).not.toBeNull();
  expect(actual).toStrictEqual(expected);
  expect(canonicalize(actual as Val)).toBe(canonicalize(expected));
}

function sampleState(tag: string): State {
  return {
    control: { op: 'apply', fn: tag, args: [1, 'two', null, true] },
    env: { x: 'a0', y: 'a1' },
    store: { a0: 42, a1: { text: tag, list: [1.5, 'b', false] } },
    kont: [{ frame: 'arg', index: 0, pending: ['y'] }],
    step: 7,
    status: 'running',
  };
}

/** A state holding every kind of value: all of {@link exoticValues} in the store, more in control and kont. */
function richState(): State {
  return {
    control: {
      op: 'call',
      at: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)),
      missing: undefined,
      big: -(2n ** 70n),
    },
    env: { x: 'numbers', y: 'map', '': 'empty-variable' },
    store: exoticValues(),
    kont: [undefined, -0, 1n, new Map<Val, Val>([['frame', { $t: 'x' }]]), new Set<Val>([[1, 2]])],
    step: 3,
    status: 'halted',
  };
}

function largeState(): State {
  const store: Record<string, Val> = { blob: 'x'.repeat(1 << 20) };
  for (let i = 0; i < 5000; i++)
    store[`a${i}`] = { index: i, name: `value-${i}`, list: [i, i * 0.5, `${i}`] };
  return { control: 'large', env: { blob: 'blob' }, store, kont: [], step: 5000, status: 'running' };
}

/** Changes every container and mutable value of a state made by `richState`. */
function mutateDeeply(state: State): void {
  state.control = 'changed';
  state.env.x = 'elsewhere';
  state.store.extra = 'added';
  (state.store.numbers as number[]).push(99);
  (state.store.map as Map<Val, Val>).set('k', 'changed');
  (state.store.set as Set<Val>).add('added');
  (state.store.date as Date).setTime(123);
  (state.store.bytes as Uint8Array)[0] = 9;
  ((state.store.nested as { deep: { deeper: Val[] } }).deep.deeper as Val[]).push('added');
  state.kont.push('frame');
  state.step += 1;
  state.status = 'error';
}

/** States of the wrong shape, fresh on every call. */
function badShapes(): Array<{ label: string; value: unknown }> {
  const without = (key: keyof State) => {
    const state: Partial<State> = emptyState();
    delete state[key];
    return state;
  };
  return [
    { label: 'null', value: null },
    { label: 'a number', value: 42 },
    { label: 'an array', value: [] },
    { label: 'no env', value: without('env') },
    { label: 'no store', value: without('store') },
    { label: 'no kont', value: without('kont') },
    { label: 'no step', value: without('step') },
    { label: 'no status', value: without('status') },
    { label: 'an unknown status', value: { ...emptyState(), status: 'paused' } },
    { label: 'a negative step', value: { ...emptyState(), step: -1 } },
    { label: 'a fractional step', value: { ...emptyState(), step: 1.5 } },
    { label: 'a string step', value: { ...emptyState(), step: '3' } },
    { label: 'an env entry that is not an address', value: { ...emptyState(), env: { x: 1 } } },
    { label: 'a store that is not a record', value: { ...emptyState(), store: 'text' } },
    { label: 'a kont that is not an array', value: { ...emptyState(), kont: { 0: 'frame' } } },
  ];
}

/** `value` placed at each position of a state where a value may go. */
function placements(value: unknown): Array<[string, State]> {
  const bad = value as Val;
  return [
    ['control', { ...sampleState('p'), control: bad }],
    ['a store entry', { ...sampleState('p'), store: { a0: bad } }],
    ['a nested object in the store', { ...sampleState('p'), store: { a0: { deep: [1, { deeper: bad }] } } }],
    ['a Map value in the store', { ...sampleState('p'), store: { a0: new Map<Val, Val>([['k', bad]]) } }],
    ['a Map key in the store', { ...sampleState('p'), store: { a0: new Map<Val, Val>([[bad, 'v']]) } }],
    ['a Set in the store', { ...sampleState('p'), store: { a0: new Set<Val>([bad]) } }],
    ['a kont frame', { ...sampleState('p'), kont: [{ frame: bad }] }],
  ];
}
