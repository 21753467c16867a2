import { Buffer } from 'node:buffer';
// Types only, by path into core's source: at run time this file needs fast-check alone, so core's own tests
// can use it unbuilt, and no package dependency makes core (whose tests use this kit) and this kit a cycle.
import type { State, Val } from '../../core/src/index.js';

// The session and snapshot records, written here structurally: families depend on this kit, not it on them.
interface SessionData {
  state: State;
  meta: Record<string, Val>;
}
interface MachineSnapshot {
  state: State;
  createdAt: number;
  label?: string;
  parent?: string;
}

import fc from 'fast-check';

/**
 * Object keys that stress an encoding: the tag and payload keys (`$t`, `v`), `__proto__` (fast-check
 * creates it as an own key with `Object.defineProperty`), keys named like Object methods, integer-like,
 * empty and non-ASCII keys. Never `constructor`: `toStrictEqual` reads it as a class marker, so two
 * equal values owning one would compare unequal.
 */
const keyArbitrary = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.constantFrom(
    '$t',
    'v',
    '__proto__',
    'toJSON',
    'toString',
    '0',
    '9',
    '10',
    '',
    'a b',
    '\u{1F600}',
    '\uFF61',
  ),
);

const wideKeyArbitrary = fc.oneof(keyArbitrary, fc.constant('constructor'));

const stringArbitrary = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  // Any UTF-16 code unit, lone surrogates included: they must come back unchanged.
  fc.string({
    unit: fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)),
    maxLength: 8,
  }),
  fc.string({
    unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit)),
    maxLength: 3,
  }),
  fc.constantFrom('$t', '"$t"', 'v', 'undefined', 'NaN'),
);

const exactLeafArbitrary: fc.Arbitrary<Val> = fc.oneof(
  fc.constantFrom<Val>(
    null,
    undefined,
    true,
    false,
    0,
    -0,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
  ),
  fc.double(),
  fc.integer(),
  fc.bigInt(),
  stringArbitrary,
  // Invalid Dates included: they round-trip too.
  fc.date(),
  fc.uint8Array({ maxLength: 12 }),
);

const wideLeafArbitrary: fc.Arbitrary<Val> = fc.oneof(
  exactLeafArbitrary,
  fc.uint8Array({ maxLength: 12 }).map((bytes) => Buffer.from(bytes)),
);

/** Nested `Val`s over `leaf` and `key`; `wide` adds sparse arrays and null-prototype objects. */
function valTree(leaf: fc.Arbitrary<Val>, key: fc.Arbitrary<string>, wide: boolean): fc.Arbitrary<Val> {
  const noNullPrototype = !wide;
  return fc.letrec<{
    val: Val;
    array: Val[];
    sparse: Val[];
    object: Record<string, Val>;
    lookalike: Record<string, Val>;
    map: Map<Val, Val>;
    set: Set<Val>;
  }>((tie) => ({
    val: fc.oneof(
      { depthSize: 'small', maxDepth: 4, withCrossShrink: true },
      leaf,
      tie('array'),
      ...(wide ? [tie('sparse')] : []),
      tie('object'),
      tie('lookalike'),
      tie('map'),
      tie('set'),
    ),
    array: fc.array(tie('val'), { maxLength: 5 }),
    sparse: fc.sparseArray(tie('val'), { maxLength: 5 }),
    object: fc.dictionary(key, tie('val'), { maxKeys: 5, noNullPrototype }),
    // User objects that look like serde's tagged values.
    lookalike: fc.record(
      {
        $t: fc.oneof(fc.constantFrom<Val>('bigint', 'map', 'Map', 'object', 'undefined', 'nope'), tie('val')),
        v: tie('val'),
      },
      { noNullPrototype },
    ),
    map: fc.array(fc.tuple(tie('val'), tie('val')), { maxLength: 4 }).map((entries) => new Map(entries)),
    set: fc.array(tie('val'), { maxLength: 4 }).map((items) => new Set(items)),
  })).val;
}

/**
 * Arbitrary `Val`s that survive every store's round trip exactly, so a test may compare with
 * `toStrictEqual`: every kind (NaN, ±0, ±Infinity, bigints, lone surrogates, invalid Dates, bytes, Maps,
 * Sets), plain objects with keys that stress the encoding (`$t`, `__proto__`, `toJSON`, …), and user
 * objects that look like serde's tags. Leaves out what serde normalizes (see {@link wideValArbitrary}).
 */
export const valArbitrary: fc.Arbitrary<Val> = valTree(exactLeafArbitrary, keyArbitrary, false);

/**
 * {@link valArbitrary} plus the values serde accepts but deliberately normalizes: sparse-array holes
 * (read back as `undefined`), `Buffer`s (as `Uint8Array`) and null-prototype objects (as plain ones); and
 * `constructor` keys. Compare its round trips with a serde-aware equality, not `toStrictEqual`.
 */
export const wideValArbitrary: fc.Arbitrary<Val> = valTree(wideLeafArbitrary, wideKeyArbitrary, true);

/** Arbitrary `State`s built from {@link valArbitrary}: exact round trips, plain objects only. */
export const stateArbitrary: fc.Arbitrary<State> = fc.record(
  {
    control: valArbitrary,
    env: fc.dictionary(keyArbitrary, fc.string({ maxLength: 8 }), { maxKeys: 4, noNullPrototype: true }),
    store: fc.dictionary(keyArbitrary, valArbitrary, { maxKeys: 5, noNullPrototype: true }),
    kont: fc.array(valArbitrary, { maxLength: 4 }),
    step: fc.nat(),
    status: fc.constantFrom('running' as const, 'halted' as const, 'error' as const),
  },
  { noNullPrototype: true },
);

/** Arbitrary `SessionData`s: a {@link stateArbitrary} state and metadata of {@link valArbitrary}s. */
export const sessionDataArbitrary: fc.Arbitrary<SessionData> = fc.record(
  {
    state: stateArbitrary,
    meta: fc.dictionary(keyArbitrary, valArbitrary, { maxKeys: 4, noNullPrototype: true }),
  },
  { noNullPrototype: true },
);

/** Arbitrary valid `MachineSnapshot`s over {@link stateArbitrary}, with and without the optional fields. */
export const machineSnapshotArbitrary: fc.Arbitrary<MachineSnapshot> = fc.record(
  {
    state: stateArbitrary,
    createdAt: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    label: fc.string(),
    parent: fc.string(),
  },
  { requiredKeys: ['state', 'createdAt'], noNullPrototype: true },
);
