import { isOmegaError, type Val } from '@omega/core';
import {
  assertSameValue,
  type ConformanceOptions,
  describeConformance,
  type LogRecords,
  type ProviderFixture,
  rejectionOf,
} from '@omega/core/testing';
import * as vitest from 'vitest';
import { expect, it } from 'vitest';
import type { StreamChunk, StreamProvider } from './index.js';
import { LazyStream } from './lazy.js';
import { METHODS } from './methods.js';
import { KIND } from './rules.js';

/** What a conformance factory returns: a fresh, empty provider and how to dispose of it afterwards. */
export type StreamProviderFixture<P extends StreamProvider = StreamProvider> = ProviderFixture<P>;

/** Options of {@link describeStreamProvider}: `reopen`, `timeoutMs`, `skip`. */
export type StreamConformanceOptions<P extends StreamProvider = StreamProvider> = ConformanceOptions<P>;

/** Every chunk `read` yields for these options, collected (a helper for tests of stream providers). */
export async function collectChunks(
  provider: StreamProvider,
  id: string,
  options?: Parameters<StreamProvider['read']>[1],
): Promise<StreamChunk[]> {
  const chunks: StreamChunk[] = [];
  for await (const chunk of provider.read(id, options)) chunks.push(chunk);
  return chunks;
}

// A log is a stream, created by its first append (racing first appends all create it, one wins).
const LOGS: LogRecords<StreamProvider, Val> = {
  entry: (seed) => ({ seed, text: `token ${seed}`, at: new Date(seed) }),
  append: async (provider, log, entry) => {
    if ((await provider.info(log)) === null) {
      await provider.create(log).catch((error: unknown) => {
        if (!isOmegaError(error, 'ALREADY_EXISTS')) throw error;
      });
    }
    await provider.append(log, entry);
  },
  entries: async (provider, log) => {
    if ((await provider.info(log)) === null) return [];
    return (await collectChunks(provider, log)).map(({ chunk }) => chunk);
  },
};

/**
 * The `StreamProvider` contract as a vitest suite. Call it at the top level of a test file; `factory` must
 * return a fresh, empty provider for every test (the suite closes it, then calls `cleanup`).
 *
 * @example
 * describeStreamProvider('memory', async () => ({ provider: new MemoryStreamProvider() }));
 */
