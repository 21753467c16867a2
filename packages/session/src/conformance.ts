import { encode, isOmegaError, type Val } from '@omega/core';
import {
  assertSameValue,
  type ConformanceOptions,
  describeConformance,
  exoticValues,
  type NamedRecords,
  type ProviderFixture,
  rejectionOf,
  VALID_EDGE_NAMES,
  valueDifference,
} from '@omega/core/testing';
import * as vitest from 'vitest';
import { expect, it } from 'vitest';
import { type SessionData, SessionDataSchema, type SessionInfo, type SessionProvider } from './index.js';
import { METHODS } from './methods.js';
import { KIND } from './rules.js';

/** What a conformance factory returns: a fresh, empty provider and how to dispose of it afterwards. */
export type SessionProviderFixture<P extends SessionProvider = SessionProvider> = ProviderFixture<P>;

/** Options of {@link describeSessionProvider}. */
export interface SessionConformanceOptions<P extends SessionProvider = SessionProvider>
  extends ConformanceOptions<P> {
  /**
   * How far, in milliseconds, the backend's clock may be from this process's `Date.now()` when the suite
   * checks `createdAt`/`updatedAt` (default 0: the backend uses the local clock).
   */
  clockToleranceMs?: number;
}

/** The shared groups store sessions told apart by a tag, and values in each part of a session. */
const RECORDS: NamedRecords<SessionProvider, SessionData> = {
  record: (seed) => sampleSession(`seed ${seed}`),
  save: (provider, name, data) => provider.save(name, data),
  load: (provider, name) => provider.load(name),
  delete: (provider, name) => provider.delete(name),
  names: async (provider) => (await provider.list()).map((info) => info.name),
  info: { one: (provider, name) => provider.info(name), all: (provider) => provider.list() },
  withValue: {
    'the control': (value) => withState({ control: value }),
    'a store value': (value) => withState({ store: { ok: 1, value } }),
    'the continuation': (value) => withState({ kont: [1, value] }),
    'a meta value': (value) => ({ state: sampleSession('meta').state, meta: { value } }),
  },
};

/**
 * The `SessionProvider` contract as a vitest suite. Call it at the top level of a test file; `factory`
 * must return a fresh, empty provider for every test (the suite closes it, then calls `cleanup`).
 *
 * @example
 * describeSessionProvider('memory', async () => ({ provider: new MemorySessionProvider() }));
 */
