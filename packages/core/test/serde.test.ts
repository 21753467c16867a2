import { Buffer } from 'node:buffer';
import { wideValArbitrary } from '@omega/test-kit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isOmegaError, type OmegaError, type OmegaErrorCode } from '../src/errors.js';
import { cloneVal, decode, encode, fromJsonValue, toJsonValue } from '../src/serde.js';
import { unstorableValues } from '../src/testing.js';
import type { Val } from '../src/val.js';
import { expectSameVal, keyOrders, nestedArrays, objectsOf } from './values.js';

function errorOf(code: OmegaErrorCode, action: () => unknown): OmegaError {
  try {
    action();
  } catch (error) {
    if (isOmegaError(error, code)) return error;
    throw error;
  }
  throw new Error(`expected a ${code} error, but nothing was thrown`);
}

function withOwnKey(key: string, value: Val, base: Record<string, Val> = {}): Record<string, Val> {
  return Object.defineProperty(base, key, { value, enumerable: true, writable: true, configurable: true });
}

class Point {
  x = 1;
}

const cycle: Record<string, Val> = { a: 1 };
cycle.self = cycle;

describe('encode and decode', () => {
  it.each<[string, Val, string]>([
    ['undefined', undefined, '{"$t":"undefined"}'],
    ['a bigint', 12345678901234567890n, '{"$t":"bigint","v":"12345678901234567890"}'],
    ['a negative bigint', -7n, '{"$t":"bigint","v":"-7"}'],
    ['NaN', Number.NaN, '{"$t":"NaN"}'],
    ['Infinity', Number.POSITIVE_INFINITY, '{"$t":"Infinity"}'],
    ['-Infinity', Number.NEGATIVE_INFINITY, '{"$t":"-Infinity"}'],
    ['-0', -0, '{"$t":"-0"}'],
    ['a Date', new Date(Date.UTC(2024, 0, 2)), '{"$t":"Date","v":1704153600000}'],
    ['an invalid Date', new Date(Number.NaN), '{"$t":"Date","v":null}'],
    [
      'a Map',
      new Map<Val, Val>([
        [1, 'a'],
        [{ k: 1n }, null],
      ]),
      '{"$t":"Map","v":[[1,"a"],[{"k":{"$t":"bigint","v":"1"}},null]]}',
    ],
    ['a Set', new Set<Val>([1, 'a', undefined]), '{"$t":"Set","v":[1,"a",{"$t":"undefined"}]}'],
    ['a Uint8Array', new Uint8Array([1, 2, 3, 255]), '{"$t":"Uint8Array","v":"AQID/w=="}'],
    ['an object with its own "$t"', { $t: 'bigint', v: '1' }, '{"$t":"object","v":{"$t":"bigint","v":"1"}}'],
    ['a "$t" holding a tagged value', { $t: 2n }, '{"$t":"object","v":{"$t":{"$t":"bigint","v":"2"}}}'],
    ['a "$t" holding undefined', { $t: undefined }, '{"$t":"object","v":{"$t":{"$t":"undefined"}}}'],
    ['undefined in an object', { a: undefined, b: 1 }, '{"a":{"$t":"undefined"},"b":1}'],
    ['undefined in an array', [undefined, 1], '[{"$t":"undefined"},1]'],
  ])('writes %s as a tag and reads it back exactly', (_label, value, text) => {
    expect(encode(value)).toBe(text);
    expectSameVal(decode(text), value);
  });

  it('writes plain JSON exactly as JSON.stringify does', () => {
    const value = { b: [1, 'two', true, null, { c: 2.5e-7 }], a: '"$t" inside a string', 10: 'x', 9: 'y' };
    expect(encode(value)).toBe(JSON.stringify(value));
    expect(decode(encode(value))).toEqual(value);
  });

  it('revives tags only where they are, leaving "$t" in strings alone', () => {
    expect(decode('["$t", {"$t": "-0"}, {"k": "$t"}]')).toEqual(['$t', -0, { k: '$t' }]);
    expect(Object.is((decode('[{"$t":"-0"}]') as Val[])[0], -0)).toBe(true);
  });

  it('reads sparse array holes back as undefined', () => {
    const sparse: Val[] = [1];
    sparse[2] = 3;
    const back = decode(encode(sparse)) as Val[];
    expect(back).toHaveLength(3);
    expect(1 in back).toBe(true);
    expect(back[1]).toBeUndefined();
  });

  it('stores a Buffer as bytes and reads back a plain Uint8Array', () => {
    const back = decode(encode({ b: Buffer.from('hi') })) as { b: Uint8Array };
    expect(Object.getPrototypeOf(back.b)).toBe(Uint8Array.prototype);
    expect([...back.b]).toEqual([104, 105]);
  });

  it('encodes only the viewed bytes of a Uint8Array that shares a larger buffer', () => {
    const view = new Uint8Array(new Uint8Array([9, 1, 2, 9]).buffer, 1, 2);
    const back = decode(encode(view)) as Uint8Array;
    expect([...back]).toEqual([1, 2]);
    expect(back.buffer.byteLength).toBe(2);
  });

  it('reads a null-prototype object back as a plain object', () => {
    const value = Object.assign(Object.create(null) as Record<string, Val>, { a: 1, n: undefined });
    const back = decode(encode(value)) as Record<string, Val>;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expectSameVal(back, value);
  });

  it('keeps an own "__proto__" key as data, never as the prototype', () => {
    const value = withOwnKey('__proto__', { polluted: 1n }, { a: 1 });
    const back = decode(encode(value)) as Record<string, Val>;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.keys(back)).toEqual(['a', '__proto__']);
    expectSameVal(back, value);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const escaped = decode('{"$t":"object","v":{"$t":1,"__proto__":{"$t":"-0"}}}') as Record<string, Val>;
    expect(Object.getPrototypeOf(escaped)).toBe(Object.prototype);
    expect(Object.is(Object.getOwnPropertyDescriptor(escaped, '__proto__')?.value, -0)).toBe(true);
  });

  it('leaves out symbol-keyed and non-enumerable properties, a hidden "$t" included', () => {
    const value: Record<string, Val> = { a: 1 };
    Object.defineProperty(value, '$t', { value: 'Map', enumerable: false });
    Object.defineProperty(value, Symbol('s'), { value: 2, enumerable: true });
    expect(encode(value)).toBe('{"a":1}');
  });

  it('keeps the insertion order of keys, Map entries and Set elements', () => {
    const value = {
      z: new Map<Val, Val>([
        ['b', 1],
        ['a', 2],
      ]),
      y: new Set<Val>([3, 1, 2]),
    };
    const back = decode(encode(value)) as typeof value;
    expect(Object.keys(back)).toEqual(['z', 'y']);
    const nested = { b: 1, a: { d: [{ f: 1, e: 2 }], c: 3 } };
    expect(keyOrders(decode(encode(nested)))).toStrictEqual([
      ['b', 'a'],
      ['d', 'c'],
      ['f', 'e'],
    ]);
    expect([...back.z.keys()]).toEqual(['b', 'a']);
    expect([...back.y]).toEqual([3, 1, 2]);
  });

  it('round-trips values nested to the depth limit, Maps included', () => {
    const arrays = nestedArrays(1000, [1n]);
    expectSameVal(decode(encode(arrays)), arrays);
    let maps: Val = 'leaf';
    for (let i = 1; i <= 1000; i++) maps = new Map<Val, Val>([[i, maps]]);
    expectSameVal(decode(encode(maps)), maps);
  });

  it('finds a tag after other dollar signs, and leaves "$t" as a string alone', () => {
    expectSameVal(decode('{"a":"$$","b$":["$"],"c":{"$t":"bigint","v":"1"}}'), {
      a: '$$',
      b$: ['$'],
      c: 1n,
    });
    expectSameVal(decode('{"a":"$t","b":"x$t","c":"$tt"}'), { a: '$t', b: 'x$t', c: '$tt' });
    const value = { price: '$5 $$', list: ['$t', '"$t"', '$'], big: 12n };
    expectSameVal(decode(encode(value)), value);
    const many = { dollars: '$'.repeat(100), big: 12n };
    expectSameVal(decode(encode(many)), many);
    expectSameVal(decode(JSON.stringify({ dollars: '$'.repeat(100) })), { dollars: '$'.repeat(100) });
  });

  it('property: decode(encode(v)) equals v', () => {
    fc.assert(
      fc.property(wideValArbitrary, (value) => {
        expectSameVal(decode(encode(value)), value);
      }),
      { seed: 42, numRuns: 400 },
    );
  });
});

