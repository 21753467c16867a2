import { z } from 'zod';
import { isOmegaError } from '../errors.js';
import type { LogBackend, LogEntry, LogEntryInput, LogSpec } from '../log.js';
import { assertSameValue, check, describeOutcome, rejectionOf } from './assertions.js';
import { INVALID_NAMES, mulberry32, OBJECT_KEY_NAMES, VALID_EDGE_NAMES } from './fixtures.js';
import { type PortFixture, type PortSuiteOptions, portSuite } from './port-suite.js';
import type { TestFramework } from './suite.js';

/** The header of the contract's entries: small and flat, as a family's are. */
export const ContractEntryHeader = z.object({ at: z.number() });
/** The header of the contract's entries. */
export type ContractEntryHeader = z.infer<typeof ContractEntryHeader>;

/**
 * The spec every backend runs the log contract with: build the port under test over it. Its format version
 * is 2, so a backend that reports a constant 1 instead of the spec's version fails.
 */
export const LOG_CONTRACT_SPEC: LogSpec<ContractEntryHeader> = {
  kind: 'entry log',
  folder: 'contract-logs',
  format: 'omega.contract-entry',
  formatVersion: 2,
  header: ContractEntryHeader,
};

type Input = LogEntryInput<ContractEntryHeader>;

/** Entries whose header `at` runs from `first` up, each body naming its entry. */
function inputs(first: number, count: number, tag = 'entry'): Input[] {
  return Array.from({ length: count }, (_, i) => ({
    header: { at: first + i },
    body: `"${tag} ${first + i}"`,
  }));
}

/** Throws unless `actual` are exactly `expected`, stored from `position` on, with the spec's format version. */
function assertEntries(
  actual: LogEntry<ContractEntryHeader>[],
  position: number,
  expected: Input[],
  label: string,
) {
  check(Array.isArray(actual), `${label}: read returned ${describeOutcome(actual)}, not an array`);
  // The fields the port promises, picked: a backend may add its own (where it read an entry from).
  const seen = actual.map(({ position, formatVersion, header, body }) => ({
    position,
    formatVersion,
    header,
    body,
  }));
  const wanted = expected.map(({ header, body }, i) => ({
    position: position + i,
    formatVersion: LOG_CONTRACT_SPEC.formatVersion,
    header,
    body,
  }));
  assertSameValue(seen, wanted, label);
}

/** The reason `pending` rejects with; an Error when it resolves instead. */
async function reasonOf(pending: Promise<unknown>): Promise<unknown> {
  let value: unknown;
  try {
    value = await pending;
  } catch (reason) {
    return reason;
  }
  throw new Error(`resolved to ${describeOutcome(value)} instead of rejecting`);
}

/** Whether `pending` has settled yet: lets a test see that a wait is still waiting without sleeping. */
function watch(pending: Promise<unknown>): () => boolean {
  let settled = false;
  pending.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  return () => settled;
}

/** Lets every callback already queued run (a few turns of the event loop), so a wrongly woken wait shows. */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * Declares the contract every {@link LogBackend} keeps, for any test framework with `describe`/`it` (vitest's
 * module fits as it is). `open` returns a fresh port of {@link LOG_CONTRACT_SPEC} over an empty store for
 * every test; afterwards the contract closes it (and every port `options.reopen` made), then runs `cleanup`.
 * Failures are plain `Error`s. Groups, each skippable by `options.skip`: `empty logs`, `append and read`,
 * `conditional append`, `concurrent appends`, `listing`, `drop`, `wait`, `invalid arguments`, `reopen` and `close`
 * (its tests skipped, saying why, without `options.reopen`). A third-party port runs it in two lines:
 * `describeLogBackend(vitest, 'MyLog', async () => ({ port: myStore.log(LOG_CONTRACT_SPEC) }))`.
 */
