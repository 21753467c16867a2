import { isOmegaError, type OmegaError, type OmegaErrorCode } from '../errors.js';
import { keySegment, memberSegment } from '../json.js';

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
      throw new Error(`threw synchronously instead of rejecting with ${code}: ${describeOutcome(error)}`, {
        cause: error,
      });
    }
  }
  if (!(promise instanceof Promise)) {
    throw new Error(`returned ${describeOutcome(promise)} instead of a promise rejecting with ${code}`);
  }
  let value: unknown;
  try {
    value = await promise;
  } catch (error) {
    if (isOmegaError(error, code)) return error;
    throw new Error(`rejected with ${describeOutcome(error)} instead of ${code}`, { cause: error });
  }
  throw new Error(`resolved to ${describeOutcome(value)} instead of rejecting with ${code}`);
}

/**
 * Calls `run`, which must return an `AsyncIterable` without throwing, whose first `next()` must reject
 * with an {@link OmegaError} of `code` having yielded nothing: how an iterable method reports what it
 * checks before the iteration starts (after close, a name breaking the rule). Returns that error.
 *
 * @throws Error describing what happened instead: a synchronous throw, a result that is not an
 * `AsyncIterable`, a first `next()` that resolved (to an item, or to the end), or a rejection with
 * something else (that reason is the `cause`).
 */
export async function iterationRejectionOf(run: () => unknown, code: OmegaErrorCode): Promise<OmegaError> {
  let iterable: unknown;
  try {
    iterable = run();
  } catch (error) {
    throw new Error(`threw synchronously instead of iterating to ${code}: ${describeOutcome(error)}`, {
      cause: error,
    });
  }
  const open = (iterable as Partial<AsyncIterable<unknown>> | null)?.[Symbol.asyncIterator];
  if (typeof open !== 'function') {
    throw new Error(
      `returned ${describeOutcome(iterable)} instead of an AsyncIterable rejecting with ${code}`,
    );
  }
  const iterator = open.call(iterable);
  let first: IteratorResult<unknown>;
  try {
    first = await iterator.next();
  } catch (error) {
    if (isOmegaError(error, code)) return error;
    throw new Error(`first next() rejected with ${describeOutcome(error)} instead of ${code}`, {
      cause: error,
    });
  }
  // Let go of what the iterator holds before failing.
  await iterator.return?.();
  throw new Error(
    first.done === true
      ? `ended without an item instead of rejecting with ${code}`
      : `yielded ${describeOutcome(first.value)} instead of rejecting with ${code}`,
  );
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
    throw new Error(`threw ${describeOutcome(error)} instead of ${code}`, { cause: error });
  }
  if (result instanceof Promise) {
    result.catch(() => undefined);
    throw new Error(`returned a promise instead of throwing ${code} synchronously`);
  }
  throw new Error(`returned ${describeOutcome(result)} instead of throwing ${code}`);
}

/** A short description of a thrown or returned value, for failure messages. */
export function describeOutcome(value: unknown): string {
  if (isOmegaError(value)) return `${value.name} (${value.code}): ${value.message}`;
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (Object.is(value, -0)) return '-0';
  if (typeof value !== 'object' || value === null) return String(value);
  if (value instanceof Promise) return 'a promise';
  const kind: unknown = Object.getPrototypeOf(value)?.constructor?.name;
  if (typeof kind !== 'string' || kind === '') return 'an object';
  return `${/^[AEIOU]/.test(kind) ? 'an' : 'a'} ${kind}`;
}

/**
 * Where stored value `actual` first differs from `expected`, as a path written the way serde writes one
 * (`$.store.a[0]`, `.<key n>`/`.<value n>` of a Map, `.<element n>` of a Set) and why, or null
 * when they are the same value in the strict sense storage promises: primitives by `Object.is` (NaN is
 * NaN, -0 is not 0), an own key holding `undefined` is not a missing key, Dates by time, byte arrays by
 * bytes, Map entries and Set elements in order, arrays by index, plain objects by their own keys in any
 * order; a Map is never an object, nor a Uint8Array an array.
 */
