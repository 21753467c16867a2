import type { State, Val } from '@omega/core';
import fc from 'fast-check';

/** Object keys, with the ones a serializer could trip on made likely. */
const key = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.constantFrom('$t', 'v', 'constructor', 'toString', '', '0', '10'),
);

/** Strings over all UTF-16 code units, lone surrogates included. */
const anyText = fc.string({
  unit: fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)),
});

const leaf: fc.Arbitrary<Val> = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.boolean(),
  fc.double(),
  fc.integer(),
  fc.bigInt(),
  fc.string(),
  anyText,
  fc.date({ noInvalidDate: true }),
  fc.uint8Array({ maxLength: 16 }),
);

/** Any `Val`: every supported kind, nested. */
export const valArbitrary: fc.Arbitrary<Val> = fc.letrec<{ val: Val }>((tie) => ({
  val: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('val'), { maxLength: 4 }),
    fc.dictionary(key, tie('val'), { maxKeys: 4, noNullPrototype: true }),
    fc.array(fc.tuple(tie('val'), tie('val')), { maxLength: 3 }).map((entries) => new Map<Val, Val>(entries)),
    fc.array(tie('val'), { maxLength: 3 }).map((items) => new Set<Val>(items)),
  ),
})).val;

/** Any `State`. */
export const stateArbitrary: fc.Arbitrary<State> = fc.record(
  {
    control: valArbitrary,
    env: fc.dictionary(key, fc.string({ maxLength: 8 }), { maxKeys: 5, noNullPrototype: true }),
    store: fc.dictionary(key, valArbitrary, { maxKeys: 6, noNullPrototype: true }),
    kont: fc.array(valArbitrary, { maxLength: 4 }),
    step: fc.nat(),
    status: fc.constantFrom('running' as const, 'halted' as const, 'error' as const),
  },
  { noNullPrototype: true },
);
