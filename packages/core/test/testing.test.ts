import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { testWithTempDir } from '@omega/test-kit';
import { describe, expect, it } from 'vitest';
import { canonicalize } from '../src/canonical.js';
import { ClosedError, NotFoundError, OmegaError } from '../src/errors.js';
import { cloneVal, decode, encode, fromJsonValue, toJsonValue } from '../src/serde.js';
import {
  assertSameValue,
  check,
  editFramedFile,
  exoticValues,
  mulberry32,
  readFramedText,
  rejectionOf,
  thrownBy,
  valueDifference,
  writeFramedText,
} from '../src/testing.js';
import type { Val } from '../src/val.js';
import { expectSameVal, objectsOf } from './values.js';

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
    expectSameVal(decoded, values);
    expect(canonicalize(decoded)).toBe(canonicalize(values));
    expect(encode(decoded)).toBe(encode(values));
    for (const [key, value] of Object.entries(values)) {
      expectSameVal(decode(encode(value)), value, key);
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
    expectSameVal(viaJson, values);
    expect(canonicalize(viaJson)).toBe(canonicalize(values));
    const clone = cloneVal(values);
    expectSameVal(clone, values);
    expect(canonicalize(clone)).toBe(canonicalize(values));
  });

  it('is fresh on every call: no object is shared between two records', () => {
    const first = objectsOf(exoticValues());
    for (const object of objectsOf(exoticValues())) expect(first.has(object)).toBe(false);
  });
});