export function valueDifference(actual: unknown, expected: unknown, path = '$'): string | null {
  if (typeof expected !== 'object' || expected === null || typeof actual !== 'object' || actual === null) {
    return Object.is(actual, expected)
      ? null
      : `${path}: ${describeOutcome(actual)} instead of ${describeOutcome(expected)}`;
  }
  const kind = kindOf(expected);
  if (kindOf(actual) !== kind) return `${path}: ${kindOf(actual)} instead of ${kind}`;
  if (expected instanceof Date) {
    const [a, e] = [(actual as Date).getTime(), expected.getTime()];
    return Object.is(a, e) ? null : `${path}: Date ${a} instead of ${e}`;
  }
  if (expected instanceof Uint8Array) {
    const bytes = actual as Uint8Array;
    const same = bytes.length === expected.length && bytes.every((byte, i) => byte === expected[i]);
    return same ? null : `${path}: bytes [${bytes.join(',')}] instead of [${expected.join(',')}]`;
  }
  if (expected instanceof Map || expected instanceof Set || Array.isArray(expected)) {
    const a = [...(actual as Iterable<unknown>)];
    const e = [...expected];
    if (a.length !== e.length) return `${path}: ${a.length} entries instead of ${e.length}`;
    for (let i = 0; i < e.length; i++) {
      const difference =
        expected instanceof Map
          ? (valueDifference(
              (a[i] as unknown[])[0],
              (e[i] as unknown[])[0],
              path + memberSegment('key', i),
            ) ??
            valueDifference((a[i] as unknown[])[1], (e[i] as unknown[])[1], path + memberSegment('value', i)))
          : valueDifference(
              a[i],
              e[i],
              path + (expected instanceof Set ? memberSegment('element', i) : `[${i}]`),
            );
      if (difference !== null) return difference;
    }
    return null;
  }
  const a = actual as Record<string, unknown>;
  const e = expected as Record<string, unknown>;
  for (const key of Object.keys(e)) {
    if (!Object.hasOwn(a, key)) return `${path}: missing key ${JSON.stringify(key)}`;
    const difference = valueDifference(a[key], e[key], path + keySegment(key));
    if (difference !== null) return difference;
  }
  const extra = Object.keys(a).find((key) => !Object.hasOwn(e, key));
  return extra === undefined ? null : `${path}: unexpected key ${JSON.stringify(extra)}`;
}

/** Throws an `Error` saying where `actual` differs from `expected` ({@link valueDifference}). */
export function assertSameValue(actual: unknown, expected: unknown, label?: string): void {
  const difference = valueDifference(actual, expected);
  if (difference !== null) throw new Error(label === undefined ? difference : `${label}: ${difference}`);
}

/** Throws an `Error` with `message` unless `condition` holds. */
export function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

function kindOf(value: object): string {
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Map) return 'a Map';
  if (value instanceof Set) return 'a Set';
  if (value instanceof Date) return 'a Date';
  if (value instanceof Uint8Array) return 'a Uint8Array';
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null ? 'an object' : describeOutcome(value);
}

/** Options no provider accepts: a clock that is not a function. */
export const BAD_CLOCK_OPTIONS: ReadonlyArray<[option: string, value: unknown]> = [
  ['now', 42],
  ['now', 'Date.now'],
  ['now', null],
];

/** Options no filesystem provider accepts (besides {@link BAD_CLOCK_OPTIONS} where it has a clock). */
export const BAD_FILESYSTEM_OPTIONS: ReadonlyArray<[option: string, value: unknown]> = [
  ['durable', 'yes'],
  ['durable', 1],
  ['lockTimeoutMs', -1],
  ['lockTimeoutMs', Number.NaN],
  ['lockTimeoutMs', '1000'],
  ['root', ''],
  ['root', 42],
];

/** Options no mock accepts. */
export const BAD_MOCK_OPTIONS: ReadonlyArray<[option: string, value: unknown]> = [
  ['latencyMs', -1],
  ['latencyMs', Number.NaN],
  ['latencyMs', Number.POSITIVE_INFINITY],
  ['latencyMs', '5'],
];

/**
 * Throws an `Error` unless `construct` refuses each bad option synchronously with an
 * `InvalidArgumentError` whose `details.option` names it: options are checked at construction.
 */
export function assertOptionsRefused(
  construct: (options: Record<string, unknown>) => unknown,
  cases: ReadonlyArray<[option: string, value: unknown]>,
): void {
  for (const [option, value] of cases) {
    const error = thrownBy(() => construct({ [option]: value }), 'INVALID_ARGUMENT');
    check(
      error.details.option === option,
      `${option}: ${describeOutcome(value)} was refused as ${String(error.details.option)}`,
    );
  }
}
