import type { Closable } from '../lifecycle.js';
import { assertSameValue, check, rejectionOf, valueDifference } from './assertions.js';
import { OBJECT_KEY_NAMES, VALID_EDGE_NAMES } from './fixtures.js';
import type { NamedRecords, SuiteContext, TestFramework } from './suite.js';

async function expectRecord<P, R>(records: NamedRecords<P, R>, provider: P, name: string, seed: number) {
  assertSameValue(await records.load(provider, name), records.record(seed), `record "${name}"`);
}

/** Saves the record of `seed` under `name`. */
function saveSeed<P, R>(records: NamedRecords<P, R>, provider: P, name: string, seed: number) {
  return records.save(provider, name, records.record(seed));
}

/** Invariants of named records: reads, listing order, deletes, edge names, infos. */
export function describeNamedRecordsGroup<I extends Closable, P extends I, R>(
  { it }: TestFramework,
  context: SuiteContext<P>,
  kind: string,
  records: NamedRecords<I, R>,
): void {
  const provider = () => context.provider();

  context.group('named records', () => {
    it('lists nothing in a new store', async () => {
      assertSameValue(await records.names(provider()), []);
    });

    it('reads back what was saved, and null for a name never saved', async () => {
      await saveSeed(records, provider(), 'one', 1);
      await expectRecord(records, provider(), 'one', 1);
      check((await records.load(provider(), 'missing')) === null, 'a record never saved must read as null');
    });

    it('replaces a record saved again under the same name', async () => {
      await saveSeed(records, provider(), 'again', 1);
      await saveSeed(records, provider(), 'again', 2);
      await expectRecord(records, provider(), 'again', 2);
      assertSameValue(await records.names(provider()), ['again']);
    });

    it('lists every name once, sorted by UTF-16 code unit', async () => {
      const names = ['beta', 'alpha', 'Zeta', '_u', '-d', 'a..b', '0', 'alpha'];
      for (const [seed, name] of names.entries()) await saveSeed(records, provider(), name, seed);
      assertSameValue(await records.names(provider()), ['-d', '0', 'Zeta', '_u', 'a..b', 'alpha', 'beta']);
    });

    it('keeps names apart, case-sensitively', async () => {
      await saveSeed(records, provider(), 'Case', 1);
      await saveSeed(records, provider(), 'case', 2);
      await expectRecord(records, provider(), 'Case', 1);
      await expectRecord(records, provider(), 'case', 2);
    });

    it('deletes a record and only it', async () => {
      await saveSeed(records, provider(), 'gone', 1);
      await saveSeed(records, provider(), 'kept', 2);
      await records.delete(provider(), 'gone');
      check((await records.load(provider(), 'gone')) === null, 'a deleted record must read as null');
      if (records.info)
        check((await records.info.one(provider(), 'gone')) === null, 'info of a deleted record');
      assertSameValue(await records.names(provider()), ['kept']);
      await expectRecord(records, provider(), 'kept', 2);
    });

    it('rejects NotFoundError naming the record for a delete of a missing one, and a second delete', async () => {
      const error = await rejectionOf(() => records.delete(provider(), 'nothing'), 'NOT_FOUND');
      check(error.details.kind === kind, `NotFoundError kind is ${String(error.details.kind)}`);
      check(error.details.name === 'nothing', `NotFoundError name is ${String(error.details.name)}`);
      await saveSeed(records, provider(), 'once', 1);
      await records.delete(provider(), 'once');
      await rejectionOf(() => records.delete(provider(), 'once'), 'NOT_FOUND');
    });

    it('saves a deleted name again', async () => {
      await saveSeed(records, provider(), 'reborn', 1);
      await records.delete(provider(), 'reborn');
      await saveSeed(records, provider(), 'reborn', 2);
      await expectRecord(records, provider(), 'reborn', 2);
    });

    it('accepts names at the edges of the rule', async () => {
      for (const [seed, name] of VALID_EDGE_NAMES.entries()) await saveSeed(records, provider(), name, seed);
      assertSameValue(await records.names(provider()), [...VALID_EDGE_NAMES].sort());
      for (const [seed, name] of VALID_EDGE_NAMES.entries())
        await expectRecord(records, provider(), name, seed);
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
      for (const [seed, name] of OBJECT_KEY_NAMES.entries()) await saveSeed(records, provider(), name, seed);
      const sorted = [...OBJECT_KEY_NAMES].sort();
      assertSameValue(await records.names(provider()), sorted);
      if (records.info) {
        const listed = await records.info.all(provider());
        check(listed.length === sorted.length, `list gave ${listed.length} entries for ${sorted.length}`);
        for (const [i, name] of sorted.entries())
          assertSameValue(listed[i], await records.info.one(provider(), name), `list entry of "${name}"`);
      }
      for (const [seed, name] of OBJECT_KEY_NAMES.entries())
        await expectRecord(records, provider(), name, seed);
      for (const name of OBJECT_KEY_NAMES) await records.delete(provider(), name);
      assertSameValue(await records.names(provider()), []);
      for (const name of OBJECT_KEY_NAMES)
        check((await records.load(provider(), name)) === null, `"${name}" deleted must read as null`);
    });

    it('keeps every one of concurrent saves of different names', async () => {
      const names = Array.from({ length: 12 }, (_, i) => `id-${String(i).padStart(2, '0')}`);
      await Promise.all(names.map((name, seed) => saveSeed(records, provider(), name, seed)));
      assertSameValue(await records.names(provider()), names);
      for (const [seed, name] of names.entries()) await expectRecord(records, provider(), name, seed);
    });

    it('leaves exactly one of concurrent saves of one name, whole', async () => {
      const seeds = Array.from({ length: 12 }, (_, seed) => seed);
      await Promise.all(seeds.map((seed) => saveSeed(records, provider(), 'contended', seed)));
      const loaded = await records.load(provider(), 'contended');
      const winners = seeds.filter((seed) => valueDifference(loaded, records.record(seed)) === null);
      check(winners.length === 1, `the record left is ${winners.length} of the 12 saved`);
      assertSameValue(await records.names(provider()), ['contended']);
    });

    if (records.info) {
      const { info } = records;
      it('reports the same info in list and in info(), and null for a missing record', async () => {
        for (const [seed, name] of ['b', 'a', 'c'].entries()) await saveSeed(records, provider(), name, seed);
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

/** Records outlive the provider object: a reopened provider sees them (in the persistence group). */
export function describeRecordPersistence<I extends Closable, P extends I, R>(
  { it }: TestFramework,
  context: SuiteContext<P>,
  records: NamedRecords<I, R>,
): void {
  it('a record saved before close reads from a new provider', async () => {
    await saveSeed(records, context.provider(), 'durable', 1);
    await context.provider().close();
    const next = await context.reopen();
    assertSameValue(await records.names(next), ['durable']);
    await expectRecord(records, next, 'durable', 1);
  });

  it("two providers over one store see each other's saves and deletes", async () => {
    const other = await context.reopen();
    await saveSeed(records, context.provider(), 'shared', 1);
    await expectRecord(records, other, 'shared', 1);
    await saveSeed(records, other, 'shared', 2);
    await expectRecord(records, context.provider(), 'shared', 2);
    await records.delete(other, 'shared');
    check(
      (await records.load(context.provider(), 'shared')) === null,
      'a record deleted by another provider',
    );
    await rejectionOf(() => records.delete(context.provider(), 'shared'), 'NOT_FOUND');
  });
}
