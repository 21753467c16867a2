import type { Closable } from '../lifecycle.js';
import { assertSameValue, check, rejectionOf } from './assertions.js';
import { OBJECT_KEY_NAMES, VALID_EDGE_NAMES } from './fixtures.js';
import type { FamilySuite, SuiteContext, TestFramework } from './scaffold.js';

/**
 * How the shared record groups store, read, list and delete one named record of a family: a few lines
 * per family, over its own methods.
 */
export interface NamedRecords<P> {
  /** Stores a record under `name` whose content depends on `seed`. */
  save(provider: P, name: string, seed: number): Promise<void>;
  /** What a read of the record saved with `seed` returns. */
  expected(seed: number): unknown;
  /** The record stored under `name`, or null when there is none. */
  load(provider: P, name: string): Promise<unknown>;
  /** Deletes the record under `name`; a missing one is a `NotFoundError`. */
  delete(provider: P, name: string): Promise<void>;
  /** The stored names, in the order the provider lists them. */
  names(provider: P): Promise<string[]>;
  /** For families that report infos: one record's (null when none), and all of them in list order. */
  info?: {
    one(provider: P, name: string): Promise<unknown>;
    all(provider: P): Promise<unknown[]>;
  };
}

async function expectRecord<P>(suite: FamilySuite<P>, provider: P, name: string, seed: number) {
  assertSameValue(await suite.records.load(provider, name), suite.records.expected(seed), `record "${name}"`);
}

