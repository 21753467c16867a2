import {
  encode,
  isOmegaError,
  type SessionData,
  SessionDataSchema,
  type SessionInfo,
  type Val,
} from '@omega/core';
import {
  exoticValues,
  INVALID_NAMES,
  type ProviderFixture,
  rejectionOf,
  unstorableValues,
  VALID_EDGE_NAMES,
} from '@omega/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionProvider } from './index.js';

/**
 * What a conformance factory returns: a fresh, empty provider and how to dispose of it (`cleanup` runs
 * after each test, after the suite may already have closed the provider).
 */
export type SessionProviderFixture = ProviderFixture<SessionProvider>;

/** Options of {@link describeSessionProvider}. */
export interface SessionConformanceOptions {
  /**
   * How far, in milliseconds, the backend's clock may be from this process's `Date.now()` when the suite
   * checks `createdAt`/`updatedAt` (default 0: the backend uses the local clock).
   */
  clockToleranceMs?: number;
}

/**
 * The `SessionProvider` contract as a vitest suite. Call it at the top level of a test file;
 * `factory` must return a fresh, empty provider for every test.
 */
export function describeSessionProvider(
  name: string,
  factory: () => Promise<SessionProviderFixture>,
  options: SessionConformanceOptions = {},
): void {
  const tolerance = options.clockToleranceMs ?? 0;

  describe(`SessionProvider conformance: ${name}`, () => {
    let provider: SessionProvider;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      ({ provider, cleanup } = await factory());
    });

    afterEach(async () => {
      await cleanup?.();
    });

    describe('save and load', () => {
      it('loads what was saved', async () => {
        const data = sampleSession('one');
        await provider.save('one', data);
        expect(await provider.load('one')).toStrictEqual(data);
      });

      it('returns null, false and null for a session that was never saved', async () => {
        await provider.save('other', sampleSession('other'));
        expect(await provider.load('missing')).toBeNull();
        expect(await provider.exists('missing')).toBe(false);
        expect(await provider.info('missing')).toBeNull();
      });

      it('reports a saved session as existing', async () => {
        await provider.save('here', sampleSession('here'));
        expect(await provider.exists('here')).toBe(true);
      });

      it('replaces the data on a second save (last writer wins)', async () => {
        await provider.save('s', sampleSession('first'));
        const second = sampleSession('second');
        await provider.save('s', second);
        expect(await provider.load('s')).toStrictEqual(second);
      });

      it('keeps sessions apart', async () => {
        await provider.save('a', sampleSession('a'));
        await provider.save('b', sampleSession('b'));
        expect(await provider.load('a')).toStrictEqual(sampleSession('a'));
        expect(await provider.load('b')).toStrictEqual(sampleSession('b'));
      });

      it('stores a missing meta as {}', async () => {
        const { state } = sampleSession('no-meta');
        await provider.save('no-meta', { state } as SessionData);
        expect(await provider.load('no-meta')).toStrictEqual({ state, meta: {} });
      });

      it('round-trips every kind of value in the store, control, continuation and meta', async () => {
        const data = exoticSession();
        await provider.save('exotic', data);
        const loaded = await provider.load('exotic');
        expect(loaded).toStrictEqual(data);
        const store = loaded?.state.store.values as Record<string, Val>;
        expect(Object.is(store.negativeZero, -0)).toBe(true);
        expect(Number.isNaN(store.nan)).toBe(true);
        expect('undefined' in store).toBe(true);
        expect(Number.isNaN((store.invalidDate as Date).getTime())).toBe(true);
        expect(Object.keys(store.ownProto as object)).toContain('__proto__');
        expect(Object.keys(loaded?.state.store ?? {})).toContain('__proto__');
        expect(Object.getPrototypeOf(loaded?.state.store)).toBe(Object.prototype);
      });
    });

    describe('versions and info', () => {
      it('starts a new session at version 1 and bumps the version on every save', async () => {
        for (let version = 1; version <= 3; version++) {
          await provider.save('v', sampleSession(`v${version}`));
          expect((await provider.info('v'))?.version).toBe(version);
        }
      });

      it('keeps createdAt across saves and sets updatedAt from the clock', async () => {
        const before = Date.now();
        await provider.save('t', sampleSession('t1'));
        const first = await infoOf(provider, 't');
        await provider.save('t', sampleSession('t2'));
        const second = await infoOf(provider, 't');
        const after = Date.now();
        expect(first.createdAt).toBeGreaterThanOrEqual(before - tolerance);
        expect(first.updatedAt).toBe(first.createdAt);
        expect(second.createdAt).toBe(first.createdAt);
        expect(second.updatedAt).toBeGreaterThanOrEqual(first.updatedAt);
        expect(second.updatedAt).toBeLessThanOrEqual(after + tolerance);
        expect(Number.isInteger(second.updatedAt)).toBe(true);
      });

      it('reports size as the UTF-8 byte length of the serialized session', async () => {
        const plain = sampleSession('size');
        const exotic = exoticSession();
        await provider.save('plain', plain);
        await provider.save('exotic', exotic);
        expect((await infoOf(provider, 'plain')).size).toBe(serializedSize(plain));
        expect((await infoOf(provider, 'exotic')).size).toBe(serializedSize(exotic));
        expect(serializedSize(exotic)).toBeGreaterThan(encode(exotic).length);
      });

      it('reports the name and the same fields in info() and list()', async () => {
        await provider.save('n', sampleSession('n'));
        await provider.save('n', sampleSession('n2'));
        const info = await infoOf(provider, 'n');
        expect(info).toMatchObject({ name: 'n', version: 2, size: serializedSize(sampleSession('n2')) });
        expect(await provider.list()).toStrictEqual([info]);
      });
    });

    describe('list', () => {
      it('is empty for a new provider', async () => {
        expect(await provider.list()).toStrictEqual([]);
      });

      it('lists every session once, sorted by name (code unit order)', async () => {
        for (const session of ['beta', 'alpha', 'Zeta', '_u', '-d', 'a..b', '0']) {
          await provider.save(session, sampleSession(session));
        }
        await provider.save('alpha', sampleSession('alpha again'));
        const listed = await provider.list();
        expect(listed.map((info) => info.name)).toStrictEqual([
          '-d',
          '0',
          'Zeta',
          '_u',
          'a..b',
          'alpha',
          'beta',
        ]);
        for (const info of listed) expect(info).toStrictEqual(await provider.info(info.name));
      });
    });

    describe('delete', () => {
      it('removes the session', async () => {
        await provider.save('gone', sampleSession('gone'));
        await provider.save('kept', sampleSession('kept'));
        await provider.delete('gone');
        expect(await provider.exists('gone')).toBe(false);
        expect(await provider.load('gone')).toBeNull();
        expect(await provider.info('gone')).toBeNull();
        expect((await provider.list()).map((info) => info.name)).toStrictEqual(['kept']);
      });

      it('rejects NotFoundError naming the session when it does not exist', async () => {
        const error = await rejectionOf(() => provider.delete('nothing'), 'NOT_FOUND');
        expect(error.details).toMatchObject({ kind: 'session', name: 'nothing' });
      });

      it('starts a session saved again after delete at version 1', async () => {
        await provider.save('again', sampleSession('first life'));
        await provider.save('again', sampleSession('first life 2'));
        await provider.delete('again');
        await provider.save('again', sampleSession('second life'));
        expect((await provider.info('again'))?.version).toBe(1);
        expect(await provider.load('again')).toStrictEqual(sampleSession('second life'));
      });
    });

    describe('optimistic concurrency', () => {
      it('creates with expectedVersion 0 and refuses it once the session exists', async () => {
        await provider.save('c', sampleSession('created'), { expectedVersion: 0 });
        const error = await rejectionOf(
          () => provider.save('c', sampleSession('clobber'), { expectedVersion: 0 }),
          'CONFLICT',
        );
        expect(error.details).toMatchObject({
          kind: 'session',
          name: 'c',
          expectedVersion: 0,
          actualVersion: 1,
        });
        expect(await provider.load('c')).toStrictEqual(sampleSession('created'));
        expect((await provider.info('c'))?.version).toBe(1);
      });

      it('saves when the expected version matches and refuses a stale one', async () => {
        await provider.save('c', sampleSession('v1'));
        await provider.save('c', sampleSession('v2'), { expectedVersion: 1 });
        const error = await rejectionOf(
          () => provider.save('c', sampleSession('stale'), { expectedVersion: 1 }),
          'CONFLICT',
        );
        expect(error.details).toMatchObject({ expectedVersion: 1, actualVersion: 2 });
        expect(await provider.load('c')).toStrictEqual(sampleSession('v2'));
        expect((await provider.info('c'))?.version).toBe(2);
      });

      it('refuses an expected version for a session that does not exist, storing nothing', async () => {
        const error = await rejectionOf(
          () => provider.save('ghost', sampleSession('ghost'), { expectedVersion: 3 }),
          'CONFLICT',
        );
        expect(error.details).toMatchObject({ name: 'ghost', expectedVersion: 3, actualVersion: 0 });
        expect(await provider.exists('ghost')).toBe(false);
      });

      it('lets exactly one of several concurrent savers with the same expected version win', async () => {
        await provider.save('race', sampleSession('start'));
        const writers = Array.from({ length: 8 }, (_, i) => sampleSession(`writer ${i}`));
        const outcomes = await Promise.allSettled(
          writers.map((data) => provider.save('race', data, { expectedVersion: 1 })),
        );
        const winners = outcomes.flatMap((outcome, i) => (outcome.status === 'fulfilled' ? [i] : []));
        expect(winners).toHaveLength(1);
        for (const outcome of outcomes) {
          if (outcome.status === 'rejected') expect(isOmegaError(outcome.reason, 'CONFLICT')).toBe(true);
        }
        expect((await provider.info('race'))?.version).toBe(2);
        expect(await provider.load('race')).toStrictEqual(writers[winners[0]!]);
      });

      it('lets exactly one of several concurrent creators with expectedVersion 0 win', async () => {
        const outcomes = await Promise.allSettled(
          Array.from({ length: 6 }, (_, i) =>
            provider.save('first', sampleSession(`creator ${i}`), { expectedVersion: 0 }),
          ),
        );
        expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
        expect((await provider.info('first'))?.version).toBe(1);
      });

      it('applies every concurrent save without an expected version, one at a time', async () => {
        const writers = Array.from({ length: 6 }, (_, i) => sampleSession(`lww ${i}`));
        await Promise.all(writers.map((data) => provider.save('lww', data)));
        expect((await provider.info('lww'))?.version).toBe(writers.length);
        expect(writers).toContainEqual(await provider.load('lww'));
      });

      it('deletes only when the expected version matches', async () => {
        await provider.save('d', sampleSession('d1'));
        await provider.save('d', sampleSession('d2'));
        const error = await rejectionOf(() => provider.delete('d', { expectedVersion: 1 }), 'CONFLICT');
        expect(error.details).toMatchObject({
          kind: 'session',
          name: 'd',
          expectedVersion: 1,
          actualVersion: 2,
        });
        expect(await provider.exists('d')).toBe(true);
        await provider.delete('d', { expectedVersion: 2 });
        expect(await provider.exists('d')).toBe(false);
      });

      it('rejects NotFoundError for a versioned delete of a missing session', async () => {
        await rejectionOf(() => provider.delete('none', { expectedVersion: 1 }), 'NOT_FOUND');
      });

      it('rejects an expectedVersion that is not a non-negative integer, changing nothing', async () => {
        await provider.save('opt', sampleSession('opt'));
        for (const expectedVersion of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '1']) {
          const options = { expectedVersion } as { expectedVersion: number };
          const saved = await rejectionOf(
            () => provider.save('opt', sampleSession('bad'), options),
            'INVALID_ARGUMENT',
          );
          expect(saved.details).toMatchObject({ kind: 'session', name: 'opt' });
          await rejectionOf(() => provider.delete('opt', options), 'INVALID_ARGUMENT');
          await rejectionOf(() => provider.save('fresh', sampleSession('bad'), options), 'INVALID_ARGUMENT');
        }
        expect(await provider.load('opt')).toStrictEqual(sampleSession('opt'));
        expect((await provider.info('opt'))?.version).toBe(1);
        expect(await provider.exists('fresh')).toBe(false);
      });
    });

    describe('names', () => {
      const calls: Array<[string, (p: SessionProvider, name: string) => Promise<unknown>]> = [
        ['load', (p, n) => p.load(n)],
        ['save', (p, n) => p.save(n, sampleSession('bad name'))],
        ['delete', (p, n) => p.delete(n)],
        ['exists', (p, n) => p.exists(n)],
        ['info', (p, n) => p.info(n)],
      ];

      for (const [method, call] of calls) {
        it(`${method}() rejects InvalidNameError for every name breaking the rule`, async () => {
          for (const bad of INVALID_NAMES) {
            const error = await rejectionOf(() => call(provider, bad as string), 'INVALID_NAME');
            expect(error.details).toMatchObject({ kind: 'session' });
          }
          expect(await provider.list()).toStrictEqual([]);
        });
      }

      it('accepts names at the edges of the rule', async () => {
        for (const edge of VALID_EDGE_NAMES) {
          await provider.save(edge, sampleSession(edge));
          expect(await provider.exists(edge)).toBe(true);
          expect(await provider.load(edge)).toStrictEqual(sampleSession(edge));
          expect((await provider.info(edge))?.name).toBe(edge);
        }
        const listed = (await provider.list()).map((info) => info.name);
        expect(listed).toStrictEqual([...VALID_EDGE_NAMES].sort());
      });

      it('treats names as case-sensitive', async () => {
        await provider.save('Case', sampleSession('upper'));
        await provider.save('case', sampleSession('lower'));
        expect(await provider.load('Case')).toStrictEqual(sampleSession('upper'));
        expect(await provider.load('case')).toStrictEqual(sampleSession('lower'));
      });
    });

    describe('no shared references', () => {
      it('is not changed by mutating what was saved', async () => {
        const data = exoticSession();
        await provider.save('iso', data);
        const store = data.state.store.values as Record<string, Val>;
        store.added = 'late';
        (store.map as Map<Val, Val>).set('late', 1);
        (store.bytes as Uint8Array)[0] = 99;
        (data.state.kont as Val[]).push('late');
        (data.meta.list as Val[]).push('late');
        data.state.step = 1000;
        expect(await provider.load('iso')).toStrictEqual(exoticSession());
      });

      it('hands out copies: changing a loaded session alters neither the store nor other loads', async () => {
        await provider.save('iso', exoticSession());
        const first = (await provider.load('iso'))!;
        const second = await provider.load('iso');
        expect(second).not.toBe(first);
        const store = first.state.store.values as Record<string, Val>;
        (store.set as Set<Val>).add('late');
        (store.date as Date).setTime(0);
        first.meta.owner = 'someone else';
        first.state.env.x = 'elsewhere';
        expect(second).toStrictEqual(exoticSession());
        expect(await provider.load('iso')).toStrictEqual(exoticSession());
      });

      it('hands out infos that are the caller’s to mutate', async () => {
        await provider.save('iso', sampleSession('iso'));
        const info = await infoOf(provider, 'iso');
        const expected = { ...info };
        info.version = 99;
        expect(await provider.info('iso')).toStrictEqual(expected);
      });
    });

    describe('validation at save', () => {
      const places: Array<[string, (bad: unknown) => SessionData]> = [
        ['the control', (bad) => withState({ control: bad as Val })],
        ['a store value', (bad) => withState({ store: { ok: 1, bad: bad as Val } })],
        [
          'deep in the store',
          (bad) => withState({ store: { deep: { list: [1, { m: new Map([['k', bad as Val]]) }] } } }),
        ],
        ['the continuation', (bad) => withState({ kont: [1, bad as Val] })],
        [
          'a meta value',
          (bad) => ({ state: sampleSession('m').state, meta: { nested: { bad: bad as Val } } }),
        ],
      ];

      for (const [where, build] of places) {
        it(`rejects values that cannot be stored in ${where}, storing nothing`, async () => {
          for (const { label, value } of unstorableValues()) {
            const error = await rejectionOf(() => provider.save('bad', build(value)), 'INVALID_ARGUMENT');
            expect(error.details, label).toMatchObject({ kind: 'session', name: 'bad' });
            expect(error.details.path, label).toBeTypeOf('string');
            expect(await provider.exists('bad'), label).toBe(false);
          }
          expect(await provider.list()).toStrictEqual([]);
        });
      }

      it('keeps the previous version when a save is rejected', async () => {
        await provider.save('keep', sampleSession('keep'));
        const before = await infoOf(provider, 'keep');
        for (const { value } of unstorableValues()) {
          await rejectionOf(
            () => provider.save('keep', withState({ control: value as Val })),
            'INVALID_ARGUMENT',
          );
        }
        expect(await provider.info('keep')).toStrictEqual(before);
        expect(await provider.load('keep')).toStrictEqual(sampleSession('keep'));
      });

      const shapes: Array<[string, unknown, string]> = [
        ['no data', null, '$'],
        ['no state', { meta: {} }, 'state'],
        ['a negative step', withState({ step: -1 }), 'step'],
        ['a fractional step', withState({ step: 1.5 }), 'step'],
        ['an unknown status', withState({ status: 'paused' as 'running' }), 'status'],
        ['an env value that is not a string', withState({ env: { x: 1 as unknown as string } }), 'env'],
        ['a continuation that is not an array', withState({ kont: 'k' as unknown as Val[] }), 'kont'],
        ['meta that is not a record', { state: sampleSession('m').state, meta: 'meta' }, 'meta'],
      ];

      for (const [label, data, field] of shapes) {
        it(`rejects a session with ${label}, naming the session and the path`, async () => {
          const error = await rejectionOf(
            () => provider.save('shape', data as SessionData),
            'INVALID_ARGUMENT',
          );
          expect(error.details).toMatchObject({ kind: 'session', name: 'shape' });
          expect(String(error.details.path)).toContain(field);
          expect(await provider.exists('shape')).toBe(false);
        });
      }
    });

    describe('close', () => {
      it('is idempotent', async () => {
        await provider.close();
        await expect(provider.close()).resolves.toBeUndefined();
      });

      it('makes every method reject ClosedError', async () => {
        await provider.save('s', sampleSession('s'));
        await provider.close();
        const calls: Array<() => Promise<unknown>> = [
          () => provider.list(),
          () => provider.load('s'),
          () => provider.save('s', sampleSession('after')),
          () => provider.delete('s'),
          () => provider.exists('s'),
          () => provider.info('s'),
        ];
        for (const call of calls) await rejectionOf(call, 'CLOSED');
      });

      it('closes through Symbol.asyncDispose', async () => {
        await provider[Symbol.asyncDispose]();
        await rejectionOf(() => provider.list(), 'CLOSED');
      });
    });
  });
}

