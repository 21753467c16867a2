import type { Closable } from '../lifecycle.js';
import { assertSameValue, check, rejectionOf, valueDifference } from './assertions.js';
import { INVALID_NAMES, mulberry32 } from './fixtures.js';
import type { LogRecords, SuiteContext, TestFramework } from './suite.js';

/** Distinct seeds in a fixed, shuffled order: entries that a sorting reader would not keep in place. */
function shuffledSeeds(count: number, seed: number): number[] {
  const random = mulberry32(seed);
  const seeds = Array.from({ length: count }, (_, i) => i);
  for (let i = seeds.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [seeds[i], seeds[j]] = [seeds[j]!, seeds[i]!];
  }
  return seeds;
}

/**
 * Invariants of every append-only family: entries read back once each, equal, in the order appended;
 * logs kept apart; concurrent appends all land; log names breaking the rule refused (unless `keys` is
 * `'strings'`).
 */
export function describeLogGroup<I extends Closable, P extends I, E>(
  { it }: TestFramework,
  context: SuiteContext<P>,
  kind: string,
  logs: LogRecords<I, E>,
): void {
  const provider = () => context.provider();
  const appendAll = async (log: string, seeds: number[]) => {
    for (const seed of seeds) await logs.append(provider(), log, logs.entry(seed));
  };

  context.group('log entries', () => {
    it('reads nothing from a log never appended to', async () => {
      assertSameValue(await logs.entries(provider(), 'never'), []);
    });

    it('reads back every appended entry once, equal, in the order appended', async () => {
      const seeds = shuffledSeeds(24, 1);
      await appendAll('ordered', seeds);
      const expected = seeds.map((seed) => logs.entry(seed));
      assertSameValue(await logs.entries(provider(), 'ordered'), expected, 'entries');
      assertSameValue(await logs.entries(provider(), 'ordered'), expected, 'entries read again');
    });

    it('keeps logs apart, each in its own order', async () => {
      const seeds = shuffledSeeds(12, 2);
      for (const [i, seed] of seeds.entries()) {
        await logs.append(provider(), i % 2 === 0 ? 'even' : 'odd', logs.entry(seed));
      }
      const of = (parity: number) => seeds.filter((_, i) => i % 2 === parity).map((seed) => logs.entry(seed));
      assertSameValue(await logs.entries(provider(), 'even'), of(0), 'log "even"');
      assertSameValue(await logs.entries(provider(), 'odd'), of(1), 'log "odd"');
    });

    it('lands every one of concurrent appends, each once', async () => {
      const seeds = Array.from({ length: 16 }, (_, seed) => seed);
      await Promise.all(seeds.map((seed) => logs.append(provider(), 'busy', logs.entry(seed))));
      const read = await logs.entries(provider(), 'busy');
      check(read.length === seeds.length, `${read.length} entries read after ${seeds.length} appends`);
      for (const seed of seeds) {
        const found = read.filter((entry) => valueDifference(entry, logs.entry(seed)) === null).length;
        check(found === 1, `the entry of seed ${seed} is read ${found} times`);
      }
    });

    if (logs.keys === 'strings') return;
    it('refuses log names breaking the rule with InvalidNameError', async () => {
      for (const bad of INVALID_NAMES) {
        for (const [what, call] of [
          ['append', () => logs.append(provider(), bad as string, logs.entry(0))],
          ['entries', () => logs.entries(provider(), bad as string)],
        ] as const) {
          const error = await rejectionOf(call, 'INVALID_NAME');
          check(error.details.kind === kind, `${what}(${String(bad)}): kind ${String(error.details.kind)}`);
        }
      }
    });
  });
}

/** Logs outlive the provider object: a reopened provider reads them (in the persistence group). */
export function describeLogPersistence<I extends Closable, P extends I, E>(
  { it }: TestFramework,
  context: SuiteContext<P>,
  logs: LogRecords<I, E>,
): void {
  it('a log appended to before close reads the same from a new provider', async () => {
    const seeds = shuffledSeeds(8, 3);
    for (const seed of seeds) await logs.append(context.provider(), 'durable', logs.entry(seed));
    await context.provider().close();
    const next = await context.reopen();
    assertSameValue(
      await logs.entries(next, 'durable'),
      seeds.map((seed) => logs.entry(seed)),
    );
  });

  it("two providers over one store read each other's appends, in order", async () => {
    const other = await context.reopen();
    const seeds = shuffledSeeds(8, 4);
    for (const [i, seed] of seeds.entries()) {
      await logs.append(i % 2 === 0 ? context.provider() : other, 'shared', logs.entry(seed));
    }
    const expected = seeds.map((seed) => logs.entry(seed));
    assertSameValue(await logs.entries(context.provider(), 'shared'), expected, 'first provider');
    assertSameValue(await logs.entries(other, 'shared'), expected, 'second provider');
  });
}