describe('values that cannot be stored', () => {
  it.each(unstorableValues())('rejects $label with InvalidArgumentError', ({ value }) => {
    const error = errorOf('INVALID_ARGUMENT', () => encode(value as Val));
    expect(error.details).toMatchObject({ path: expect.stringMatching(/^\$/), reason: expect.any(String) });
  });

  it.each<[string, unknown, string]>([
    ['a function in an object', { a: { f: () => 1 } }, '$.a.f'],
    ['a symbol in an array', [1, Symbol('s')], '$[1]'],
    ['a cycle', { list: [cycle] }, '$.list[0].self'],
    ['a class instance', { p: new Point() }, '$.p'],
    ['a Map key', new Map([[() => 1, 1]]), '$.<key 0>'],
    [
      'a Map value',
      new Map<unknown, unknown>([
        [1, 1],
        [2, new WeakMap()],
      ]),
      '$.<value 1>',
    ],
    ['a Set element', new Set<unknown>([1, Promise.resolve()]), '$.<element 1>'],
    ['an odd key', { 'a b': [new Int16Array(1)] }, '$["a b"][0]'],
    ['a boxed string', [Object('s')], '$[0]'],
    [
      'a cycle through a Map',
      (() => {
        const map = new Map<unknown, unknown>();
        map.set('me', [map]);
        return map;
      })(),
      '$.<value 0>[0]',
    ],
    [
      'a cycle through a Set',
      (() => {
        const set = new Set<unknown>();
        set.add({ set });
        return set;
      })(),
      '$.<element 0>.set',
    ],
    ['nesting past 1000 containers', { deep: nestedArrays(1000) }, `$.deep${'[0]'.repeat(999)}`],
  ])('rejects %s with its path', (_label, value, path) => {
    const error = errorOf('INVALID_ARGUMENT', () => encode(value as Val));
    expect(error.details.path).toBe(path);
    expect(typeof error.details.reason).toBe('string');
    expect(errorOf('INVALID_ARGUMENT', () => toJsonValue(value as Val)).details).toEqual(error.details);
    expect(errorOf('INVALID_ARGUMENT', () => cloneVal(value as Val)).details).toEqual(error.details);
  });

  it('rejects a value nested far beyond the limit without a RangeError', () => {
    const deep = nestedArrays(200_000);
    expect(errorOf('INVALID_ARGUMENT', () => encode(deep)).details.path).toBe(`$${'[0]'.repeat(1000)}`);
    expect(isOmegaError(errorOf('INVALID_ARGUMENT', () => cloneVal(deep)))).toBe(true);
  });

  it('turns a stack overflow into InvalidArgumentError when called with little stack left', () => {
    const value = { deep: nestedArrays(900, [new Map<Val, Val>([[1, undefined]])]) };
    const outcomes = new Set<string>();
    // Calls encode below ever deeper recursion, until even the recursion runs out of stack.
    const atDepth = (frames: number): string => {
      if (frames > 0) return atDepth(frames - 1);
      try {
        encode(value);
        return 'encoded';
      } catch (error) {
        return isOmegaError(error, 'INVALID_ARGUMENT') ? 'invalid' : 'leaked';
      }
    };
    for (let frames = 0; !outcomes.has('unreachable'); frames += 50) {
      try {
        outcomes.add(atDepth(frames));
      } catch {
        outcomes.add('unreachable');
      }
    }
    expect(outcomes.has('encoded')).toBe(true);
    expect(outcomes.has('invalid')).toBe(true);
    expect(outcomes.has('leaked')).toBe(false);
  });
});

