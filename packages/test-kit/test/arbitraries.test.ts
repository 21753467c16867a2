import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShapeParts, StateSchema, z } from '../../core/src/index.js';
import { arbitraryOf, stateArbitrary } from '../src/index.js';

const RUNS = { seed: 42, numRuns: 100 };

/** Every object in `value` that is not an array, Map, Set, Date or byte array. */
function plainObjects(value: unknown, found: object[] = []): object[] {
  if (typeof value !== 'object' || value === null || value instanceof Date || value instanceof Uint8Array) {
    return found;
  }
  const items = value instanceof Map || value instanceof Set ? [...value].flat() : Object.values(value);
  if (!Array.isArray(value) && !(value instanceof Map) && !(value instanceof Set)) found.push(value);
  for (const item of items) plainObjects(item, found);
  return found;
}

describe('arbitraryOf', () => {
  it('derives states that StateSchema parses back unchanged, made of plain objects', () => {
    fc.assert(
      fc.property(stateArbitrary, (state) => {
        expect(StateSchema.parse(state)).toStrictEqual(state);
        for (const object of plainObjects(state)) {
          expect(Object.getPrototypeOf(object)).toBe(Object.prototype);
        }
      }),
      RUNS,
    );
  });

  it("knows core's structure-only parts too", () => {
    fc.assert(
      fc.property(arbitraryOf(ShapeParts.state), (state) => {
        expect(ShapeParts.state.safeParse(state).error).toBeUndefined();
      }),
      RUNS,
    );
  });

  it('leaves optional keys out, never set to undefined, and always fills a default', () => {
    const schema = z.object({
      required: z.boolean(),
      optional: z.boolean().optional(),
      meta: z.string().default(''),
    });
    const values = fc.sample(arbitraryOf(schema), { seed: 42, numRuns: 200 });
    expect(values.some((value) => !('optional' in value))).toBe(true);
    expect(values.some((value) => typeof value.optional === 'boolean')).toBe(true);
    for (const value of values) {
      expect(Object.keys(value)).toEqual(expect.arrayContaining(['required', 'meta']));
      if ('optional' in value) expect(value.optional).toBeTypeOf('boolean');
    }
  });

  it('keeps numbers within integer formats and bounds', () => {
    const schemas = [
      z.number().int().min(3).max(5),
      z.number().int().gt(-2).lt(2),
      z.number().positive().lt(1),
      z.number().nonnegative(),
      z.int32(),
      z.uint32(),
      z.number(),
    ];
    for (const schema of schemas) {
      fc.assert(
        fc.property(arbitraryOf(schema), (value) => {
          expect(schema.safeParse(value).error).toBeUndefined();
        }),
        RUNS,
      );
    }
  });

  it('covers enums, literals, unions, nullables and arrays', () => {
    const schema = z.object({
      status: z.enum(['a', 'b']),
      kind: z.literal(['x', 1]),
      either: z.union([z.string(), z.number().int()]).nullable(),
      list: z.array(z.boolean().optional()),
    });
    fc.assert(
      fc.property(arbitraryOf(schema), (value) => {
        expect(schema.parse(value)).toStrictEqual(value);
      }),
      RUNS,
    );
  });

  describe('refuses what it cannot generate, naming where it is', () => {
    interface Node {
      children: Node[];
    }
    const node: z.ZodType<Node> = z.object({
      get children() {
        return z.array(node);
      },
    });
    const cases: Array<[string, z.core.$ZodType, RegExp]> = [
      ['an unknown custom part', z.object({ x: z.custom<string>() }), /\$\.x \(a zod custom\)/],
      ['a refinement', z.object({ name: z.string().refine((s) => s !== '') }), /\$\.name .*custom check/],
      ['a string format', z.email(), /\$ \(a zod string\).*string_format check/],
      ['a multipleOf check', z.array(z.number().multipleOf(2)), /\$\[\] \(a zod number\).*multiple_of check/],
      ['a float32 number', z.float32(), /\$ \(a zod number\).*float32 check/],
      ['an empty integer range', z.number().int().gt(1).lt(2), /no integer lies within its bounds/],
      ['a transform', z.object({ n: z.string().transform(Number) }), /\$\.n \(a zod pipe\)/],
      ['an exclusive union', z.xor([z.string(), z.boolean()]), /\$ \(a zod union\).*exclusive/],
      ['a zod record', z.record(z.string(), z.string()), /\$ \(a zod record\).*no generator/],
      ['a recursive schema', node, /\$\.children\[\] \(a zod object\).*contains itself/],
    ];
    for (const [what, schema, message] of cases) {
      it(what, () => {
        expect(() => arbitraryOf(schema)).toThrow(message);
      });
    }
  });
});
