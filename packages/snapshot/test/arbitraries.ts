import type { MachineSnapshot, Val } from '@omega/core';
import fc from 'fast-check';

/** Every kind of {@link Val}, nested a few levels deep. */
export const valArbitrary: fc.Arbitrary<Val> = fc.letrec<{
  val: Val;
  array: Val[];
  object: Record<string, Val>;
  map: Map<Val, Val>;
  set: Set<Val>;
}>((tie) => ({
  val: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom<Val>(null, undefined, true, false, -0, Number.NaN),
    fc.double(),
    fc.integer(),
    fc.bigInt(),
    fc.string(),
    fc.date({ noInvalidDate: true }),
    fc.uint8Array({ maxLength: 8 }),
    tie('array'),
    tie('object'),
    tie('map'),
    tie('set'),
  ),
  array: fc.array(tie('val'), { maxLength: 4 }),
  object: fc.dictionary(fc.string(), tie('val'), { maxKeys: 4 }),
  map: fc.array(fc.tuple(tie('val'), tie('val')), { maxLength: 3 }).map((entries) => new Map(entries)),
  set: fc.array(tie('val'), { maxLength: 3 }).map((elements) => new Set(elements)),
})).val;

/** Arbitrary valid snapshots, with and without the optional fields. */
export const snapshotArbitrary: fc.Arbitrary<MachineSnapshot> = fc.record(
  {
    state: fc.record({
      control: valArbitrary,
      env: fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }),
      store: fc.dictionary(fc.string(), valArbitrary, { maxKeys: 4 }),
      kont: fc.array(valArbitrary, { maxLength: 3 }),
      step: fc.nat(),
      status: fc.constantFrom('running', 'halted', 'error'),
    }),
    createdAt: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    label: fc.string(),
    parent: fc.string(),
  },
  { requiredKeys: ['state', 'createdAt'] },
);