describe('valueDifference and assertSameValue', () => {
  it('find no difference between a value and itself or an exact copy', () => {
    for (const value of Object.values(exoticValues())) {
      expect(valueDifference(value, value)).toBeNull();
    }
    expect(valueDifference(exoticValues(), exoticValues())).toBeNull();
    expect(valueDifference(cloneVal(exoticValues()), exoticValues())).toBeNull();
    expect(() => assertSameValue(exoticValues(), exoticValues())).not.toThrow();
  });

  it('compare primitives with Object.is: NaN is NaN, -0 is not 0', () => {
    expect(valueDifference(Number.NaN, Number.NaN)).toBeNull();
    expect(valueDifference(Number.NaN, 0)).toBe('$: NaN instead of 0');
    expect(valueDifference(-0, -0)).toBeNull();
    expect(valueDifference(-0, 0)).not.toBeNull();
    expect(valueDifference(0, -0)).not.toBeNull();
    expect(valueDifference([0], [-0])).toMatch(/^\$\[0\]: /);
    expect(valueDifference(1n, 1n)).toBeNull();
    expect(valueDifference(1n, 1)).toBe('$: 1n instead of 1');
    expect(valueDifference('1', 1)).toBe('$: "1" instead of 1');
    expect(valueDifference(null, undefined)).toBe('$: null instead of undefined');
    expect(valueDifference(undefined, null)).toBe('$: undefined instead of null');
    expect(valueDifference({}, null)).toBe('$: an Object instead of null');
  });

  it('tell a key holding undefined from a missing key', () => {
    expect(valueDifference({ a: undefined }, { a: undefined })).toBeNull();
    expect(valueDifference({ a: undefined }, {})).toBe('$: unexpected key "a"');
    expect(valueDifference({}, { a: undefined })).toBe('$: missing key "a"');
    expect(valueDifference({ a: 1, b: undefined }, { a: 1 })).toBe('$: unexpected key "b"');
  });

  it('ignore the order of object keys', () => {
    expect(valueDifference({ a: 1, b: { c: 2, d: 3 } }, { b: { d: 3, c: 2 }, a: 1 })).toBeNull();
  });

  it('keep the order of Map entries, Set elements and array items', () => {
    const map = (entries: Array<[unknown, unknown]>) => new Map(entries);
    expect(
      valueDifference(
        map([
          [1, 'a'],
          [2, 'b'],
        ]),
        map([
          [1, 'a'],
          [2, 'b'],
        ]),
      ),
    ).toBeNull();
    expect(
      valueDifference(
        map([
          [1, 'a'],
          [2, 'b'],
        ]),
        map([
          [2, 'b'],
          [1, 'a'],
        ]),
      ),
    ).toBe('$.<key 0>: 1 instead of 2');
    expect(valueDifference(map([[1, 'a']]), map([[1, 'b']]))).toBe('$.<value 0>: "a" instead of "b"');
    expect(valueDifference(new Set([1, 2]), new Set([1, 2]))).toBeNull();
    expect(valueDifference(new Set([1, 2]), new Set([2, 1]))).toBe('$.<element 0>: 1 instead of 2');
    expect(valueDifference(new Set([1]), new Set([1, 2]))).toBe('$: 1 entries instead of 2');
    expect(valueDifference([1, 2], [2, 1])).toBe('$[0]: 1 instead of 2');
    expect(valueDifference([1], [1, undefined])).toBe('$: 1 entries instead of 2');
  });

  it('never take one kind of container for another', () => {
    expect(valueDifference(new Map(), {})).toBe('$: a Map instead of an object');
    expect(valueDifference({}, new Map())).toBe('$: an object instead of a Map');
    expect(valueDifference(new Set(), [])).toBe('$: a Set instead of an array');
    expect(valueDifference([1, 2], new Uint8Array([1, 2]))).toBe('$: an array instead of a Uint8Array');
    expect(valueDifference({ 0: 1, length: 1 }, [1])).toBe('$: an object instead of an array');
    expect(valueDifference(new (class Point {})(), {})).toBe('$: a Point instead of an object');
    expect(valueDifference(Object.create(null), {})).toBeNull();
  });

  it('compare Dates by time and byte arrays by bytes', () => {
    expect(valueDifference(new Date(5), new Date(5))).toBeNull();
    expect(valueDifference(new Date(Number.NaN), new Date(Number.NaN))).toBeNull();
    expect(valueDifference(new Date(1), new Date(2))).toBe('$: Date 1 instead of 2');
    expect(valueDifference(5, new Date(5))).toBe('$: 5 instead of a Date');
    expect(valueDifference(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBeNull();
    expect(valueDifference(Buffer.from([1, 2]), new Uint8Array([1, 2]))).toBeNull();
    expect(valueDifference(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(
      '$: bytes [1,2] instead of [1,3]',
    );
    expect(valueDifference(new Uint8Array([1]), new Uint8Array([1, 0]))).toBe(
      '$: bytes [1] instead of [1,0]',
    );
  });

  it('say where a nested difference is', () => {
    const actual = { store: { 'a b': [1, { x: 2 }] } };
    const expected = { store: { 'a b': [1, { x: 3 }] } };
    expect(valueDifference(actual, expected)).toBe('$.store["a b"][1].x: 2 instead of 3');
    expect(() => assertSameValue(actual, expected)).toThrow(new Error('$.store["a b"][1].x: 2 instead of 3'));
    expect(() => assertSameValue(actual, expected, 'loaded state')).toThrow(
      new Error('loaded state: $.store["a b"][1].x: 2 instead of 3'),
    );
  });

  it('assertSameValue fails with a plain Error, not an OmegaError', () => {
    const error = syncFailureOf(() => assertSameValue(1, 2));
    expect(error.message).toBe('$: 1 instead of 2');
  });
});

describe('check', () => {
  it('passes when the condition holds, and throws a plain Error with the message otherwise', () => {
    expect(() => check(true, 'unused')).not.toThrow();
    expect(syncFailureOf(() => check(false, 'it broke')).message).toBe('it broke');
  });
});

describe('mulberry32', () => {
  it('gives the same sequence for the same seed, as the reference mulberry32 does', () => {
    const take = (seed: number, count: number) => {
      const next = mulberry32(seed);
      return Array.from({ length: count }, () => next());
    };
    expect(take(42, 3)).toEqual([0.6011037519201636, 0.44829055899754167, 0.8524657934904099]);
    expect(take(42, 1000)).toEqual(take(42, 1000));
    expect(take(7, 1000)).toEqual(take(7, 1000));
    expect(take(1, 10)).not.toEqual(take(2, 10));
  });

  it('takes the seed as an unsigned 32-bit integer', () => {
    const first = (seed: number) => mulberry32(seed)();
    expect(first(2 ** 32 + 5)).toBe(first(5));
    expect(first(-1)).toBe(first(2 ** 32 - 1));
  });

  it('keeps independent generators apart', () => {
    const a = mulberry32(9);
    const b = mulberry32(9);
    const fromA = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(fromA);
  });

  it('gives numbers in [0, 1), spread over the range', () => {
    const next = mulberry32(12345);
    const values = Array.from({ length: 10_000 }, () => next());
    expect(values.filter((value) => !(value >= 0 && value < 1))).toEqual([]);
    const buckets = new Array<number>(10).fill(0);
    for (const value of values) buckets[Math.floor(value * 10)]! += 1;
    expect(buckets.filter((count) => count < 800)).toEqual([]);
  });
});

describe('framed text', () => {
  const test = testWithTempDir('omega-framed-text-');

  test('readFramedText reads the header line and the body; writeFramedText keeps bodyBytes true', async ({
    dir,
  }) => {
    const file = join(dir, 'doc.jsonl');
    await writeFramedText(file, { header: { format: 'omega.x', bodyBytes: 1 }, body: '"é"' });
    expect(await readFile(file, 'utf8')).toBe('{"format":"omega.x","bodyBytes":4}\n"é"\n');
    expect(await readFramedText(file)).toEqual({ header: { format: 'omega.x', bodyBytes: 4 }, body: '"é"' });
  });

  test('editFramedFile rewrites through an edit, keeping the framing', async ({ dir }) => {
    const file = join(dir, 'doc.jsonl');
    await writeFramedText(file, { header: { format: 'omega.x', n: 1 }, body: '1' });
    await editFramedFile(file, ({ header, body }) => ({ header: { ...header, n: 2 }, body: `${body}234` }));
    expect(await readFile(file, 'utf8')).toBe('{"format":"omega.x","n":2,"bodyBytes":4}\n1234\n');
  });

  test('readFramedText fails on a file that is not two newline-terminated lines', async ({ dir }) => {
    const file = join(dir, 'doc.jsonl');
    for (const text of ['', '{}', '{}\nbody']) {
      await writeFile(file, text);
      await expect(readFramedText(file)).rejects.toThrow(`${file} is not two newline-terminated lines`);
    }
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