describe('decode of bad input', () => {
  const tagged = encode({ a: [1n, new Date(0)] });

  it.each<[string, string]>([
    ['empty text', ''],
    ['truncated text', tagged.slice(0, -3)],
    ['a truncated plain document', '{"a":[1,2'],
    ['text after the value', '{"a":1} x'],
    ['a JavaScript literal', 'undefined'],
  ])('rejects %s as invalid JSON at $', (_label, text) => {
    expect(errorOf('CORRUPT_DATA', () => decode(text)).details).toMatchObject({ path: '$' });
  });

  it.each<[string, string, string]>([
    ['an unknown tag', '{"a":[1,{"$t":"Function","v":"x"}]}', '$.a[1]'],
    ['a "$t" that is not a string', '{"$t":1}', '$'],
    ['a bare tag with a payload', '{"$t":"NaN","v":1}', '$'],
    ['a tag without its payload', '[{"$t":"bigint"}]', '$[0]'],
    ['a tag with an extra key', '{"$t":"Date","v":0,"w":1}', '$'],
    ['a bigint payload that is a number', '{"$t":"bigint","v":1}', '$.v'],
    ['a bigint payload with a fraction', '{"$t":"bigint","v":"1.5"}', '$.v'],
    ['a non-canonical bigint', '{"$t":"bigint","v":"01"}', '$.v'],
    ['a Date payload that is a string', '{"$t":"Date","v":"2024-01-01"}', '$.v'],
    ['a Date out of range', '{"$t":"Date","v":8640000000000001}', '$.v'],
    ['a fractional Date', '{"$t":"Date","v":1.5}', '$.v'],
    ['base64 without padding', '{"$t":"Uint8Array","v":"AQI"}', '$.v'],
    ['base64 with foreign characters', '{"$t":"Uint8Array","v":"A!I="}', '$.v'],
    ['bytes that are not a string', '{"$t":"Uint8Array","v":[1,2]}', '$.v'],
    ['a Map payload that is an object', '{"m":{"$t":"Map","v":{}}}', '$.m.v'],
    ['a Map entry that is not a pair', '{"$t":"Map","v":[[1,2],[3]]}', '$.v[1]'],
    ['a Map with a repeated key', '{"$t":"Map","v":[[1,2],[1,3]]}', '$.v'],
    ['a bad tag inside a Map key', '{"$t":"Map","v":[[1,2],[{"$t":"x"},3]]}', '$.v[1][0]'],
    ['a bad tag inside a Map value', '{"$t":"Map","v":[[1,{"$t":"-0","v":0}]]}', '$.v[0][1]'],
    ['a Set with a repeated element', '{"$t":"Set","v":[1,1]}', '$.v'],
    ['a bad tag inside a Set', '{"$t":"Set","v":[1,{"$t":"bigint","v":"x"}]}', '$.v[1].v'],
    ['an escaped object without "$t"', '{"$t":"object","v":{"a":1}}', '$.v'],
    ['an escaped array', '{"$t":"object","v":["$t"]}', '$.v'],
    ['a bad tag inside an escaped object', '{"$t":"object","v":{"$t":1,"k":{"$t":"?"}}}', '$.v.k'],
  ])('rejects %s with its path', (_label, text, path) => {
    const error = errorOf('CORRUPT_DATA', () => decode(text));
    expect(error.details.path).toBe(path);
    expect(typeof error.details.reason).toBe('string');
    expect(errorOf('CORRUPT_DATA', () => fromJsonValue(JSON.parse(text))).details).toEqual(error.details);
  });

  it('rejects tagged text nested too deeply for the stack as corrupt, not with a RangeError', () => {
    const text = `${'['.repeat(300_000)}{"$t":"undefined"}${']'.repeat(300_000)}`;
    expect(typeof errorOf('CORRUPT_DATA', () => decode(text)).details.reason).toBe('string');
  });

  it('rejects a non-string argument', () => {
    errorOf('INVALID_ARGUMENT', () => decode(Buffer.from('1') as unknown as string));
  });
});

