import { describe, expect, it } from 'vitest';
import { canonicalize } from '../src/canonical.js';
import { ClosedError, NotFoundError, OmegaError } from '../src/errors.js';
import { cloneVal, decode, encode, fromJsonValue, toJsonValue } from '../src/serde.js';
import { exoticValues, rejectionOf, thrownBy } from '../src/testing.js';
import type { Val } from '../src/val.js';
import { objectsOf, sameVal } from './values.js';

/** The plain Error a helper fails with (not an OmegaError, so a suite cannot mistake it for success). */
async function failureOf(pending: Promise<unknown>): Promise<Error> {
  const error = await pending.then(
    () => expect.unreachable('the helper did not fail'),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(Error);
  expect(error).not.toBeInstanceOf(OmegaError);
  return error as Error;
}

function syncFailureOf(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(OmegaError);
    return error as Error;
  }
  return expect.unreachable('the helper did not fail');
}

describe('rejectionOf', () => {
  const notFound = new NotFoundError('no such thing', { details: { name: 'x' } });

  it('returns the OmegaError a promise rejects with', async () => {
    expect(await rejectionOf(Promise.reject(notFound), 'NOT_FOUND')).toBe(notFound);
  });

  it('returns the OmegaError when given a function returning a rejected promise', async () => {
    expect(await rejectionOf(async () => Promise.reject(notFound), 'NOT_FOUND')).toBe(notFound);
    const error = await rejectionOf(async () => {
      throw new ClosedError('closed');
    }, 'CLOSED');
    expect(error.code).toBe('CLOSED');
  });

  it('recognises an OmegaError by its marker, as from another copy of @omega/core', async () => {
    const foreign = Object.assign(new Error('foreign'), {
      [Symbol.for('omega.providers.error')]: true,
      code: 'CONFLICT',
      details: {},
    });
    expect(await rejectionOf(Promise.reject(foreign), 'CONFLICT')).toBe(foreign);
  });

  it('fails when the promise resolves, saying to what', async () => {
    const error = await failureOf(rejectionOf(Promise.resolve('done'), 'NOT_FOUND'));
    expect(error.message).toBe('resolved to "done" instead of rejecting with NOT_FOUND');
    const fromFunction = await failureOf(rejectionOf(async () => 3n, 'CLOSED'));
    expect(fromFunction.message).toBe('resolved to 3n instead of rejecting with CLOSED');
    const withObject = await failureOf(rejectionOf(Promise.resolve(new Map()), 'CLOSED'));
    expect(withObject.message).toBe('resolved to a Map instead of rejecting with CLOSED');
  });

  it('fails when it rejects with an OmegaError of another code, keeping it as the cause', async () => {
    const error = await failureOf(rejectionOf(Promise.reject(notFound), 'CONFLICT'));
    expect(error.message).toBe('rejected with NotFoundError (NOT_FOUND): no such thing instead of CONFLICT');
    expect(error.cause).toBe(notFound);
  });

  it('fails when it rejects with something that is not an OmegaError', async () => {
    const plain = new TypeError('boom');
    const error = await failureOf(rejectionOf(Promise.reject(plain), 'INVALID_ARGUMENT'));
    expect(error.message).toBe('rejected with TypeError: boom instead of INVALID_ARGUMENT');
    expect(error.cause).toBe(plain);
    const nothing = await failureOf(rejectionOf(Promise.reject(undefined), 'INVALID_ARGUMENT'));
    expect(nothing.message).toBe('rejected with undefined instead of INVALID_ARGUMENT');
    const bare = await failureOf(rejectionOf(Promise.reject(Object.create(null)), 'CLOSED'));
    expect(bare.message).toBe('rejected with an object instead of CLOSED');
  });

  it('fails when the function throws synchronously, even the expected OmegaError', async () => {
    const error = await failureOf(
      rejectionOf(() => {
        throw notFound;
      }, 'NOT_FOUND'),
    );
    expect(error.message).toBe(
      'threw synchronously instead of rejecting with NOT_FOUND: NotFoundError (NOT_FOUND): no such thing',
    );
    expect(error.cause).toBe(notFound);
  });

  it('fails when the function returns something that is not a promise', async () => {
    const error = await failureOf(rejectionOf((() => 42) as unknown as () => Promise<unknown>, 'CLOSED'));
    expect(error.message).toBe('returned 42 instead of a promise rejecting with CLOSED');
  });
});