export function describeLogBackend(
  framework: TestFramework,
  name: string,
  open: () => Promise<PortFixture<LogBackend<ContractEntryHeader>>>,
  options: PortSuiteOptions<LogBackend<ContractEntryHeader>> = {},
): void {
  portSuite(framework, `LogBackend contract: ${name}`, open, options, (test) => {
    const { group } = test;
    group('empty logs', () => {
      test('a missing log has size 0, no last entry, and reads empty', async (log) => {
        check((await log.size('missing')) === 0, 'size of a missing log must be 0');
        check((await log.last('missing')) === null, 'last of a missing log must be null');
        assertEntries(await log.read('missing'), 0, [], 'read of a missing log');
        assertEntries(
          await log.read('missing', { from: 5, limit: 2 }),
          0,
          [],
          'read past the end of a missing log',
        );
        assertSameValue(await log.logs(), [], 'logs of an empty store');
      });
    });

    group('append and read', () => {
      test('append resolves to the position of its first entry; positions run from 0 without gaps', async (log) => {
        check((await log.append('one', inputs(0, 1))) === 0, 'the first append must be at position 0');
        check((await log.append('one', inputs(1, 3))) === 1, 'an append of 3 after 1 entry must be at 1');
        check((await log.append('one', inputs(4, 2))) === 4, 'an append of 2 after 4 entries must be at 4');
        check((await log.size('one')) === 6, 'size after 6 entries');
        assertEntries(await log.read('one'), 0, inputs(0, 6), 'read of the whole log');
        const last = await log.last('one');
        assertEntries(last === null ? [] : [last], 5, inputs(5, 1), 'last');
      });

      test('read pages by position: from, limit, and past the end', async (log) => {
        await log.append('paged', inputs(0, 10));
        assertEntries(await log.read('paged', { from: 3, limit: 4 }), 3, inputs(3, 4), 'from 3, limit 4');
        assertEntries(await log.read('paged', { from: 8, limit: 5 }), 8, inputs(8, 2), 'from 8, limit 5');
        assertEntries(await log.read('paged', { limit: 1 }), 0, inputs(0, 1), 'limit 1');
        assertEntries(await log.read('paged', { from: 9 }), 9, inputs(9, 1), 'from the last entry');
        assertEntries(await log.read('paged', { from: 10 }), 10, [], 'from the size');
        assertEntries(await log.read('paged', { from: 1000, limit: 3 }), 1000, [], 'far past the end');
        assertEntries(await log.read('paged', {}), 0, inputs(0, 10), 'no options');
      });

      test('logs are independent of each other', async (log) => {
        await log.append('a', inputs(0, 2, 'a'));
        await log.append('b', inputs(0, 3, 'b'));
        check((await log.append('a', inputs(2, 1, 'a'))) === 2, 'an append to a must not count b');
        assertEntries(await log.read('a'), 0, inputs(0, 3, 'a'), 'log a');
        assertEntries(await log.read('b'), 0, inputs(0, 3, 'b'), 'log b');
      });

      test('entries come back exactly as appended: headers, and bodies of any text', async (log) => {
        const bodies = [
          '',
          ' ',
          '\n',
          'two\nlines\r\n',
          '"é ☃ 😀"',
          '\uD800',
          'a\uDC00b\uD83D',
          '\u2028\u2029',
          '\u0000\u0001\u001f',
          '\t"quote \\" backslash \\\\"',
          '{"$t":"bigint","v":"1"}',
        ];
        const ats = [0, 1.5, -7, 2 ** 53 - 1, 1e-300, 12, 13, 14, 15, 16, 17];
        const written: Input[] = bodies.map((body, i) => ({ header: { at: ats[i]! }, body }));
        await log.append('exact', written.slice(0, 4));
        for (const entry of written.slice(4)) await log.append('exact', [entry]);
        assertEntries(await log.read('exact'), 0, written, 'entries read back');
      });

      test('a 1 MB body comes back exactly', async (log) => {
        const random = mulberry32(7);
        const alphabet = ['a', 'Z', ' ', '\n', '"', '\\', 'é', '☃', '😀', '\u0000'];
        const parts: string[] = [];
        for (let length = 0; length < 1 << 20; ) {
          const part = alphabet[Math.floor(random() * alphabet.length)]!;
          parts.push(part);
          length += part.length;
        }
        const body = parts.join('');
        await log.append('large', [{ header: { at: 1 }, body }, ...inputs(2, 1)]);
        const [large, after] = await log.read('large');
        check(large?.body === body, 'the 1 MB body changed on its way through the port');
        check(after?.position === 1 && after.body === inputs(2, 1)[0]!.body, 'the entry after the 1 MB body');
      });
    });

    group('conditional append', () => {
      test('appends when expectedSize is the size', async (log) => {
        check(
          (await log.append('c', inputs(0, 2), { expectedSize: 0 })) === 0,
          'expectedSize 0 of a new log',
        );
        check(
          (await log.append('c', inputs(2, 1), { expectedSize: 2 })) === 2,
          'expectedSize 2 after 2 entries',
        );
        assertEntries(await log.read('c'), 0, inputs(0, 3), 'entries after conditional appends');
      });

      test('another expectedSize is a ConflictError naming both sizes, and appends nothing', async (log) => {
        await log.append('c', inputs(0, 2));
        for (const expectedSize of [0, 1, 3, 100]) {
          const error = await rejectionOf(() => log.append('c', inputs(9, 2), { expectedSize }), 'CONFLICT');
          assertSameValue(
            {
              name: error.details.name,
              expectedSize: error.details.expectedSize,
              actual: error.details.actualSize,
            },
            { name: 'c', expectedSize, actual: 2 },
            `details of the conflict expecting ${expectedSize}`,
          );
        }
        await rejectionOf(() => log.append('new', inputs(0, 1), { expectedSize: 1 }), 'CONFLICT');
        check((await log.size('new')) === 0, 'a refused first append must leave the log empty');
        assertEntries(await log.read('c'), 0, inputs(0, 2), 'entries after refused appends');
        assertSameValue(await log.logs(), ['c'], 'a refused first append must not list the log');
      });

      test('of 16 appenders racing for one size exactly one wins, round after round', async (log) => {
        const random = mulberry32(16);
        const stored: Input[] = [];
        for (let round = 0; round < 6; round++) {
          const size = stored.length;
          const batches = Array.from({ length: 16 }, (_, racer) =>
            inputs(round * 100 + racer * 4, 1 + Math.floor(random() * 3), `round ${round} racer ${racer}`),
          );
          const outcomes = await Promise.allSettled(
            batches.map((batch) => log.append('race', batch, { expectedSize: size })),
          );
          const winners = outcomes.flatMap((outcome, racer) =>
            outcome.status === 'fulfilled' ? [racer] : [],
          );
          check(
            winners.length === 1,
            `round ${round}: ${winners.length} appenders expecting ${size} won, not 1`,
          );
          const winner = winners[0]!;
          const won = outcomes[winner] as PromiseFulfilledResult<number>;
          check(won.value === size, `round ${round}: the winner was told position ${won.value}, not ${size}`);
          for (const outcome of outcomes) {
            if (outcome.status === 'rejected') {
              check(
                isOmegaError(outcome.reason, 'CONFLICT'),
                `round ${round}: a loser got ${describeOutcome(outcome.reason)} instead of CONFLICT`,
              );
            }
          }
          stored.push(...batches[winner]!);
          check(
            (await log.size('race')) === stored.length,
            `round ${round}: size counts the winner's batch only`,
          );
        }
        assertEntries(await log.read('race'), 0, stored, 'the winners, in round order');
      });
    });

    group('concurrent appends', () => {
      test('appends from many callers at once all land, each once, at contiguous positions', async (log) => {
        const random = mulberry32(24);
        const batches = Array.from({ length: 24 }, (_, caller) =>
          inputs(caller * 10, 1 + Math.floor(random() * 4), `caller ${caller}`),
        );
        const firsts = await Promise.all(batches.map((batch) => log.append('many', batch)));
        const total = batches.reduce((sum, batch) => sum + batch.length, 0);
        check((await log.size('many')) === total, `size ${await log.size('many')} after ${total} entries`);
        const order = batches.map((_, caller) => caller).sort((a, b) => firsts[a]! - firsts[b]!);
        let next = 0;
        for (const caller of order) {
          check(firsts[caller] === next, `caller ${caller} was told position ${firsts[caller]}, not ${next}`);
          next += batches[caller]!.length;
        }
        const all = await log.read('many');
        for (const caller of order) {
          const first = firsts[caller]!;
          const batch = batches[caller]!;
          assertEntries(
            all.slice(first, first + batch.length),
            first,
            batch,
            `the batch of caller ${caller}`,
          );
        }
      });
    });

    group('listing', () => {
      test('logs() lists each non-empty log once, sorted by UTF-16 code unit', async (log) => {
        const names = ['beta', 'alpha', 'Zeta', '_u', '-d', 'a..b', '0', 'alpha'];
        for (const [i, name] of names.entries()) await log.append(name, inputs(i, 1));
        assertSameValue(await log.logs(), ['-d', '0', 'Zeta', '_u', 'a..b', 'alpha', 'beta'], 'logs()');
      });

      test('logs() pages with after and limit, every log once', async (log) => {
        const names = ['k', 'c', 'h', 'a', 'f', 'i', 'b', 'e', 'j', 'd', 'g'];
        for (const name of names) await log.append(name, inputs(0, 1));
        const sorted = [...names].sort();
        const paged: string[] = [];
        for (let page = await log.logs({ limit: 3 }); page.length > 0; ) {
          check(page.length <= 3, `a page of ${page.length} names with limit 3`);
          paged.push(...page);
          page = await log.logs({ after: page[page.length - 1]!, limit: 3 });
        }
        assertSameValue(paged, sorted, 'the pages, joined');
        assertSameValue(await log.logs({ after: 'c', limit: 2 }), ['d', 'e'], 'after c, limit 2');
        assertSameValue(await log.logs({ after: 'cc' }), sorted.slice(3), 'after a name not stored');
        assertSameValue(await log.logs({ after: 'k' }), [], 'after the last');
        assertSameValue(await log.logs({ after: '' }), sorted, 'after the empty string');
      });

      test('logs() lists no log that is empty: dropped, refused, or only waited on', async (log) => {
        await log.append('kept', inputs(0, 1));
        await log.append('dropped', inputs(0, 1));
        await log.drop('dropped');
        await log.append('refused', inputs(0, 1), { expectedSize: 3 }).catch(() => undefined);
        const controller = new AbortController();
        const waiting = log.wait('waited', 0, { signal: controller.signal });
        try {
          assertSameValue(await log.logs(), ['kept'], 'logs()');
        } finally {
          controller.abort(new Error('done'));
          await waiting.catch(() => undefined);
        }
        assertSameValue(await log.logs(), ['kept'], 'logs() after the wait ended');
      });

      test('names at the edges of the rule, and names a plain object has, are like any other', async (log) => {
        const names = [...VALID_EDGE_NAMES, ...OBJECT_KEY_NAMES];
        for (const name of names) {
          check((await log.size(name)) === 0, `size of "${name}" never appended`);
          check((await log.last(name)) === null, `last of "${name}" never appended`);
        }
        assertSameValue(await log.logs(), [], 'logs() before any append');
        for (const [i, name] of names.entries()) await log.append(name, inputs(i, 2));
        for (const [i, name] of names.entries())
          assertEntries(await log.read(name), 0, inputs(i, 2), `log "${name}"`);
        assertSameValue(await log.logs(), [...names].sort(), 'logs()');
        for (const name of names) check(await log.drop(name), `drop of "${name}"`);
        assertSameValue(await log.logs(), [], 'logs() after dropping every log');
      });
    });

    group('drop', () => {
      test('drop removes a whole log: true, then false; the log reads empty and starts again at 0', async (log) => {
        await log.append('gone', inputs(0, 3));
        await log.append('kept', inputs(0, 2));
        check((await log.drop('gone')) === true, 'drop of a log with entries must be true');
        check((await log.drop('gone')) === false, 'drop of a dropped log must be false');
        check((await log.drop('never')) === false, 'drop of a log never appended must be false');
        check((await log.size('gone')) === 0, 'size of a dropped log');
        check((await log.last('gone')) === null, 'last of a dropped log');
        assertEntries(await log.read('gone'), 0, [], 'read of a dropped log');
        assertSameValue(await log.logs(), ['kept'], 'logs() after a drop');
        assertEntries(await log.read('kept'), 0, inputs(0, 2), 'the other log');
        check((await log.append('gone', inputs(50, 1), { expectedSize: 0 })) === 0, 'an append after drop');
        assertEntries(await log.read('gone'), 0, inputs(50, 1), 'the log appended again after drop');
      });
    });

    group('wait', () => {
      test('resolves at once to the size when the log already holds more', async (log) => {
        await log.append('w', inputs(0, 3));
        check((await log.wait('w', 0)) === 3, 'wait for more than 0 of 3 entries');
        check((await log.wait('w', 2)) === 3, 'wait for more than 2 of 3 entries');
      });

      test('a wait started before an append resolves to the new size once the log holds more', async (log) => {
        const first = log.wait('w', 0);
        await log.append('w', inputs(0, 1));
        check((await first) === 1, 'a wait for more than 0 woken by the first entry');
        const second = log.wait('w', 2);
        const settled = watch(second);
        await log.append('w', inputs(1, 1));
        await settle();
        check(!settled(), 'a wait for more than 2 entries settled at 2');
        await log.append('w', inputs(2, 2));
        check((await second) === 4, 'a wait for more than 2 woken by an append of 2 after 2');
      });

      test('many waits on one log each wake once the log exceeds their size; another log wakes none', async (log) => {
        const waits = Array.from({ length: 8 }, (_, size) => log.wait('w', size));
        const other = log.wait('other', 0);
        const otherSettled = watch(other);
        for (let i = 0; i < 8; i++) await log.append('w', inputs(i, 1));
        const sizes = await Promise.all(waits);
        for (const [size, woken] of sizes.entries()) {
          check(woken > size && woken <= 8, `a wait for more than ${size} resolved to ${woken}`);
        }
        await settle();
        check(!otherSettled(), 'appends to one log woke a wait on another');
        await log.append('other', inputs(0, 1));
        check((await other) === 1, 'the wait on the other log, woken by its own append');
      });

      test('a signal aborted before the call rejects with its reason', async (log) => {
        const reason = new Error('stopped before');
        const rejected = await reasonOf(log.wait('w', 0, { signal: AbortSignal.abort(reason) }));
        check(rejected === reason, `rejected with ${describeOutcome(rejected)}, not the signal's reason`);
      });

      test('aborting while waiting rejects with the reason; the log stays usable', async (log) => {
        const controller = new AbortController();
        const reason = new Error('stopped while waiting');
        const waiting = log.wait('w', 0, { signal: controller.signal });
        controller.abort(reason);
        const rejected = await reasonOf(waiting);
        check(rejected === reason, `rejected with ${describeOutcome(rejected)}, not the signal's reason`);
        check((await log.append('w', inputs(0, 1))) === 0, 'an append after an aborted wait');
        const woken = new AbortController();
        const resolved = log.wait('w', 0, { signal: woken.signal });
        check((await resolved) === 1, 'a wait with a signal that is never aborted');
        woken.abort(new Error('after the wait resolved'));
        await settle();
      });

      test('on timeout resolves to the size then', async (log) => {
        check((await log.wait('w', 0, { timeoutMs: 5 })) === 0, 'timeout on a missing log');
        await log.append('w', inputs(0, 2));
        check((await log.wait('w', 2, { timeoutMs: 5 })) === 2, 'timeout waiting for more than 2 of 2');
        check((await log.wait('w', 7, { timeoutMs: 0 })) === 2, 'timeout 0 waiting for more than 7 of 2');
        check(
          (await log.wait('w', 1, { timeoutMs: 5 })) === 2,
          'a timeout does not delay a wait already met',
        );
      });
    });

    group('invalid arguments', () => {
      test('every method refuses a name breaking the rule with InvalidNameError, touching nothing', async (log) => {
        const calls: Record<string, (name: string) => Promise<unknown>> = {
          append: (name) => log.append(name, inputs(0, 1)),
          read: (name) => log.read(name),
          size: (name) => log.size(name),
          last: (name) => log.last(name),
          drop: (name) => log.drop(name),
          // A timeout, so a backend that waits instead of refusing fails here rather than hanging.
          wait: (name) => log.wait(name, 0, { timeoutMs: 1 }),
        };
        for (const [method, call] of Object.entries(calls)) {
          for (const name of INVALID_NAMES) {
            const error = await rejectionOf(() => call(name as string), 'INVALID_NAME').catch(
              (failure: Error) => {
                throw new Error(`${method}(${describeOutcome(name)}): ${failure.message}`, {
                  cause: failure,
                });
              },
            );
            check(
              error.details.kind === LOG_CONTRACT_SPEC.kind,
              `${method}(${describeOutcome(name)}): the error names kind ${describeOutcome(error.details.kind)}`,
            );
          }
        }
        assertSameValue(await log.logs(), [], 'logs() after refused calls');
      });

      test('append refuses no entries, a body that is not a string, or a bad expectedSize, appending nothing', async (log) => {
        await log.append('bad', inputs(0, 1));
        const valid = inputs(1, 1)[0]!;
        const batches: unknown[] = [
          [],
          null,
          'entries',
          { 0: valid, length: 1 },
          [null],
          [{ header: { at: 1 } }],
          [{ header: { at: 1 }, body: 1 }],
          [{ header: { at: 1 }, body: null }],
          [{ header: { at: 1 }, body: new String('x') }],
          [valid, { header: { at: 2 }, body: undefined }],
        ];
        for (const batch of batches) {
          await rejectionOf(() => log.append('bad', batch as Input[]), 'INVALID_ARGUMENT').catch(
            (failure: Error) => {
              throw new Error(`append of ${describeOutcome(batch)}: ${failure.message}`, { cause: failure });
            },
          );
        }
        for (const expectedSize of [-1, 0.5, Number.NaN, Number.POSITIVE_INFINITY, '1', null]) {
          await rejectionOf(
            () => log.append('bad', [valid], { expectedSize: expectedSize as number }),
            'INVALID_ARGUMENT',
          ).catch((failure: Error) => {
            throw new Error(`expectedSize ${describeOutcome(expectedSize)}: ${failure.message}`, {
              cause: failure,
            });
          });
        }
        await rejectionOf(() => log.append('fresh', [] as Input[]), 'INVALID_ARGUMENT');
        assertEntries(await log.read('bad'), 0, inputs(0, 1), 'the log after refused appends');
        assertSameValue(await log.logs(), ['bad'], 'logs() after refused appends');
      });

      test('read refuses a bad from or limit; logs() a bad after or limit', async (log) => {
        await log.append('r', inputs(0, 2));
        const cases: Array<[string, () => Promise<unknown>]> = [];
        for (const from of [-1, 1.5, Number.NaN, '0', null]) {
          cases.push([`read from ${describeOutcome(from)}`, () => log.read('r', { from: from as number })]);
        }
        for (const limit of [0, -1, 1.5, Number.NaN, '10', null]) {
          cases.push([
            `read limit ${describeOutcome(limit)}`,
            () => log.read('r', { limit: limit as number }),
          ]);
          cases.push([`logs limit ${describeOutcome(limit)}`, () => log.logs({ limit: limit as number })]);
        }
        for (const after of [42, null, {}]) {
          cases.push([`logs after ${describeOutcome(after)}`, () => log.logs({ after: after as string })]);
        }
        for (const [label, call] of cases) {
          await rejectionOf(call, 'INVALID_ARGUMENT').catch((failure: Error) => {
            throw new Error(`${label}: ${failure.message}`, { cause: failure });
          });
        }
      });

      test('wait refuses a bad size or timeoutMs', async (log) => {
        const cases: Array<[string, () => Promise<unknown>]> = [];
        for (const size of [-1, 1.5, Number.NaN, '0', null]) {
          cases.push([
            `size ${describeOutcome(size)}`,
            () => log.wait('w', size as number, { timeoutMs: 1 }),
          ]);
        }
        for (const timeoutMs of [-1, 1.5, Number.NaN, '10']) {
          cases.push([
            `timeoutMs ${describeOutcome(timeoutMs)}`,
            () => log.wait('w', 0, { timeoutMs: timeoutMs as number }),
          ]);
        }
        for (const [label, call] of cases) {
          await rejectionOf(call, 'INVALID_ARGUMENT').catch((failure: Error) => {
            throw new Error(`wait with ${label}: ${failure.message}`, { cause: failure });
          });
        }
      });
    });

    group('reopen', () => {
      test.reopened(
        'another port sees every entry, and appends continue at the right position',
        async (first, reopen) => {
          await first.append('a', inputs(0, 3, 'a'));
          await first.append('b', inputs(0, 2, 'b'));
          const second = await reopen();
          assertEntries(await second.read('a'), 0, inputs(0, 3, 'a'), 'log a through the second port');
          assertEntries(await second.read('b'), 0, inputs(0, 2, 'b'), 'log b through the second port');
          check((await second.size('a')) === 3, 'size through the second port');
          assertSameValue(await second.logs(), ['a', 'b'], 'logs() through the second port');
          check((await second.append('a', inputs(3, 1, 'a'))) === 3, 'an append through the second port');
          check((await first.size('a')) === 4, 'the first port sees the append of the second');
          await rejectionOf(() => first.append('a', inputs(9, 1), { expectedSize: 3 }), 'CONFLICT');
          check(
            (await first.append('a', inputs(4, 1, 'a'), { expectedSize: 4 })) === 4,
            'back on the first port',
          );
          assertEntries(await second.read('a'), 0, inputs(0, 5, 'a'), 'log a after appends through both');
          check((await second.drop('b')) === true, 'drop through the second port');
          check((await first.size('b')) === 0, 'the first port sees the drop of the second');
        },
      );

      test.reopened('a wait on one port is woken by an append through the other', async (first, reopen) => {
        const second = await reopen();
        const onFirst = first.wait('w', 0);
        await second.append('w', inputs(0, 1));
        check((await onFirst) === 1, 'a wait on the first port, woken by the second');
        const onSecond = second.wait('w', 1);
        await first.append('w', inputs(1, 1));
        check((await onSecond) === 2, 'a wait on the second port, woken by the first');
      });

      test.reopened(
        'of appenders racing for one size through two ports exactly one wins',
        async (first, reopen) => {
          const ports = [first, await reopen()];
          let size = 0;
          for (let round = 0; round < 4; round++) {
            const outcomes = await Promise.allSettled(
              Array.from({ length: 8 }, (_, racer) =>
                ports[racer % 2]!.append('race', inputs(round * 10 + racer, 1), { expectedSize: size }),
              ),
            );
            const won = outcomes.filter((outcome) => outcome.status === 'fulfilled').length;
            check(won === 1, `round ${round}: ${won} appenders expecting ${size} won, not 1`);
            size++;
            check((await ports[round % 2]!.size('race')) === size, `round ${round}: size after the winner`);
          }
        },
      );
    });

    group('close', () => {
      test('rejects pending waits and every later call with ClosedError naming the method; entries stay', async (log) => {
        await log.append('kept', inputs(0, 1));
        const waits = [log.wait('a', 0), log.wait('b', 3, { timeoutMs: 60_000 })].map((wait) =>
          rejectionOf(wait, 'CLOSED'),
        );
        await log.close();
        for (const wait of waits) check((await wait).details.method === 'wait', 'a pending wait names wait');
        const calls: Record<string, () => Promise<unknown>> = {
          append: () => log.append('a', inputs(0, 1)),
          read: () => log.read('a'),
          size: () => log.size('a'),
          last: () => log.last('a'),
          logs: () => log.logs(),
          drop: () => log.drop('a'),
          wait: () => log.wait('a', 0),
        };
        for (const [method, call] of Object.entries(calls)) {
          const error = await rejectionOf(call, 'CLOSED');
          check(
            error.details.method === method,
            `${method} after close names ${String(error.details.method)}`,
          );
        }
        await log.close();
      });

      test.reopened('entries appended before close are there for the next port', async (log, reopen) => {
        const appended = log.append('kept', inputs(0, 2));
        await log.close();
        const position = await appended.catch((error: unknown) => {
          throw new Error(`an append made before close rejected with ${describeOutcome(error)}`);
        });
        check(position === 0, 'an append made before close is settled by it');
        check((await (await reopen()).size('kept')) === 2, 'the entries of a closed port are gone');
      });
    });
  });
}
