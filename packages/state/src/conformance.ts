import { emptyState, type State, type Val } from '@omega/core';
import {
  assertSameValue,
  type ConformanceOptions,
  describeConformance,
  exoticValues,
  mutateDeeply,
  type NamedRecords,
  type ProviderFixture,
  rejectionOf,
  thrownBy,
  unstorableValues,
} from '@omega/core/testing';
import * as vitest from 'vitest';
import { expect, it } from 'vitest';
import type { StateProvider } from './index.js';
import { METHODS } from './methods.js';
import { KIND } from './rules.js';

/**
 * What the factory gives each test: a fresh provider over an empty store, and how to clean it up
 * (`cleanup` runs after the test, once the provider is closed, e.g. to remove a temp directory).
 */
export type StateProviderFixture<P extends StateProvider = StateProvider> = ProviderFixture<P>;

/**
 * Options of {@link describeStateProvider}: `reopen` (for backends whose data outlives the provider
 * object; enables the persistence group), `timeoutMs` and `skip`.
 */
export type StateConformanceOptions<P extends StateProvider = StateProvider> = ConformanceOptions<P>;

/** Fresh states holding `value` at each place a state holds one: for the groups on values, and cloneState. */
const PLACES: Readonly<Record<string, (value: Val) => State>> = {
  control: (value) => ({ ...sampleState('value'), control: value }),
  'a store entry': (value) => ({ ...sampleState('value'), store: { a0: value } }),
  'a kont frame': (value) => ({ ...sampleState('value'), kont: [{ frame: value }] }),
};

/** The shared groups store a state holding every kind of value, told apart by its step. */
const RECORDS: NamedRecords<StateProvider, State> = {
  record: seededState,
  save: (provider, id, state) => provider.saveState(id, state),
  load: (provider, id) => provider.loadState(id),
  delete: (provider, id) => provider.deleteState(id),
  names: (provider) => provider.listStates(),
  withValue: PLACES,
};

/**
 * The `StateProvider` contract as a vitest suite. Call it at the top level of a test file; every test
 * gets a fresh provider from `factory`, closes it and calls its `cleanup` afterwards. Besides the groups
 * every family gets (close, the name rule, named records, values and their validation, no shared
 * references, persistence), it checks what is particular to states: `createState`, a large state, the
 * shape of a state, `cloneState`.
 *
 * @example
 * describeStateProvider('memory', async () => ({ provider: new MemoryStateProvider() }));
 */
export function describeStateProvider<P extends StateProvider>(
  name: string,
  factory: () => Promise<StateProviderFixture<P>>,
  options: StateConformanceOptions<P> = {},
): void {
  const suite = { family: 'StateProvider', kind: KIND, methods: METHODS, records: RECORDS };
  describeConformance(vitest, suite, name, factory, options, ({ provider, group }) => {
    group('createState', () => {
      it('returns an empty running state at step 0', () => {
        assertSameValue(provider().createState(), emptyState());
      });

      it('returns a new object on every call', () => {
        const first = provider().createState();
        first.store.a0 = 1;
        first.kont.push('frame');
        first.env.x = 'a0';
        assertSameValue(provider().createState(), emptyState());
      });

      it('gives a state that saves and loads back', async () => {
        await provider().saveState('fresh', provider().createState());
        assertSameValue(await provider().loadState('fresh'), emptyState());
      });
    });

    group('saveState and loadState', () => {
      it('round-trips a large state', async () => {
        await provider().saveState('large', largeState());
        assertSameValue(await provider().loadState('large'), largeState());
      });
    });

    group('shape at save', () => {
      it('rejects a state of the wrong shape with InvalidArgumentError, storing nothing', async () => {
        await provider().saveState('kept', sampleState('before'));
        for (const { label, value } of badShapes()) {
          for (const id of ['bad', 'kept']) {
            const error = await rejectionOf(
              () => provider().saveState(id, value as State),
              'INVALID_ARGUMENT',
            );
            expect(error.details, label).toMatchObject({ kind: 'state', name: id });
            expect(typeof error.details.path, label).toBe('string');
          }
        }
        expect(await provider().listStates()).toStrictEqual(['kept']);
        assertSameValue(await provider().loadState('kept'), sampleState('before'));
      });
    });

    group('cloneState', () => {
      it('returns an equal state that shares no object with the original', () => {
        const original = richState();
        const clone = provider().cloneState(original);
        assertSameValue(clone, richState());
        expect(clone).not.toBe(original);
        for (const key of ['nested', 'map', 'set', 'date', 'bytes', 'numbers'] as const) {
          expect(clone.store[key], key).not.toBe(original.store[key]);
        }
        expect(clone.kont).not.toBe(original.kont);
        expect(clone.env).not.toBe(original.env);
        mutateDeeply(clone);
        assertSameValue(original, richState());
        const again = provider().cloneState(original);
        mutateDeeply(original);
        assertSameValue(again, richState());
      });

      it('throws InvalidArgumentError synchronously for a state of the wrong shape', () => {
        for (const { label, value } of badShapes()) {
          const error = thrownBy(() => provider().cloneState(value as State), 'INVALID_ARGUMENT');
          expect(error.details.kind, label).toBe('state');
        }
      });

      it('throws InvalidArgumentError for values that cannot be stored', () => {
        for (const { value } of unstorableValues()) {
          for (const build of Object.values(PLACES)) {
            thrownBy(() => provider().cloneState(build(value as Val)), 'INVALID_ARGUMENT');
          }
        }
      });

      it('clones a loaded state', async () => {
        await provider().saveState('source', richState());
        const loaded = await provider().loadState('source');
        assertSameValue(provider().cloneState(loaded ?? fail('the saved state did not load')), richState());
      });
    });
  });
}

function fail(message: string): never {
  throw new Error(message);
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

/** The state the shared record groups store with `seed`: {@link richState} at step `seed`. */
function seededState(seed: number): State {
  return { ...richState(), step: seed };
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