export function describeSessionProvider<P extends SessionProvider>(
  name: string,
  factory: () => Promise<SessionProviderFixture<P>>,
  options: SessionConformanceOptions<P> = {},
): void {
  const tolerance = options.clockToleranceMs ?? 0;
  const suite = { family: 'SessionProvider', kind: KIND, methods: METHODS, records: RECORDS };
  describeConformance(vitest, suite, name, factory, options, ({ provider: current, group }) => {
    group('exists and meta', () => {
      it('reports a session as existing once saved, and no longer once deleted', async () => {
        expect(await current().exists('here')).toBe(false);
        await current().save('here', sampleSession('here'));
        expect(await current().exists('here')).toBe(true);
        await current().delete('here');
        expect(await current().exists('here')).toBe(false);
      });

      it('stores a missing meta as {}', async () => {
        const { state } = sampleSession('no-meta');
        await current().save('no-meta', { state } as SessionData);
        assertSameValue(await current().load('no-meta'), { state, meta: {} });
      });
    });

    group('versions and info', () => {
      it('starts a new session at version 1 and bumps the version on every save', async () => {
        for (let version = 1; version <= 3; version++) {
          await current().save('v', sampleSession(`v${version}`));
          expect((await current().info('v'))?.version).toBe(version);
        }
      });

      it('keeps createdAt across saves and sets updatedAt from the clock', async () => {
        const before = Date.now();
        await current().save('t', sampleSession('t1'));
        const first = await infoOf(current(), 't');
        await current().save('t', sampleSession('t2'));
        const second = await infoOf(current(), 't');
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
        const exotic = withState({ store: exoticValues() });
        await current().save('plain', plain);
        await current().save('exotic', exotic);
        expect((await infoOf(current(), 'plain')).size).toBe(serializedSize(plain));
        expect((await infoOf(current(), 'exotic')).size).toBe(serializedSize(exotic));
        expect(serializedSize(exotic)).toBeGreaterThan(encode(exotic).length);
      });

      it('reports the name and the same fields in info() and list()', async () => {
        await current().save('n', sampleSession('n'));
        await current().save('n', sampleSession('n2'));
        const info = await infoOf(current(), 'n');
        expect(info).toMatchObject({ name: 'n', version: 2, size: serializedSize(sampleSession('n2')) });
        expect(await current().list()).toStrictEqual([info]);
      });
    });

    group('delete', () => {
      it('starts a session saved again after delete at version 1', async () => {
        await current().save('again', sampleSession('first life'));
        await current().save('again', sampleSession('first life 2'));
        await current().delete('again');
        await current().save('again', sampleSession('second life'));
        expect((await current().info('again'))?.version).toBe(1);
        assertSameValue(await current().load('again'), sampleSession('second life'));
      });
    });

    group('optimistic concurrency', () => {
      it('creates with expectedVersion 0 and refuses it once the session exists', async () => {
        await current().save('c', sampleSession('created'), { expectedVersion: 0 });
        const error = await rejectionOf(
          () => current().save('c', sampleSession('clobber'), { expectedVersion: 0 }),
          'CONFLICT',
        );
        expect(error.details).toMatchObject({
          kind: 'session',
          name: 'c',
          expectedVersion: 0,
          actualVersion: 1,
        });
        assertSameValue(await current().load('c'), sampleSession('created'));
        expect((await current().info('c'))?.version).toBe(1);
      });

      it('saves when the expected version matches and refuses a stale one', async () => {
        await current().save('c', sampleSession('v1'));
        await current().save('c', sampleSession('v2'), { expectedVersion: 1 });
        const error = await rejectionOf(
          () => current().save('c', sampleSession('stale'), { expectedVersion: 1 }),
          'CONFLICT',
        );
        expect(error.details).toMatchObject({ expectedVersion: 1, actualVersion: 2 });
        assertSameValue(await current().load('c'), sampleSession('v2'));
        expect((await current().info('c'))?.version).toBe(2);
      });

      it('refuses an expected version for a session that does not exist, storing nothing', async () => {
        const error = await rejectionOf(
          () => current().save('ghost', sampleSession('ghost'), { expectedVersion: 3 }),
          'CONFLICT',
        );
        expect(error.details).toMatchObject({ name: 'ghost', expectedVersion: 3, actualVersion: 0 });
        expect(await current().exists('ghost')).toBe(false);
      });

      it('lets exactly one of several concurrent savers with the same expected version win', async () => {
        await current().save('race', sampleSession('start'));
        const writers = Array.from({ length: 8 }, (_, i) => sampleSession(`writer ${i}`));
        const outcomes = await Promise.allSettled(
          writers.map((data) => current().save('race', data, { expectedVersion: 1 })),
        );
        const winners = outcomes.flatMap((outcome, i) => (outcome.status === 'fulfilled' ? [i] : []));
        expect(winners).toHaveLength(1);
        for (const outcome of outcomes) {
          if (outcome.status === 'rejected') expect(isOmegaError(outcome.reason, 'CONFLICT')).toBe(true);
        }
        expect((await current().info('race'))?.version).toBe(2);
        assertSameValue(await current().load('race'), writers[winners[0]!]);
      });

      it('lets exactly one of several concurrent creators with expectedVersion 0 win', async () => {
        const outcomes = await Promise.allSettled(
          Array.from({ length: 6 }, (_, i) =>
            current().save('first', sampleSession(`creator ${i}`), { expectedVersion: 0 }),
          ),
        );
        expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
        expect((await current().info('first'))?.version).toBe(1);
      });

      it('applies every concurrent save without an expected version, one at a time', async () => {
        const writers = Array.from({ length: 6 }, (_, i) => sampleSession(`lww ${i}`));
        await Promise.all(writers.map((data) => current().save('lww', data)));
        expect((await current().info('lww'))?.version).toBe(writers.length);
        const loaded = await current().load('lww');
        expect(writers.some((data) => valueDifference(loaded, data) === null)).toBe(true);
      });

      it('deletes only when the expected version matches', async () => {
        await current().save('d', sampleSession('d1'));
        await current().save('d', sampleSession('d2'));
        const error = await rejectionOf(() => current().delete('d', { expectedVersion: 1 }), 'CONFLICT');
        expect(error.details).toMatchObject({
          kind: 'session',
          name: 'd',
          expectedVersion: 1,
          actualVersion: 2,
        });
        expect(await current().exists('d')).toBe(true);
        await current().delete('d', { expectedVersion: 2 });
        expect(await current().exists('d')).toBe(false);
      });

      it('rejects NotFoundError for a versioned delete of a missing session', async () => {
        await rejectionOf(() => current().delete('none', { expectedVersion: 1 }), 'NOT_FOUND');
      });

      it('rejects an expectedVersion that is not a non-negative integer, changing nothing', async () => {
        await current().save('opt', sampleSession('opt'));
        for (const expectedVersion of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '1']) {
          const options = { expectedVersion } as { expectedVersion: number };
          const saved = await rejectionOf(
            () => current().save('opt', sampleSession('bad'), options),
            'INVALID_ARGUMENT',
          );
          expect(saved.details).toMatchObject({ kind: 'session', name: 'opt' });
          await rejectionOf(() => current().delete('opt', options), 'INVALID_ARGUMENT');
          await rejectionOf(() => current().save('fresh', sampleSession('bad'), options), 'INVALID_ARGUMENT');
        }
        assertSameValue(await current().load('opt'), sampleSession('opt'));
        expect((await current().info('opt'))?.version).toBe(1);
        expect(await current().exists('fresh')).toBe(false);
      });
    });

    group('names', () => {
      it('reports existence and info under names at the edges of the rule', async () => {
        for (const edge of VALID_EDGE_NAMES) {
          await current().save(edge, sampleSession(edge));
          expect(await current().exists(edge)).toBe(true);
          expect((await current().info(edge))?.name).toBe(edge);
        }
      });
    });

    group('shape at save', () => {
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
            () => current().save('shape', data as SessionData),
            'INVALID_ARGUMENT',
          );
          expect(error.details).toMatchObject({ kind: 'session', name: 'shape' });
          expect(String(error.details.path)).toContain(field);
          expect(await current().exists('shape')).toBe(false);
        });
      }
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

function serializedSize(data: SessionData): number {
  return Buffer.byteLength(encode(SessionDataSchema.parse(data)), 'utf8');
}

async function infoOf(provider: SessionProvider, name: string): Promise<SessionInfo> {
  const info = await provider.info(name);
  expect(info, `info(${name})`).not.toBeNull();
  return info!;
}
