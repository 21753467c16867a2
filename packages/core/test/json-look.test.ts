import { wideValArbitrary } from '@omega/test-kit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { carefulValToJson, valToJson } from '../src/json-look.js';
import { decode, encode } from '../src/serde.js';
import type { Val } from '../src/val.js';
import { expectSameVal } from './values.js';

/** `value` with a getter somewhere inside, so that the fast path gives up and the careful walk runs. */
function withGetter(value: Val): Val {
  const holder: Record<string, Val> = { before: value };
  Object.defineProperty(holder, 'read', { get: () => value, enumerable: true, configurable: true });
  return [holder, value];
}

describe('the look-only fast path of encode', () => {
  it('property: writes the bytes the careful walk writes, and they decode to the same value', () => {
    fc.assert(
      fc.property(wideValArbitrary, fc.boolean(), (generated, getter) => {
        const value = getter ? withGetter(generated) : generated;
        const fast = JSON.stringify(valToJson(value));
        const careful = JSON.stringify(carefulValToJson(value));
        expect(fast).toBe(careful);
        expect(encode(value)).toBe(careful);
        expectSameVal(decode(fast), decode(careful));
      }),
      { seed: 1313, numRuns: 600 },
    );
  });

  it('hands plain data to the writer as it is, and copies only what needs a tag', () => {
    const plain = { a: [1, 'x', { b: true }], c: null };
    expect(valToJson(plain)).toBe(plain);
    const tagged = { a: [1, undefined], b: { c: 1 } };
    const json = valToJson(tagged) as { a: unknown[]; b: unknown };
    expect(json).not.toBe(tagged);
    expect(json.a).not.toBe(tagged.a);
    expect(json.b).toBe(tagged.b);
    expect(JSON.stringify(json)).toBe('{"a":[1,{"$t":"undefined"}],"b":{"c":1}}');
  });

  it('ignores what Object.prototype lists as enumerable, as the careful walk does', () => {
    Object.defineProperty(Object.prototype, 'inherited', {
      value: 1,
      enumerable: true,
      writable: true,
      configurable: true,
    });
    try {
      expect(encode({ a: 1, b: { c: [2] } })).toBe('{"a":1,"b":{"c":[2]}}');
    } finally {
      delete (Object.prototype as { inherited?: unknown }).inherited;
    }
  });

  it('reads a property with a setter and no getter as undefined, without running the setter', () => {
    let writes = 0;
    const value = { a: 1 };
    Object.defineProperty(value, 'b', {
      set: () => {
        writes++;
      },
      enumerable: true,
    });
    expect(encode(value)).toBe('{"a":1,"b":{"$t":"undefined"}}');
    expect(JSON.stringify(carefulValToJson(value))).toBe('{"a":1,"b":{"$t":"undefined"}}');
    expect(writes).toBe(0);
  });
});