/** Invariants of named records: reads, listing order, deletes, edge names, infos. */
export function describeNamedRecordsGroup<I extends Closable, P extends I>(
  { it }: TestFramework,
  context: SuiteContext<P>,
  suite: FamilySuite<I>,
): void {
  const { records } = suite;
  const provider = () => context.provider();

  context.group('named records', () => {
    it('lists nothing in a new store', async () => {
      assertSameValue(await records.names(provider()), []);
    });

    it('reads back what was saved, and null for a name never saved', async () => {
      await records.save(provider(), 'one', 1);
      await expectRecord(suite, provider(), 'one', 1);
      check((await records.load(provider(), 'missing')) === null, 'a record never saved must read as null');
    });

    it('replaces a record saved again under the same name', async () => {
      await records.save(provider(), 'again', 1);
      await records.save(provider(), 'again', 2);
      await expectRecord(suite, provider(), 'again', 2);
      assertSameValue(await records.names(provider()), ['again']);
    });

    it('lists every name once, sorted by UTF-16 code unit', async () => {
      const names = ['beta', 'alpha', 'Zeta', '_u', '-d', 'a..b', '0', 'alpha'];
      for (const [seed, name] of names.entries()) await records.save(provider(), name, seed);
      assertSameValue(await records.names(provider()), ['-d', '0', 'Zeta', '_u', 'a..b', 'alpha', 'beta']);
    });

    it('keeps names apart, case-sensitively', async () => {
      await records.save(provider(), 'Case', 1);
      await records.save(provider(), 'case', 2);
      await expectRecord(suite, provider(), 'Case', 1);
      await expectRecord(suite, provider(), 'case', 2);
    });

    it('deletes a record and only it', async () => {
      await records.save(provider(), 'gone', 1);
      await records.save(provider(), 'kept', 2);
      await records.delete(provider(), 'gone');
      check((await records.load(provider(), 'gone')) === null, 'a deleted record must read as null');
      if (records.info)
        check((await records.info.one(provider(), 'gone')) === null, 'info of a deleted record');
      assertSameValue(await records.names(provider()), ['kept']);
      await expectRecord(suite, provider(), 'kept', 2);
    });

    it('rejects NotFoundError naming the record for a delete of a missing one, and a second delete', async () => {
      const error = await rejectionOf(() => records.delete(provider(), 'nothing'), 'NOT_FOUND');
      check(error.details.kind === suite.kind, `NotFoundError kind is ${String(error.details.kind)}`);
      check(error.details.name === 'nothing', `NotFoundError name is ${String(error.details.name)}`);
      await records.save(provider(), 'once', 1);
      await records.delete(provider(), 'once');
      await rejectionOf(() => records.delete(provider(), 'once'), 'NOT_FOUND');
    });

    it('saves a deleted name again', async () => {
      await records.save(provider(), 'reborn', 1);
      await records.delete(provider(), 'reborn');
      await records.save(provider(), 'reborn', 2);
      await expectRecord(suite, provider(), 'reborn', 2);
    });

    it('accepts names at the edges of the rule', async () => {
      for (const [seed, name] of VALID_EDGE_NAMES.entries()) await records.save(provider(), name, seed);
      assertSameValue(await records.names(provider()), [...VALID_EDGE_NAMES].sort());
      for (const [seed, name] of VALID_EDGE_NAMES.entries())
        await expectRecord(suite, provider(), name, seed);
      for (const name of VALID_EDGE_NAMES) await records.delete(provider(), name);
      assertSameValue(await records.names(provider()), []);
    });

    it('treats names a plain object has (__proto__, constructor, ...) as any other name', async () => {
      for (const name of OBJECT_KEY_NAMES) {
        check((await records.load(provider(), name)) === null, `"${name}" never saved must read as null`);
        if (records.info)
          check((await records.info.one(provider(), name)) === null, `info of "${name}" never saved`);
        const error = await rejectionOf(() => records.delete(provider(), name), 'NOT_FOUND');
        check(error.details.name === name, `NotFoundError name is ${String(error.details.name)}`);
      }
      assertSameValue(await records.names(provider()), [], 'names of a store where nothing was saved');
      for (const [seed, name] of OBJECT_KEY_NAMES.entries()) await records.save(provider(), name, seed);
      const sorted = [...OBJECT_KEY_NAMES].sort();
      assertSameValue(await records.names(provider()), sorted);
      if (records.info) {
        const listed = await records.info.all(provider());
        check(listed.length === sorted.length, `list gave ${listed.length} entries for ${sorted.length}`);
        for (const [i, name] of sorted.entries())
          assertSameValue(listed[i], await records.info.one(provider(), name), `list entry of "${name}"`);
      }
      for (const [seed, name] of OBJECT_KEY_NAMES.entries())
        await expectRecord(suite, provider(), name, seed);
      for (const name of OBJECT_KEY_NAMES) await records.delete(provider(), name);
      assertSameValue(await records.names(provider()), []);
      for (const name of OBJECT_KEY_NAMES)
        check((await records.load(provider(), name)) === null, `"${name}" deleted must read as null`);
    });

    it('keeps every one of concurrent saves of different names', async () => {
      const names = Array.from({ length: 12 }, (_, i) => `id-${String(i).padStart(2, '0')}`);
      await Promise.all(names.map((name, seed) => records.save(provider(), name, seed)));
      assertSameValue(await records.names(provider()), names);
      for (const [seed, name] of names.entries()) await expectRecord(suite, provider(), name, seed);
    });

    if (records.info) {
      const { info } = records;
      it('reports the same info in list and in info(), and null for a missing record', async () => {
        for (const [seed, name] of ['b', 'a', 'c'].entries()) await records.save(provider(), name, seed);
        const listed = await info.all(provider());
        check(listed.length === 3, `list gave ${listed.length} entries for 3 records`);
        for (const [i, name] of ['a', 'b', 'c'].entries()) {
          assertSameValue(listed[i], await info.one(provider(), name), `list entry ${i}`);
        }
        check((await info.one(provider(), 'missing')) === null, 'info of a missing record must be null');
      });
    }
  });
}

/** Data that outlives the provider object: a reopened provider sees it (needs `options.reopen`). */
export function describePersistenceGroup<I extends Closable, P extends I>(
  { it }: TestFramework,
  context: SuiteContext<P>,
  suite: FamilySuite<I>,
): void {
  const { records } = suite;
  context.group('persistence', () => {
    it('a record saved before close reads from a new provider', async () => {
      await records.save(context.provider(), 'durable', 1);
      await context.provider().close();
      const next = await context.reopen();
      assertSameValue(await records.names(next), ['durable']);
      await expectRecord(suite, next, 'durable', 1);
    });

    it("two providers over one store see each other's saves and deletes", async () => {
      const other = await context.reopen();
      await records.save(context.provider(), 'shared', 1);
      await expectRecord(suite, other, 'shared', 1);
      await records.save(other, 'shared', 2);
      await expectRecord(suite, context.provider(), 'shared', 2);
      await records.delete(other, 'shared');
      check(
        (await records.load(context.provider(), 'shared')) === null,
        'a record deleted by another provider',
      );
      await rejectionOf(() => records.delete(context.provider(), 'shared'), 'NOT_FOUND');
    });
  });
}
