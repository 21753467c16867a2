import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import type { Val } from '../src/val.js';

/** Keys that stress the encoding: the tag key, the payload key, `__proto__`, integer-like and empty keys. */
const keyArbitrary = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.constantFrom(
    '$t',
    'v',
    '__proto__',
    'toJSON',
    'constructor',
    '0',
    '9',
    '10',
    '',
    'a b',
    '\u{1F600}',
    '\uFF61',
  ),
);

const stringArbitrary = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  // Lone surrogates: well-formed JSON.stringify escapes them, and they must come back unchanged.
  fc.string({
    unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit)),
    maxLength: 3,
  }),
  fc.constantFrom('$t', '"$t"', 'v', 'undefined', 'NaN'),
);

const leafArbitrary: fc.Arbitrary<Val> = fc.oneof(
  fc.constantFrom<Val>(null, undefined, true, false, 0, -0, Number.NaN, Number.POSITIVE_INFINITY),
  fc.double(),
  fc.integer(),
  fc.bigInt(),
  stringArbitrary,
  fc.date(),
  fc.uint8Array({ maxLength: 12 }),
  fc.uint8Array({ maxLength: 12 }).map((bytes) => Buffer.from(bytes)),
);

/**
 * Arbitrary `Val`s, seeded by the caller's fast-check parameters: every tagged kind, plain and
 * null-prototype objects, sparse arrays, Maps with object keys, and user objects that look like tags.
 */
export const valArbitrary: fc.Arbitrary<Val> = fc.letrec<{
  val: Val;
  array: Val[];
  sparse: Val[];
  object: Record<string, Val>;
  lookalike: Record<string, Val>;
  map: Map<Val, Val>;
  set: Set<Val>;
}>((tie) => ({
  val: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    leafArbitrary,
    tie('array'),
    tie('sparse'),
    tie('object'),
    tie('lookalike'),
    tie('map'),
    tie('set'),
  ),
  array: fc.array(tie('val'), { maxLength: 5 }),
  sparse: fc.sparseArray(tie('val'), { maxLength: 5 }),
  object: fc.dictionary(keyArbitrary, tie('val'), { maxKeys: 5 }),
  lookalike: fc.record({
    $t: fc.oneof(fc.constantFrom<Val>('bigint', 'Map', 'object', 'undefined', 'nope'), tie('val')),
    v: tie('val'),
  }),
  map: fc.array(fc.tuple(tie('val'), tie('val')), { maxLength: 4 }).map((entries) => new Map(entries)),
  set: fc.array(tie('val'), { maxLength: 4 }).map((items) => new Set(items)),
})).val;

/**
 * Exact equality of two `Val`s as serde promises it: `Object.is` on primitives (NaN equals NaN, -0 differs
 * from 0), object keys in the same order, Map entries and Set elements in the same order. A `Buffer`
 * equals a `Uint8Array` of the same bytes, a null-prototype object a plain one, and an array hole
 * `undefined`.
 */
export function sameVal(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b);
  if (a instanceof Date) return b instanceof Date && Object.is(a.getTime(), b.getTime());
  if (a instanceof Uint8Array) {
    return b instanceof Uint8Array && a.length === b.length && a.every((byte, i) => byte === b[i]);
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameVal(a[i], b[i])) return false;
    return true;
  }
  if (a instanceof Map) {
    return b instanceof Map && a.size === b.size && sameVal([...a].flat(), [...b].flat());
  }
  if (a instanceof Set) return b instanceof Set && a.size === b.size && sameVal([...a], [...b]);
  if (!isPlainRecord(b)) return false;
  const keys = Object.keys(a);
  if (!sameVal(keys, Object.keys(b))) return false;
  return keys.every((key) => sameVal((a as Record<string, unknown>)[key], b[key]));
}

function isPlainRecord(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Every object reachable from `value` (containers, Dates, byte arrays and their buffers). */
export function objectsOf(value: unknown, found: Set<object> = new Set()): Set<object> {
  if (typeof value !== 'object' || value === null || found.has(value)) return found;
  found.add(value);
  if (value instanceof Uint8Array) found.add(value.buffer);
  const children: unknown[] =
    value instanceof Map
      ? [...value].flat()
      : value instanceof Set
        ? [...value]
        : value instanceof Date || value instanceof Uint8Array
          ? []
          : Object.values(value);
  for (const child of children) objectsOf(child, found);
  return found;
}

/** Arrays nested exactly `depth` containers deep around `contents`, built without recursion. */
export function nestedArrays(depth: number, contents: Val[] = []): Val[] {
  let value: Val[] = contents;
  for (let i = 1; i < depth; i++) value = [value];
  return value;
}