function sampleSession(tag: string): SessionData {
  return {
    state: {
      control: ['call', tag, 1],
      env: { x: 'addr-1', y: 'addr-2' },
      store: { 'addr-1': 42, 'addr-2': { nested: [1, 'two', { three: true }] }, 'addr-3': tag },
      kont: [{ frame: 'if', branch: 1 }],
      step: 7,
      status: 'running',
    },
    meta: { tag, owner: 'conformance', list: ['a', 'b'] },
  };
}

function withState(patch: Partial<SessionData['state']>): SessionData {
  const base = sampleSession('patched');
  return { state: { ...base.state, ...patch }, meta: base.meta };
}

/** Every kind of value ({@link exoticValues}) in every part of a session. */
function exoticSession(): SessionData {
  return {
    state: {
      control: new Map<Val, Val>([
        ['op', 'apply'],
        [2n, Number.NaN],
      ]),
      env: { 'var é': 'values' },
      // A computed key makes "__proto__" an own property, which must stay one (and not become the prototype).
      store: { values: exoticValues(), '': 'empty key', $t: 'tag-like key', ['__proto__']: { own: true } },
      kont: [undefined, -0, new Set<Val>([new Date(1)])],
      step: 3,
      status: 'halted',
    },
    meta: {
      owner: 'conformance',
      list: [1n, new Uint8Array([1, 2])],
      exotic: exoticValues(),
      unset: undefined,
    },
  };
}

function serializedSize(data: SessionData): number {
  return Buffer.byteLength(encode(SessionDataSchema.parse(data)), 'utf8');
}

async function infoOf(provider: SessionProvider, name: string): Promise<SessionInfo> {
  const info = await provider.info(name);
  expect(info, `info(${name})`).not.toBeNull();
  return info!;
}
