import type { Val } from '../val.js';

/** Names that break the naming rule (`NAME_RULE`) and must be an `InvalidNameError` in every backend. */
export const INVALID_NAMES: readonly unknown[] = [
  '',
  '.',
  '..',
  '../x',
  '/etc/passwd',
  'a/b',
  'a\\b',
  '.hidden',
  'x'.repeat(129),
  'x'.repeat(300),
  'nul\u0000byte',
  'space name',
  'émoji',
  42,
  null,
];

/** Names at the edges of the rule that every backend must accept. */
export const VALID_EDGE_NAMES: readonly string[] = [
  'a',
  'A-z_0.9',
  'x'.repeat(128),
  '-dash',
  '_under',
  'a..b',
];

/**
 * Valid names that a plain JavaScript object already has (own or inherited): a backend that indexes names
 * in `{}` finds them in an empty store, or drops `__proto__`. Every backend must treat them as any other
 * name: never saved, they read as null and are not listed; saved, they round-trip and list once.
 */
export const OBJECT_KEY_NAMES: readonly string[] = [
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
];

/** Build values that cannot be stored: each must be an `InvalidArgumentError` at save time. */
export function unstorableValues(): Array<{ label: string; value: unknown }> {
  const cycle: Record<string, unknown> = { a: 1 };
  cycle.self = cycle;
  const deepCycle: unknown[] = [];
  deepCycle.push({ list: [deepCycle] });
  return [
    { label: 'a function', value: () => 1 },
    { label: 'a symbol', value: Symbol('s') },
    { label: 'a cycle', value: cycle },
    { label: 'a nested cycle', value: deepCycle },
    { label: 'a class instance', value: new (class Point {})() },
  ];
}

/**
 * A fresh record with one entry of every kind of value serde must round-trip exactly: what JSON loses
 * (`undefined`, `NaN`, `±Infinity`, `-0`, bigints, valid and invalid `Date`s, `Map`s with non-string
 * keys, `Set`s, `Uint8Array`s), plain objects with their own `"$t"` or `"__proto__"` key, strings JSON
 * escapes (a lone surrogate among them), empty containers and deep nesting. No object is shared between
 * calls or between entries, so a suite may mutate one record and compare it with another.
 */
export function exoticValues(): Record<string, Val> {
  // Object.defineProperty makes "__proto__" an own data property; assignment would set the prototype.
  const ownProto: Record<string, Val> = { before: 1 };
  Object.defineProperty(ownProto, '__proto__', {
    value: { own: true },
    enumerable: true,
    writable: true,
    configurable: true,
  });
  ownProto.after = 2;
  return {
    undefined: undefined,
    null: null,
    true: true,
    false: false,
    zero: 0,
    negativeZero: -0,
    nan: Number.NaN,
    infinity: Number.POSITIVE_INFINITY,
    negativeInfinity: Number.NEGATIVE_INFINITY,
    fraction: 0.1,
    maxValue: Number.MAX_VALUE,
    minValue: Number.MIN_VALUE,
    maxSafeInteger: Number.MAX_SAFE_INTEGER,
    numbers: [
      Number.NaN,
      -0,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      0.1,
      Number.MAX_SAFE_INTEGER,
    ],
    bigint: 12345678901234567890123n,
    largeBigint: 2n ** 70n,
    negativeBigint: -(2n ** 64n),
    smallBigint: -1n,
    zeroBigint: 0n,
    date: new Date(1_700_000_000_123),
    epoch: new Date(0),
    beforeEpoch: new Date(-1),
    maxDate: new Date(8.64e15),
    invalidDate: new Date(Number.NaN),
    map: new Map<Val, Val>([
      ['k', [1n, undefined]],
      [1, 'one'],
      [2n, new Set<Val>(['s', 3])],
      [null, new Set<Val>([1, 'x'])],
      [undefined, 'undefined key'],
      [true, 'boolean key'],
      [Number.NaN, 'NaN key'],
      [new Date(0), { deep: [undefined, -0] }],
      [{ object: 'key' }, new Uint8Array([0, 1, 255])],
      [[1, 2], 'array key'],
    ]),
    set: new Set<Val>([undefined, null, true, 1, 'two', 3n, new Date(0), new Uint8Array([7]), [1, 2]]),
    bytes: new Uint8Array([0, 1, 127, 128, 254, 255]),
    emptyString: '',
    emptyArray: [],
    emptyObject: {},
    emptyMap: new Map(),
    emptySet: new Set(),
    emptyBytes: new Uint8Array(0),
    emptyKey: { '': 'empty key' },
    text: 'é ☃ 😀 quote " backslash \\ newline \n tab \t nul \u0000 line-sep \u2028 para-sep \u2029',
    loneSurrogate: 'lone \ud800 high, lone \udc00 low',
    tagLike: { $t: 'Date', v: 0 },
    unknownTagLike: { $t: 'not a tag', v: 'a user key' },
    bareTagLike: { $t: 'undefined' },
    ownProto,
    nested: {
      deep: {
        deeper: [
          undefined,
          Number.NaN,
          -0,
          1n,
          [new Map(), new Set(), []],
          { bytes: new Uint8Array([7]), when: new Date(86_400_000), tagLike: { $t: 'x' } },
        ],
      },
    },
  };
}

/**
 * Changes in place every container and mutable value reachable from `value` (Map keys and Set elements
 * too): a key added to each plain object, an item to each array, an entry to each Map, an element to each
 * Set, each Date moved, the first byte of each Uint8Array flipped. For the checks that what a caller saved
 * or loaded shares nothing with the store: afterwards `value` no longer equals a fresh copy. Frozen or
 * otherwise non-extensible objects are left alone, since a provider may hand out frozen values.
 */
export function mutateDeeply(value: unknown): void {
  const seen = new Set<object>();
  const pending: unknown[] = [value];
  // Children are gathered before their parent changes, so nothing added is visited.
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next !== 'object' || next === null || seen.has(next)) continue;
    seen.add(next);
    if (next instanceof Date) {
      next.setTime(next.getTime() === 86_400_000 ? 0 : 86_400_000);
    } else if (next instanceof Uint8Array) {
      if (next.length > 0) next[0] = next[0]! ^ 0xff;
    } else if (next instanceof Map) {
      for (const entry of next) pending.push(...entry);
      next.set('mutated', 'entry');
    } else if (next instanceof Set) {
      pending.push(...next);
      next.add('mutated element');
    } else if (Object.isExtensible(next)) {
      const record = next as Record<string, unknown>;
      pending.push(...Object.keys(record).map((key) => record[key]));
      if (Array.isArray(next)) next.push('mutated item');
      else record.mutated = 'key';
    }
  }
}

/**
 * A small seeded PRNG (mulberry32): numbers in [0, 1), the same sequence for the same seed in every run
 * and every process. For test data and benchmarks, never for anything secret.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