export function describeStreamProvider<P extends StreamProvider>(
  name: string,
  factory: () => Promise<StreamProviderFixture<P>>,
  options: StreamConformanceOptions<P> = {},
): void {
  const suite = { family: 'StreamProvider', kind: KIND, methods: METHODS, logs: LOGS };
  describeConformance(vitest, suite, name, factory, options, ({ provider: current, group }) => {
    group('create and info', () => {
      it('creates an open, empty stream whose info reports its meta, once', async () => {
        const meta = { model: 'omega-small', at: new Date(5), tags: new Set(['a']) };
        const info = await current().create('s', meta);
        expect(info).toMatchObject({ id: 's', status: 'open', chunks: 0, bytes: 0 });
        expect(info.updatedAt).toBe(info.createdAt);
        assertSameValue(info.meta, meta);
        assertSameValue(await current().info('s'), info);
        const error = await rejectionOf(current().create('s'), 'ALREADY_EXISTS');
        expect(error.details).toMatchObject({ kind: KIND, name: 's' });
      });

      it('reports null for a missing stream and lists infos sorted by id', async () => {
        expect(await current().info('missing')).toBeNull();
        for (const id of ['b', 'a', 'c']) await current().create(id);
        await current().append('b', 'x');
        const infos = await current().list();
        expect(infos.map((info) => info.id)).toEqual(['a', 'b', 'c']);
        expect(infos[1]).toMatchObject({ id: 'b', chunks: 1 });
      });

      it('refuses meta that cannot be stored, creating nothing', async () => {
        const error = await rejectionOf(
          current().create('s', { f: (() => 1) as unknown as Val }),
          'INVALID_ARGUMENT',
        );
        expect(error.details).toMatchObject({ kind: KIND, name: 's' });
        expect(await current().info('s')).toBeNull();
      });
    });

    group('append', () => {
      it('numbers chunks from 0 and counts them and their bytes', async () => {
        await current().create('s');
        expect(await current().append('s', 'a')).toBe(0);
        expect(await current().append('s', { b: [1, 2] })).toBe(1);
        const info = await current().info('s');
        expect(info).toMatchObject({ chunks: 2, status: 'open' });
        expect(info?.bytes).toBeGreaterThan(0);
      });

      it('appends at the expected index only: another is a ConflictError, nothing appended', async () => {
        await current().create('s');
        expect(await current().append('s', 'a', { expectedIndex: 0 })).toBe(0);
        const error = await rejectionOf(current().append('s', 'dup', { expectedIndex: 0 }), 'CONFLICT');
        expect(error.details).toMatchObject({ kind: KIND, name: 's', expectedIndex: 0, index: 1 });
        expect(await current().append('s', 'b', { expectedIndex: 1 })).toBe(1);
        expect((await collectChunks(current(), 's')).map(({ chunk }) => chunk)).toEqual(['a', 'b']);
      });

      it('refuses a chunk that cannot be stored, or a bad expectedIndex, appending nothing', async () => {
        await current().create('s');
        const bad = await rejectionOf(
          current().append('s', Symbol('x') as unknown as Val),
          'INVALID_ARGUMENT',
        );
        expect(bad.details).toMatchObject({ kind: KIND, name: 's' });
        for (const expectedIndex of [-1, 1.5]) {
          const error = await rejectionOf(current().append('s', 1, { expectedIndex }), 'INVALID_ARGUMENT');
          expect(error.details).toMatchObject({ kind: KIND, name: 's', option: 'expectedIndex' });
        }
        expect(await current().info('s')).toMatchObject({ chunks: 0 });
      });

      it('is a NotFoundError on a missing stream', async () => {
        const error = await rejectionOf(current().append('missing', 1), 'NOT_FOUND');
        expect(error.details).toMatchObject({ kind: KIND, name: 'missing' });
      });

      it('lands each of many concurrent appends once, at distinct indexes', async () => {
        await current().create('s');
        const indexes = await Promise.all(Array.from({ length: 20 }, (_, i) => current().append('s', i)));
        expect([...indexes].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
        const read = await collectChunks(current(), 's');
        for (const { index, chunk } of read) expect(indexes[chunk as number]).toBe(index);
      });
    });

    group('end and cancel', () => {
      it('ends a stream done, or with an error; a later append or end is a ConflictError', async () => {
        await current().create('ok');
        await current().append('ok', 'a');
        expect(await current().end('ok')).toMatchObject({ status: 'done', chunks: 1 });
        const error = await rejectionOf(current().append('ok', 'late'), 'CONFLICT');
        expect(error.details).toMatchObject({ kind: KIND, name: 'ok', status: 'done' });
        await rejectionOf(current().end('ok'), 'CONFLICT');
        await current().create('failed');
        const failure = { code: 'MODEL_ERROR', message: 'rate limited' };
        const info = await current().end('failed', { error: failure });
        expect(info).toMatchObject({ status: 'error', error: failure });
        assertSameValue(await current().info('failed'), info);
      });

      it('refuses a malformed outcome, ending nothing', async () => {
        await current().create('s');
        await rejectionOf(current().end('s', { error: { code: 1 } } as never), 'INVALID_ARGUMENT');
        expect(await current().info('s')).toMatchObject({ status: 'open' });
      });

      it('cancels for everyone: the writer gets a typed error, a finished stream stays as it ended', async () => {
        await current().create('s');
        await current().append('s', 'a');
        const info = await current().cancel('s', 'client gone');
        expect(info).toMatchObject({ status: 'cancelled', chunks: 1, error: { code: 'CANCELLED' } });
        const error = await rejectionOf(current().append('s', 'b'), 'CONFLICT');
        expect(error.name).toBe('StreamCancelledError');
        expect(error.details).toMatchObject({
          kind: KIND,
          name: 's',
          status: 'cancelled',
          reason: 'client gone',
        });
        expect(await current().cancel('s')).toMatchObject({ status: 'cancelled' });
        await current().create('other');
        await rejectionOf(current().cancel('other', 5 as unknown as string), 'INVALID_ARGUMENT');
        expect(await current().info('other')).toMatchObject({ status: 'open' });
        await current().create('done');
        await current().end('done');
        expect(await current().cancel('done', 'too late')).toMatchObject({ status: 'done' });
      });
    });

    group('read, follow, resume', () => {
      it('reads every chunk in order, from any index', async () => {
        await current().create('s');
        for (let i = 0; i < 5; i++) await current().append('s', { i });
        expect(await collectChunks(current(), 's')).toEqual(
          [0, 1, 2, 3, 4].map((i) => ({ index: i, chunk: { i } })),
        );
        expect((await collectChunks(current(), 's', { from: 3 })).map(({ index }) => index)).toEqual([3, 4]);
        expect(await collectChunks(current(), 's', { from: 9 })).toEqual([]);
      });

      it('is a NotFoundError for a missing stream, and refuses a bad from', async () => {
        await rejectionOf(collectChunks(current(), 'missing'), 'NOT_FOUND');
        await current().create('s');
        const error = await rejectionOf(collectChunks(current(), 's', { from: -1 }), 'INVALID_ARGUMENT');
        expect(error.details).toMatchObject({ option: 'from' });
      });

      it('follows appends until the end, then completes', async () => {
        await current().create('s');
        await current().append('s', 0);
        const followed = collectChunks(current(), 's', { follow: true, from: 0 });
        for (let i = 1; i < 4; i++) await current().append('s', i);
        await current().end('s');
        expect((await followed).map(({ chunk }) => chunk)).toEqual([0, 1, 2, 3]);
        // Following an ended stream reads what it holds and completes.
        expect(await collectChunks(current(), 's', { follow: true, from: 2 })).toHaveLength(2);
      });

      it('completes followers when the stream is cancelled', async () => {
        await current().create('s');
        const followed = collectChunks(current(), 's', { follow: true });
        await current().append('s', 'a');
        await current().cancel('s');
        expect(await followed).toEqual([{ index: 0, chunk: 'a' }]);
      });

      it('disconnects only the reader whose signal aborts', async () => {
        await current().create('s');
        const controller = new AbortController();
        const reason = new Error('client dropped');
        const aborted: unknown[] = [];
        // Settled into a value at once: the rejection is expected, never unhandled.
        const dropped = (async () => {
          for await (const { chunk } of current().read('s', { follow: true, signal: controller.signal })) {
            aborted.push(chunk);
            if (chunk === 'first') controller.abort(reason);
          }
        })().then(
          () => null,
          (error: unknown) => error,
        );
        const staying = collectChunks(current(), 's', { follow: true });
        await current().append('s', 'first');
        expect(await dropped).toBe(reason);
        await current().append('s', 'second');
        await current().end('s');
        expect(aborted).toEqual(['first']);
        expect((await staying).map(({ chunk }) => chunk)).toEqual(['first', 'second']);
        // The dropped reader resumes where it left off.
        expect(await collectChunks(current(), 's', { from: aborted.length })).toEqual([
          { index: 1, chunk: 'second' },
        ]);
      });

      it('gives back chunks a caller cannot share with the store', async () => {
        await current().create('s');
        const chunk = { list: [1, 2] };
        await current().append('s', chunk);
        chunk.list.push(3);
        const [read] = await collectChunks(current(), 's');
        expect(read?.chunk).toEqual({ list: [1, 2] });
        ((read as StreamChunk).chunk as { list: number[] }).list.push(4);
        expect((await collectChunks(current(), 's'))[0]?.chunk).toEqual({ list: [1, 2] });
      });
    });

    group('delete and retention', () => {
      it('deletes a stream and its chunks; a missing one is a NotFoundError', async () => {
        await current().create('s');
        await current().append('s', 1);
        await current().delete('s');
        expect(await current().info('s')).toBeNull();
        await rejectionOf(current().delete('s'), 'NOT_FOUND');
        await current().create('s');
        expect(await collectChunks(current(), 's')).toEqual([]);
      });

      it('prunes streams idle for the given age, keeping newer ones', async () => {
        await current().create('old');
        await current().end('old');
        expect(await current().prune({ olderThanMs: 3_600_000 })).toEqual([]);
        expect(await current().prune({ olderThanMs: 0 })).toEqual(['old']);
        expect(await current().list()).toEqual([]);
        await rejectionOf(current().prune({ olderThanMs: -1 }), 'INVALID_ARGUMENT');
      });
    });

    group('lazy streams', () => {
      it('computes each element once: forced to 3, resumed and forced to 5, computes 4 and 5 only', async () => {
        const computed: number[] = [];
        const producer = (index: number, before: readonly Val[]) => {
          computed.push(index);
          return index < 2 ? 1 : (before[index - 1] as number) + (before[index - 2] as number);
        };
        expect(await new LazyStream(current(), 'fib', producer).force(3)).toEqual([1, 1, 2]);
        expect(computed).toEqual([0, 1, 2]);
        const resumed = new LazyStream(current(), 'fib', producer);
        expect(await resumed.force(5)).toEqual([1, 1, 2, 3, 5]);
        expect(computed).toEqual([0, 1, 2, 3, 4]);
        expect(await Promise.all([resumed.force(4), resumed.force(6)])).toEqual([
          [1, 1, 2, 3],
          [1, 1, 2, 3, 5, 8],
        ]);
        expect(computed).toEqual([0, 1, 2, 3, 4, 5]);
        const error = await rejectionOf(resumed.force(1.5), 'INVALID_ARGUMENT');
        expect(error.details).toMatchObject({ kind: KIND, name: 'fib', option: 'count' });
      });
    });
  });
}
