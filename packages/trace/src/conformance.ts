import type { Val } from '@omega/core';
import {
  assertSameValue,
  type ConformanceOptions,
  check,
  describeConformance,
  exoticValues,
  iterationRejectionOf,
  type LogRecords,
  mutateDeeply,
  type ProviderFixture,
  thrownBy,
  unstorableValues,
} from '@omega/core/testing';
import * as vitest from 'vitest';
import { expect, it, vi } from 'vitest';
import type { TraceEvent, TraceEventInput, TraceProvider, TraceQuery } from './index.js';
import { METHODS } from './methods.js';
import { KIND, traceIdOf } from './rules.js';

/** What a conformance factory returns: a fresh, empty provider and how to dispose of it afterwards. */
export type TraceProviderFixture<P extends TraceProvider = TraceProvider> = ProviderFixture<P>;
/** Options of {@link describeTraceProvider}: `reopen`, `timeoutMs`, `skip`. */
export type TraceConformanceOptions<P extends TraceProvider = TraceProvider> = ConformanceOptions<P>;

/** What the shared log groups append: an event without its run (the log) and time. */
type Entry = Omit<TraceEventInput, 'runId' | 'at'>;

// The log groups read entries back in the order appended, across providers too: each append gets the
// next time of this clock, so that order is the order `query` gives (by `at` first).
let nextAt = 1_700_000_000_000;

const LOGS: LogRecords<TraceProvider, Entry> = {
  entry: (seed) => ({ kind: `kind-${seed % 3}`, step: seed, name: `event ${seed}`, data: { seed } }),
  append: async (provider, log, entry) => {
    provider.record({ ...entry, runId: log, at: nextAt++ });
    await provider.flush();
  },
  entries: async (provider, log) =>
    (await collect(provider.query({ runId: log }))).map(({ kind, step, name, data }) => ({
      kind,
      step,
      name,
      data,
    })),
};