describe('thrownBy', () => {
  const closed = new ClosedError('provider closed');

  it('returns the OmegaError the function throws', () => {
    expect(
      thrownBy(() => {
        throw closed;
      }, 'CLOSED'),
    ).toBe(closed);
  });

  it('fails when the function returns, saying what', () => {
    expect(syncFailureOf(() => thrownBy(() => 'value', 'CLOSED')).message).toBe(
      'returned "value" instead of throwing CLOSED',
    );
    expect(syncFailureOf(() => thrownBy(() => undefined, 'CLOSED')).message).toBe(
      'returned undefined instead of throwing CLOSED',
    );
  });

  it('fails when the function returns a promise, even one rejecting with the code', async () => {
    const rejected = Promise.reject(closed);
    const error = syncFailureOf(() => thrownBy(() => rejected, 'CLOSED'));
    expect(error.message).toBe('returned a promise instead of throwing CLOSED synchronously');
    // The helper handles the promise, so its rejection is not reported as unhandled.
    await expect(rejected).rejects.toBe(closed);
  });

  it('fails when the function throws an OmegaError of another code, keeping it as the cause', () => {
    const error = syncFailureOf(() =>
      thrownBy(() => {
        throw closed;
      }, 'INVALID_ARGUMENT'),
    );
    expect(error.message).toBe('threw ClosedError (CLOSED): provider closed instead of INVALID_ARGUMENT');
    expect(error.cause).toBe(closed);
  });

  it('fails when the function throws something that is not an OmegaError', () => {
    const error = syncFailureOf(() =>
      thrownBy(() => {
        throw 'a string';
      }, 'CLOSED'),
    );
    expect(error.message).toBe('threw "a string" instead of CLOSED');
    expect(error.cause).toBe('a string');
  });
});

describe('exoticValues', () => {
  const TAGS = [
    'undefined',
    'bigint',
    'NaN',
    'Infinity',
    '-Infinity',
    '-0',
    'Date',
    'Map',
    'Set',
    'Uint8Array',
    'object',
  ];
  it('holds every kind of value serde tags, and the edge cases of each', () => {
    const text = encode(exoticValues());
    for (const tag of TAGS) expect(text).toContain(`{"$t":"${tag}"`);
    const values = exoticValues();
    const kinds = new Set(Object.values(values).map((value) => kindOf(value)));
    expect([...kinds].sort()).toStrictEqual(
      [
        'undefined',
        'null',
        'boolean',
        'number',
        'bigint',
        'string',
        'Date',
        'Map',
        'Set',
        'Uint8Array',
        'array',
        'object',
      ].sort(),
    );
    expect(Number.isNaN((values.invalidDate as Date).getTime())).toBe(true);
    expect([...(values.map as Map<Val, Val>).keys()].map((key) => kindOf(key))).toEqual(
      expect.arrayContaining(['number', 'bigint', 'null', 'undefined', 'boolean', 'Date', 'object', 'array']),
    );
    expect(Object.hasOwn(values.tagLike as object, '$t')).toBe(true);
    expect(Object.keys(values.ownProto as object)).toStrictEqual(['before', '__proto__', 'after']);
    expect(Object.getPrototypeOf(values.ownProto)).toBe(Object.prototype);
    expect(values.loneSurrogate).toMatch(/\ud800(?![\udc00-\udfff])/);
  });

  it('round-trips exactly through encode and decode', () => {
    const values = exoticValues();
    const decoded = decode(encode(values)) as Record<string, Val>;
    expect(sameVal(decoded, values)).toBe(true);
    expect(canonicalize(decoded)).toBe(canonicalize(values));
    expect(encode(decoded)).toBe(encode(values));
    for (const [key, value] of Object.entries(values)) {
      expect(sameVal(decode(encode(value)), value), key).toBe(true);
    }
    expect(Object.is(decoded.negativeZero, -0)).toBe(true);
    expect(Object.is(decoded.zero, 0)).toBe(true);
    expect(Object.is(decoded.nan, Number.NaN)).toBe(true);
    expect(Object.hasOwn(decoded, 'undefined') && decoded.undefined === undefined).toBe(true);
    expect(decoded.largeBigint).toBe(2n ** 70n);
    expect(Number.isNaN((decoded.invalidDate as Date).getTime())).toBe(true);
    expect((decoded.map as Map<Val, Val>).get(Number.NaN)).toBe('NaN key');
    expect((decoded.map as Map<Val, Val>).get(undefined)).toBe('undefined key');
    expect(decoded.bytes).toBeInstanceOf(Uint8Array);
    expect(decoded.loneSurrogate).toBe(values.loneSurrogate);
    expect(decoded.tagLike).toStrictEqual({ $t: 'Date', v: 0 });
    const ownProto = decoded.ownProto as Record<string, Val>;
    expect(Object.keys(ownProto)).toStrictEqual(['before', '__proto__', 'after']);
    expect(Object.getPrototypeOf(ownProto)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(ownProto, '__proto__')?.value).toStrictEqual({ own: true });
  });

  it('round-trips exactly through toJsonValue/fromJsonValue and cloneVal', () => {
    const values = exoticValues();
    const viaJson = fromJsonValue(JSON.parse(JSON.stringify(toJsonValue(values))));
    expect(sameVal(viaJson, values)).toBe(true);
    expect(canonicalize(viaJson)).toBe(canonicalize(values));
    const clone = cloneVal(values);
    expect(sameVal(clone, values)).toBe(true);
    expect(canonicalize(clone)).toBe(canonicalize(values));
  });

  it('is fresh on every call: no object is shared between two records', () => {
    const first = objectsOf(exoticValues());
    for (const object of objectsOf(exoticValues())) expect(first.has(object)).toBe(false);
  });
});

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'Date';
  if (value instanceof Map) return 'Map';
  if (value instanceof Set) return 'Set';
  if (value instanceof Uint8Array) return 'Uint8Array';
  return typeof value;
}