describe('toJsonValue and fromJsonValue', () => {
  it('give the tagged form that encode stringifies, as a new tree', () => {
    const plain = { a: [1, { b: 'c' }] };
    const json = toJsonValue(plain);
    expect(json).toEqual(plain);
    expect(objectsOf(json).has(plain.a)).toBe(false);
    const rich = { n: Number.NaN, m: new Map([[1n, [undefined]]]) };
    expect(JSON.stringify(toJsonValue(rich))).toBe(encode(rich));
  });

  it('embed a value in a larger document and read it back without changing the document', () => {
    const value = { when: new Date(3), bytes: new Uint8Array([7]), $t: 'x' };
    const document = JSON.parse(JSON.stringify({ format: 'omega.test', body: toJsonValue(value) }));
    const frozen = deepFreeze(document.body);
    expectSameVal(fromJsonValue(frozen), value);
    expect(frozen).toEqual(JSON.parse(encode(value)));
  });

  it.each<[string, unknown, string]>([
    ['undefined', { a: undefined }, '$.a'],
    ['a bigint', [1n], '$[0]'],
    ['a function', { f: () => 1 }, '$.f'],
    ['a Date', { d: new Date(0) }, '$.d'],
    ['a Map', [new Map()], '$[0]'],
    ['a class instance', { p: new Point() }, '$.p'],
    ['a cycle', cycle, '$.self'],
    ['a hole', Object.assign([], { 0: 1, 2: 2 }), '$[1]'],
  ])('reject JSON holding %s as corrupt', (_label, json, path) => {
    expect(errorOf('CORRUPT_DATA', () => fromJsonValue(json)).details.path).toBe(path);
  });

  it('property: fromJsonValue(toJsonValue(v)) equals v, and the JSON is what encode writes', () => {
    fc.assert(
      fc.property(wideValArbitrary, (value) => {
        const json = toJsonValue(value);
        expectSameVal(fromJsonValue(json), value);
        return JSON.stringify(json) === encode(value);
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});

describe('cloneVal', () => {
  it('copies every kind of value, sharing nothing', () => {
    const value: Val = {
      list: [1, -0, Number.NaN, 2n, undefined],
      when: new Date(5),
      bytes: Buffer.from([1, 2]),
      map: new Map<Val, Val>([[{ k: 1 }, new Set<Val>([[1]])]]),
      bare: Object.assign(Object.create(null) as Record<string, Val>, { $t: 'x' }),
    };
    const copy = cloneVal(value);
    expectSameVal(copy, value);
    const originals = objectsOf(value);
    expect([...objectsOf(copy)].filter((object) => originals.has(object))).toEqual([]);
    expect(Object.getPrototypeOf((copy as { bytes: Uint8Array }).bytes)).toBe(Uint8Array.prototype);
  });

  it('copies plain JSON with "__proto__" keys as data', () => {
    const value = withOwnKey('__proto__', [withOwnKey('__proto__', 1)]);
    const copy = cloneVal(value);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expectSameVal(copy, value);
  });

  it('property: cloneVal(v) equals v and shares no object with it', () => {
    fc.assert(
      fc.property(wideValArbitrary, (value) => {
        const copy = cloneVal(value);
        const originals = objectsOf(value);
        expectSameVal(copy, value);
        return [...objectsOf(copy)].every((object) => !originals.has(object));
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
