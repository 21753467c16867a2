import type { Closable } from '../lifecycle.js';
import type { Val } from '../val.js';
import { assertSameValue, check, rejectionOf } from './assertions.js';
import { exoticValues, mutateDeeply, unstorableValues } from './fixtures.js';
import type { NamedRecords, SuiteContext, TestFramework } from './suite.js';

type Builders<R> = Readonly<Record<string, (value: Val) => R>>;

/** `bad` where a serializer meets it: as the value itself, deep in containers, as a Map key, in a Set. */
function nestings(bad: Val): Array<[where: string, value: Val]> {
  return [
    ['as the value', bad],
    ['nested in objects and arrays', { deep: [1, { deeper: bad }] }],
    ['as a Map value', new Map<Val, Val>([['k', bad]])],
    ['as a Map key', new Map<Val, Val>([[bad, 'v']])],
    ['in a Set', new Set<Val>([bad])],
  ];
}

/**
 * The groups on the caller values a record carries, at every place `records.withValue` names: every
 * kind of value round-trips exactly; what a caller saved or loaded shares nothing with the store (nor
 * infos, where the family has them); a value that cannot be stored is an `InvalidArgumentError` naming
 * the record at save time, storing nothing and keeping what was stored before.
 */
export function describeValueGroups<I extends Closable, P extends I, R>(
  { it }: TestFramework,
  context: SuiteContext<P>,
  kind: string,
  records: NamedRecords<I, R>,
  withValue: Builders<R>,
): void {
  const provider = () => context.provider();
  const places = Object.entries(withValue);
  const exotic = (build: (value: Val) => R) => build(exoticValues());

  context.group('values', () => {
    it('round-trips every kind of value exactly, at every place a record holds one', async () => {
      for (const [i, [place, build]] of places.entries()) {
        await records.save(provider(), `value-${i}`, exotic(build));
        assertSameValue(await records.load(provider(), `value-${i}`), exotic(build), place);
      }
    });
  });

  context.group('no shared references', () => {
    it('is not changed by mutating what was saved', async () => {
      for (const [i, [place, build]] of places.entries()) {
        const record = exotic(build);
        await records.save(provider(), `saved-${i}`, record);
        mutateDeeply(record);
        assertSameValue(await records.load(provider(), `saved-${i}`), exotic(build), place);
      }
    });

    it('hands out copies: changing a loaded record alters neither the store nor another load', async () => {
      for (const [i, [place, build]] of places.entries()) {
        await records.save(provider(), `loaded-${i}`, exotic(build));
        const first = await records.load(provider(), `loaded-${i}`);
        const second = await records.load(provider(), `loaded-${i}`);
        mutateDeeply(first);
        assertSameValue(second, exotic(build), `${place}, another load`);
        assertSameValue(await records.load(provider(), `loaded-${i}`), exotic(build), place);
      }
    });

    if (records.info) {
      const { info } = records;
      it('hands out infos that are the caller’s to change', async () => {
        await records.save(provider(), 'info', records.record(1));
        const mine = await info.one(provider(), 'info');
        const before = await info.one(provider(), 'info');
        mutateDeeply(mine);
        mutateDeeply((await info.all(provider()))[0]);
        assertSameValue(await info.one(provider(), 'info'), before);
        assertSameValue(await info.all(provider()), [before]);
      });
    }
  });

  context.group('validation at save', () => {
    for (const [place, build] of places) {
      it(`refuses values that cannot be stored at ${place} with InvalidArgumentError, storing nothing`, async () => {
        for (const { label, value } of unstorableValues()) {
          for (const [where, nested] of nestings(value as Val)) {
            const error = await rejectionOf(
              () => records.save(provider(), 'bad', build(nested)),
              'INVALID_ARGUMENT',
            );
            const about = `${label} ${where} at ${place}`;
            check(error.details.kind === kind, `${about}: details.kind is ${String(error.details.kind)}`);
            check(error.details.name === 'bad', `${about}: details.name is ${String(error.details.name)}`);
            check(typeof error.details.path === 'string', `${about}: details.path is not a path`);
          }
        }
        check((await records.load(provider(), 'bad')) === null, 'a refused record must not be stored');
        assertSameValue(await records.names(provider()), [], 'names after refused saves');
      });
    }

    it('keeps the record saved before when a save over it is refused', async () => {
      await records.save(provider(), 'kept', records.record(1));
      const info = await records.info?.one(provider(), 'kept');
      for (const [place, build] of places) {
        for (const { label, value } of unstorableValues()) {
          await rejectionOf(() => records.save(provider(), 'kept', build(value as Val)), 'INVALID_ARGUMENT');
          assertSameValue(await records.load(provider(), 'kept'), records.record(1), `${label} at ${place}`);
        }
      }
      if (records.info) assertSameValue(await records.info.one(provider(), 'kept'), info, 'info');
    });
  });
}
