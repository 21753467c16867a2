import { wideValArbitrary } from '@omega/test-kit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalize, digestOf, sha256Hex } from '../src/canonical.js';
import { isOmegaError } from '../src/errors.js';
import { cloneVal, decode, encode } from '../src/serde.js';
import type { Val } from '../src/val.js';

/** The same value built in reverse insertion order at every level: objects, Maps and Sets. */
function reversed(value: Val): Val {
  if (typeof value !== 'object' || value === null || value instanceof Date || value instanceof Uint8Array) {
    return value;
  }
  if (Array.isArray(value)) return value.map(reversed);
  if (value instanceof Map) return new Map([...value].reverse().map(([k, v]) => [reversed(k), reversed(v)]));
  if (value instanceof Set) return new Set([...value].reverse().map(reversed));
  const out: Record<string, Val> = {};
  for (const key of Object.keys(value).reverse()) {
    Object.defineProperty(out, key, {
      value: reversed(value[key]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

describe('canonicalize', () => {
  it('writes keys sorted by code unit at every level, integer-like keys included', () => {
    const value = { b: { z: 1, y: [{ d: 1, c: 2 }] }, 10: 'ten', 9: 'nine', a: null };
    expect(canonicalize(value)).toBe('{"10":"ten","9":"nine","a":null,"b":{"y":[{"c":2,"d":1}],"z":1}}');
  });

  it('sorts objects with many keys as it sorts small ones', () => {
    const keys = Array.from({ length: 40 }, (_, i) => `k${(i * 7) % 40}`);
    const value = Object.fromEntries(keys.map((key) => [key, key]));
    const expected = `{${[...keys]
      .sort()
      .map((key) => `"${key}":"${key}"`)
      .join(',')}}`;
    expect(canonicalize(value)).toBe(expected);
  });

  it('leaves out a hidden "$t" rather than reading the object as a tag', () => {
    const value: Record<string, Val> = { a: 1 };
    Object.defineProperty(value, '$t', { value: 'Map', enumerable: false });
    expect(canonicalize(value)).toBe('{"a":1}');
  });

  it('orders by UTF-16 code unit, not by code point', () => {
    expect(canonicalize({ '\uFF61': 1, '\u{1F600}': 2 })).toBe('{"\u{1F600}":2,"\uFF61":1}');
  });

  it('writes tags as encode does, with Map entries and Set elements sorted', () => {
    const value = {
      s: new Set<Val>(['b', 'a', 2n]),
      m: new Map<Val, Val>([
        [{ y: 1, x: 2 }, undefined],
        ['k', -0],
      ]),
      $t: 'x',
    };
    expect(canonicalize(value)).toBe(
      '{"$t":"object","v":{"$t":"x",' +
        '"m":{"$t":"Map","v":[["k",{"$t":"-0"}],[{"x":2,"y":1},{"$t":"undefined"}]]},' +
        '"s":{"$t":"Set","v":["a","b",{"$t":"bigint","v":"2"}]}}}',
    );
  });

  it('gives the same string whatever the insertion order of keys, Map entries and Set elements', () => {
    const a = {
      x: 1,
      y: new Map<Val, Val>([
        [1, 'a'],
        [2, 'b'],
      ]),
      z: new Set<Val>([{ q: 1 }, { p: 2 }]),
    };
    const b = {
      z: new Set<Val>([{ p: 2 }, { q: 1 }]),
      y: new Map<Val, Val>([
        [2, 'b'],
        [1, 'a'],
      ]),
      x: 1,
    };
    expect(canonicalize(a)).toBe(canonicalize(b));
    expect(digestOf(a)).toBe(digestOf(b));
  });

  it('tells apart values that JSON would confuse', () => {
    const values: Val[] = [
      1,
      '1',
      1n,
      [1],
      new Set<Val>([1]),
      { $t: 'bigint', v: '1' },
      0,
      -0,
      Number.NaN,
      null,
      undefined,
      new Date(1),
      new Date(Number.NaN),
      new Uint8Array([1]),
      {},
      new Map(),
      [],
      new Set(),
      [undefined],
      [null],
    ];
    const strings = values.map(canonicalize);
    expect(new Set(strings).size).toBe(values.length);
  });

  it('is read back by decode', () => {
    const value = {
      m: new Map<Val, Val>([
        [2, 'b'],
        [1, 'a'],
      ]),
      n: Number.NEGATIVE_INFINITY,
    };
    expect(canonicalize(decode(canonicalize(value)))).toBe(canonicalize(value));
  });

  it('rejects what is not a value, with its path', () => {
    const cycle: Record<string, Val> = {};
    cycle.again = [cycle];
    try {
      canonicalize({ c: cycle });
      expect.unreachable('a cycle must be rejected');
    } catch (error) {
      expect(isOmegaError(error, 'INVALID_ARGUMENT')).toBe(true);
      expect((error as { details: unknown }).details).toEqual({ path: '$.c.again[0]', reason: 'a cycle' });
    }
  });

  it('property: canonical after a round trip, a clone, or a reversed rebuild is unchanged', () => {
    fc.assert(
      fc.property(wideValArbitrary, (value) => {
        const text = canonicalize(value);
        return (
          canonicalize(decode(encode(value))) === text &&
          canonicalize(cloneVal(value)) === text &&
          canonicalize(reversed(value)) === text &&
          canonicalize(decode(text)) === text
        );
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});

describe('sha256Hex and digestOf', () => {
  it('match the FIPS 180-2 test vectors for strings and bytes', () => {
    const abc = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
    expect(sha256Hex('abc')).toBe(abc);
    expect(sha256Hex(new TextEncoder().encode('abc'))).toBe(abc);
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('hash strings as UTF-8', () => {
    expect(sha256Hex('é')).toBe(sha256Hex(new Uint8Array([0xc3, 0xa9])));
  });

  it('digest the canonical encoding', () => {
    const value = { b: 2, a: new Set<Val>([3n]) };
    expect(digestOf(value)).toBe(sha256Hex(canonicalize(value)));
    expect(digestOf(value)).toMatch(/^[0-9a-f]{64}$/);
    expect(digestOf({ n: 0 })).not.toBe(digestOf({ n: -0 }));
  });
});
