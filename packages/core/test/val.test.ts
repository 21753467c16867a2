import { Buffer } from 'node:buffer';
import { wideValArbitrary } from '@omega/test-kit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unstorableValues } from '../src/testing.js';
import { explainNotVal, isVal, type Val, ValSchema } from '../src/val.js';
import { nestedArrays } from './values.js';

describe('isVal and explainNotVal', () => {
  it.each<[string, unknown]>([
    ['null', null],
    ['undefined', undefined],
    ['a bigint', 1n],
    ['NaN', Number.NaN],
    ['-0', -0],
    ['a Date', new Date(0)],
    ['a Buffer', Buffer.from('x')],
    ['a Map with object keys', new Map([[{ a: 1 }, new Set([1])]])],
    ['a null-prototype object', Object.create(null)],
    ['an object with its own "$t"', { $t: 'Map', v: 1 }],
    ['a sparse array', Object.assign([], { 0: 1, 2: 3 })],
    [
      'a shared, acyclic reference',
      (() => {
        const shared = { s: 1 };
        return [shared, { again: shared }];
      })(),
    ],
    ['nesting at the limit', nestedArrays(1000)],
  ])('accepts %s', (_label, value) => {
    expect(isVal(value)).toBe(true);
    expect(explainNotVal(value)).toBeNull();
  });

  it.each(unstorableValues())('rejects $label', ({ value }) => {
    expect(isVal(value)).toBe(false);
    expect(explainNotVal(value)).toMatchObject({
      path: expect.stringMatching(/^\$/),
      reason: expect.any(String),
    });
  });

  it.each<[string, unknown, { path: string; reason: string }]>([
    ['a function deep inside', { a: [{ b: () => 1 }] }, { path: '$.a[0].b', reason: 'a function' }],
    ['a symbol under an odd key', { 'x-y': Symbol('s') }, { path: '$["x-y"]', reason: 'a symbol' }],
    [
      'a class instance in a Set',
      new Set([1, new (class Thing {})()]),
      { path: '$.<element 1>', reason: 'an instance of Thing' },
    ],
    [
      'a WeakSet as a Map key',
      new Map([[new WeakSet(), 1]]),
      { path: '$.<key 0>', reason: 'an instance of WeakSet' },
    ],
    [
      'a cycle',
      (() => {
        const a: unknown[] = [];
        a.push({ a });
        return a;
      })(),
      { path: '$[0].a', reason: 'a cycle' },
    ],
  ])('explains %s', (_label, value, explanation) => {
    expect(explainNotVal(value)).toEqual(explanation);
  });

  it('rejects nesting past the limit, however deep, without a RangeError', () => {
    expect(explainNotVal(nestedArrays(1001))?.path).toBe(`$${'[0]'.repeat(1000)}`);
    expect(isVal(nestedArrays(100_000))).toBe(false);
  });

  it('property: every arbitrary value is a Val', () => {
    fc.assert(
      fc.property(wideValArbitrary, (value) => isVal(value)),
      { seed: 42, numRuns: 200 },
    );
  });
});

describe('ValSchema', () => {
  it('accepts values and rejects what cannot be stored', () => {
    const value: Val = { when: new Date(1), n: undefined };
    expect(ValSchema.parse(value)).toBe(value);
    const result = ValSchema.safeParse({ f: () => 1 });
    expect(result.success).toBe(false);
    expect(result.error?.issues).toHaveLength(1);
  });
});
