/**
 * Fixtures and helpers shared by the conformance suites (and usable by third-party backends): inputs
 * every provider must reject or accept, values it must round-trip, and checks of the errors it raises.
 * Plain TypeScript; no test framework is imported here, so failures are plain `Error`s.
 */

import { isOmegaError, type OmegaError, type OmegaErrorCode } from './errors.js';
import type { Val } from './val.js';

/** What a conformance factory returns: a fresh provider over an empty store, and how to dispose of it. */
export interface ProviderFixture<P> {
  provider: P;
  /** Runs after each test, once the suite is done with (and may have closed) the provider. */
  cleanup?: () => Promise<void>;
}

/**
 * Awaits `pending`, which must reject with an {@link OmegaError} of `code`, and returns that error.
 * Given a function, calls it first: an async method must return a rejected promise, so a synchronous
 * throw (or a result that is not a promise) is a failure too.
 *
 * @throws Error describing what happened instead: a synchronous throw, a resolution, or a rejection with
 * something else (that reason is the `cause`).
 */
export async function rejectionOf(
  pending: Promise<unknown> | (() => Promise<unknown>),
  code: OmegaErrorCode,
): Promise<OmegaError> {
  let promise: unknown = pending;
  if (typeof pending === 'function') {
    try {
      promise = pending();
    } catch (error) {
      throw new Error(`threw synchronously instead of rejecting with ${code}: ${describe(error)}`, {
        cause: error,
      });
    }
  }
  if (!(promise instanceof Promise)) {
    throw new Error(`returned ${describe(promise)} instead of a promise rejecting with ${code}`);
  }
  let value: unknown;
  try {
    value = await promise;
  } catch (error) {
    if (isOmegaError(error, code)) return error;
    throw new Error(`rejected with ${describe(error)} instead of ${code}`, { cause: error });
  }
  throw new Error(`resolved to ${describe(value)} instead of rejecting with ${code}`);
}

/**
 * Calls `run`, which must throw an {@link OmegaError} of `code` synchronously, and returns that error.
 *
 * @throws Error describing what happened instead: a return (a returned promise counts, and its outcome is
 * ignored), or a throw of something else (that error is the `cause`).
 */
export function thrownBy(run: () => unknown, code: OmegaErrorCode): OmegaError {
  let result: unknown;
  try {
    result = run();
  } catch (error) {
    if (isOmegaError(error, code)) return error;
    throw new Error(`threw ${describe(error)} instead of ${code}`, { cause: error });
  }
  if (result instanceof Promise) {
    result.catch(() => undefined);
    throw new Error(`returned a promise instead of throwing ${code} synchronously`);
  }
  throw new Error(`returned ${describe(result)} instead of throwing ${code}`);
}

/** A short description of a thrown or returned value, for failure messages. */
function describe(value: unknown): string {
  if (isOmegaError(value)) return `${value.name} (${value.code}): ${value.message}`;
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value !== 'object' || value === null) return String(value);
  if (value instanceof Promise) return 'a promise';
  const kind: unknown = Object.getPrototypeOf(value)?.constructor?.name;
  if (typeof kind !== 'string' || kind === '') return 'an object';
  return `${/^[AEIOU]/.test(kind) ? 'an' : 'a'} ${kind}`;
}

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