async function collect(events: AsyncIterable<TraceEvent>): Promise<TraceEvent[]> {
  const all: TraceEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

/** Inputs `record()` refuses, each with the path its `InvalidArgumentError` names. */
const BAD_INPUTS: Array<[label: string, input: unknown, path: string]> = [
  ['an empty kind', { runId: 'r', kind: '' }, 'kind'],
  ['a kind that is not a string', { runId: 'r', kind: 7 }, 'kind'],
  ['a negative step', { runId: 'r', kind: 'k', step: -1 }, 'step'],
  ['a fractional step', { runId: 'r', kind: 'k', step: 1.5 }, 'step'],
  ['a NaN time', { runId: 'r', kind: 'k', at: Number.NaN }, 'at'],
  ['a negative time', { runId: 'r', kind: 'k', at: -1 }, 'at'],
  ['an unknown level', { runId: 'r', kind: 'k', level: 'fatal' }, 'level'],
  ['a name that is not a string', { runId: 'r', kind: 'k', name: 1 }, 'name'],
  ['a short trace id', { runId: 'r', kind: 'k', traceId: 'abc' }, 'traceId'],
  ['an uppercase trace id', { runId: 'r', kind: 'k', traceId: 'A'.repeat(32) }, 'traceId'],
  ['an all-zero trace id', { runId: 'r', kind: 'k', traceId: '0'.repeat(32) }, 'traceId'],
  ['a 32-digit span id', { runId: 'r', kind: 'k', spanId: '1'.repeat(32) }, 'spanId'],
  ['an all-zero span id', { runId: 'r', kind: 'k', spanId: '0'.repeat(16) }, 'spanId'],
  ['a non-hex parent span id', { runId: 'r', kind: 'k', parentSpanId: 'g'.repeat(16) }, 'parentSpanId'],
  ['a field it does not know', { runId: 'r', kind: 'k', seq: 3 }, 'seq'],
];

/** Queries `query` and `subscribe` refuse, each with the option their `InvalidArgumentError` names. */
const BAD_QUERIES: Array<[query: unknown, option: string]> = [
  [null, 'query'],
  [{ kind: 1 }, 'kind'],
  [{ level: 'loud' }, 'level'],
  [{ since: 'yesterday' }, 'since'],
  [{ until: Number.NaN }, 'until'],
  [{ limit: 0 }, 'limit'],
  [{ limit: 1.5 }, 'limit'],
  [{ run: 'r' }, 'run'],
];

/**
 * The `TraceProvider` contract as a vitest suite. Call it at the top level of a test file; `factory` must
 * return a fresh, empty provider for every test (the suite closes it, then calls `cleanup`).
 *
 * @example
 * describeTraceProvider('memory', async () => ({ provider: new MemoryTraceProvider() }));
 */
export function describeTraceProvider<P extends TraceProvider>(
  name: string,
  factory: () => Promise<TraceProviderFixture<P>>,
  options: TraceConformanceOptions<P> = {},
): void {
  const suite = { family: 'TraceProvider', kind: KIND, methods: METHODS, logs: LOGS };
  describeConformance(vitest, suite, name, factory, options, ({ provider: current, group }) => {
    const all = (query?: TraceQuery) => collect(current().query(query));

    group('record', () => {
      it('stamps each event with its time, writer and sequence number, and derives the trace id from the run', async () => {
        const before = Date.now();
        current().record({ runId: 'stamped', kind: 'a' });
        current().record({ runId: 'stamped', kind: 'b', at: before + 1e6 });
        const [first, second] = await all({ runId: 'stamped' });
        check(first !== undefined && second !== undefined, 'two events read back');
        expect(first.at).toBeGreaterThanOrEqual(before);
        expect(second.at).toBe(before + 1e6);
        expect(first.writer).toMatch(/^[0-9a-z-]{1,64}$/);
        expect(second.writer).toBe(first.writer);
        expect([first.seq, second.seq]).toStrictEqual([0, 1]);
        expect(first.traceId).toBe(traceIdOf('stamped'));
        expect(first.traceId).toMatch(/^[0-9a-f]{32}$/);
      });

      it('is synchronous: it returns nothing, and the event is queryable at once', async () => {
        const result: unknown = current().record({ runId: 'sync', kind: 'k' });
        expect(result).toBeUndefined();
        expect((await all({ runId: 'sync' })).length).toBe(1);
      });

      it('keeps every field given, and every kind of value in data exactly', async () => {
        const input: TraceEventInput = {
          runId: 'fields',
          kind: 'effect.call',
          step: 12,
          at: 1_700_000_000_000.25,
          level: 'warn',
          name: 'call',
          traceId: '0af7651916cd43dd8448eb211c80319c',
          spanId: 'b7ad6b7169203331',
          parentSpanId: '00f067aa0ba902b7',
          data: exoticValues(),
        };
        current().record(input);
        const [event] = await all({ runId: 'fields' });
        check(event !== undefined, 'the event reads back');
        const { writer: _, seq: __, ...stored } = event;
        assertSameValue(stored, { ...input, data: exoticValues() });
      });

      it('keeps a kind and a name holding what JSON escapes (quotes, backslashes, controls, lone surrogates)', async () => {
        const text = 'a "quoted" \\ back\nslash \u0001 \ud800 \u{1f600} é';
        current().record({ runId: 'escaped', kind: text, name: text });
        const [event] = await all({ runId: 'escaped' });
        expect([event?.kind, event?.name]).toStrictEqual([text, text]);
      });

      for (const [label, input, path] of BAD_INPUTS) {
        it(`refuses ${label} with an InvalidArgumentError naming the run and ${path}, recording nothing`, async () => {
          const error = thrownBy(() => current().record(input as TraceEventInput), 'INVALID_ARGUMENT');
          expect(error.details).toMatchObject({ kind: KIND, name: 'r', path });
          expect(current().stats().recorded).toBe(0);
          expect(await all()).toStrictEqual([]);
        });
      }

      it('refuses a run id breaking the name rule with an InvalidNameError, and what is not an object', async () => {
        for (const runId of ['', '../x', '.hidden', 'a/b', 7]) {
          const error = thrownBy(
            () => current().record({ runId, kind: 'k' } as TraceEventInput),
            'INVALID_NAME',
          );
          expect(error.details.kind).toBe(KIND);
        }
        thrownBy(() => current().record(null as unknown as TraceEventInput), 'INVALID_ARGUMENT');
        expect(current().stats().recorded).toBe(0);
      });

      it('refuses data that cannot be stored, naming the path under data', async () => {
        for (const { label, value } of unstorableValues()) {
          const error = thrownBy(
            () => current().record({ runId: 'r', kind: 'k', data: { nested: [value as Val] } }),
            'INVALID_ARGUMENT',
          );
          check(
            String(error.details.path).startsWith('data.nested[0]'),
            `${label}: path ${error.details.path}`,
          );
        }
        expect(await all()).toStrictEqual([]);
      });

      it('shares no reference: changing what was recorded or read changes nothing stored', async () => {
        const data = exoticValues();
        current().record({ runId: 'copies', kind: 'k', data });
        mutateDeeply(data);
        const [read] = await all({ runId: 'copies' });
        mutateDeeply(read);
        const [again] = await all({ runId: 'copies' });
        assertSameValue(again?.data, exoticValues());
      });
    });

    group('query', () => {
      it('orders by time, then writer, then sequence number, whatever the order recorded', async () => {
        const times = [5, 3, 9, 3, 1, 7, 3];
        for (const [i, at] of times.entries()) current().record({ runId: 'order', kind: `k${i}`, at });
        const read = await all({ runId: 'order' });
        expect(read.map((event) => event.at)).toStrictEqual([1, 3, 3, 3, 5, 7, 9]);
        expect(read.filter((event) => event.at === 3).map((event) => event.kind)).toStrictEqual([
          'k1',
          'k3',
          'k6',
        ]);
      });

      it('filters by run, kind, level and time ([since, until)), and gives the first `limit`', async () => {
        const levels = ['debug', 'info', 'warn', 'error'] as const;
        for (let i = 0; i < 12; i++) {
          current().record({
            runId: i % 2 === 0 ? 'even' : 'odd',
            kind: `k${i % 3}`,
            at: 100 + i,
            level: levels[i % 4],
          });
        }
        const ats = async (query: TraceQuery) => (await all(query)).map((event) => event.at);
        expect(await ats({ runId: 'even' })).toStrictEqual([100, 102, 104, 106, 108, 110]);
        expect(await ats({ kind: 'k1' })).toStrictEqual([101, 104, 107, 110]);
        expect(await ats({ level: 'error' })).toStrictEqual([103, 107, 111]);
        expect(await ats({ since: 104, until: 107 })).toStrictEqual([104, 105, 106]);
        expect(await ats({ runId: 'odd', limit: 2 })).toStrictEqual([101, 103]);
        expect(await ats({ runId: 'odd', kind: 'k0', level: 'warn' })).toStrictEqual([]);
        expect(await ats({ runId: 'none' })).toStrictEqual([]);
      });

      it('refuses a bad query at the first next(), naming the option', async () => {
        for (const [query, option] of BAD_QUERIES) {
          const error = await iterationRejectionOf(
            () => current().query(query as TraceQuery),
            'INVALID_ARGUMENT',
          );
          expect(error.details.option).toBe(option);
        }
        await iterationRejectionOf(() => current().query({ runId: '../x' }), 'INVALID_NAME');
      });
    });

    group('subscribe', () => {
      it('delivers each matching event as it is recorded, until unsubscribed', async () => {
        const seen: TraceEvent[] = [];
        const unsubscribe = current().subscribe({ runId: 'live', level: 'error' }, (event) =>
          seen.push(event),
        );
        current().record({ runId: 'live', kind: 'a', level: 'error', data: { n: 1 } });
        current().record({ runId: 'live', kind: 'b', level: 'info' });
        current().record({ runId: 'other', kind: 'c', level: 'error' });
        expect(seen.map((event) => [event.kind, event.seq])).toStrictEqual([['a', 0]]);
        assertSameValue(seen[0]?.data, { n: 1 });
        unsubscribe();
        unsubscribe();
        current().record({ runId: 'live', kind: 'd', level: 'error' });
        expect(seen.length).toBe(1);
      });

      it('ends a subscription after `limit` events, and gives each listener its own copy', async () => {
        const first: TraceEvent[] = [];
        const second: TraceEvent[] = [];
        current().subscribe({ limit: 2 }, (event) => {
          first.push(event);
          (event.data as { list: number[] }).list.push(99);
        });
        current().subscribe({}, (event) => second.push(event));
        for (let i = 0; i < 3; i++) current().record({ runId: 'copies', kind: 'k', data: { list: [i] } });
        expect(first.length).toBe(2);
        assertSameValue(
          second.map((event) => event.data),
          [0, 1, 2].map((i) => ({ list: [i] })),
        );
      });

      it('records the event even when a listener throws, and reports the throw as a process warning', async () => {
        const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
        try {
          const seen: string[] = [];
          current().subscribe({}, () => {
            throw new Error('listener failure');
          });
          current().subscribe({}, (event) => seen.push(event.kind));
          current().record({ runId: 'throwing', kind: 'k' });
          expect(seen).toStrictEqual(['k']);
          expect(warn).toHaveBeenCalledTimes(1);
          expect((await all({ runId: 'throwing' })).length).toBe(1);
        } finally {
          warn.mockRestore();
        }
      });

      it('refuses a bad query or a listener that is not a function, synchronously', () => {
        for (const [query, option] of BAD_QUERIES) {
          const error = thrownBy(
            () => current().subscribe(query as TraceQuery, () => undefined),
            'INVALID_ARGUMENT',
          );
          expect(error.details.option).toBe(option);
        }
        const error = thrownBy(
          () => current().subscribe({}, 'listener' as unknown as (event: TraceEvent) => void),
          'INVALID_ARGUMENT',
        );
        expect(error.details.option).toBe('listener');
      });
    });

    group('stats and clear', () => {
      it('counts what was recorded and written; nothing is buffered after a flush', async () => {
        expect(current().stats()).toStrictEqual({ recorded: 0, written: 0, dropped: 0, bufferedBytes: 0 });
        for (let i = 0; i < 5; i++) current().record({ runId: 'counted', kind: 'k' });
        expect(current().stats().recorded).toBe(5);
        await current().flush();
        expect(current().stats()).toStrictEqual({ recorded: 5, written: 5, dropped: 0, bufferedBytes: 0 });
      });

      it('clears one run, or every run, and records afterwards as before', async () => {
        for (const runId of ['a', 'b', 'c']) current().record({ runId, kind: 'k' });
        await current().clear('b');
        expect((await all()).map((event) => event.runId)).toStrictEqual(['a', 'c']);
        await current().clear('never-recorded');
        await current().clear();
        expect(await all()).toStrictEqual([]);
        current().record({ runId: 'b', kind: 'after' });
        expect((await all()).map((event) => event.kind)).toStrictEqual(['after']);
      });
    });
  });
}
