import { Buffer } from 'node:buffer';
import fc from 'fast-check';
// Core's source, by path, never a package dependency: core's own tests use this kit, so that would be a
// cycle, and vitest runs this file (and core's source with it) unbuilt. The values come from records.js
// alone, so the kit loads the record schemas and the little they import, not all of core; the types come
// from the index, the one module that re-exports zod's.
import type { RecordParts, State, Val, z } from '../../core/src/index.js';
import { CheckedParts, NameSchema, ShapeParts, StateSchema } from '../../core/src/records.js';

/**
 * Object keys that stress an encoding: the tag and payload keys (`$t`, `v`), `__proto__` (fast-check
 * creates it as an own key with `Object.defineProperty`), keys named like Object methods, integer-like,
 * empty and non-ASCII keys. Never `constructor`: `toStrictEqual` reads it as a class marker, so two
 * equal values owning one would compare unequal.
 */
const keyArbitrary = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.constantFrom(
    '$t',
    'v',
    '__proto__',
    'toJSON',
    'toString',
    '0',
    '9',
    '10',
    '',
    'a b',
    '\u{1F600}',
    '\uFF61',
  ),
);

const wideKeyArbitrary = fc.oneof(keyArbitrary, fc.constant('constructor'));

const stringArbitrary = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  // Any UTF-16 code unit, lone surrogates included: they must come back unchanged.
  fc.string({
    unit: fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)),
    maxLength: 8,
  }),
  fc.string({
    unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit)),
    maxLength: 3,
  }),
  fc.constantFrom('$t', '"$t"', 'v', 'undefined', 'NaN'),
);

const exactLeafArbitrary: fc.Arbitrary<Val> = fc.oneof(
  fc.constantFrom<Val>(
    null,
    undefined,
    true,
    false,
    0,
    -0,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
  ),
  fc.double(),
  fc.integer(),
  fc.bigInt(),
  stringArbitrary,
  // Invalid Dates included: they round-trip too.
  fc.date(),
  fc.uint8Array({ maxLength: 12 }),
);

const wideLeafArbitrary: fc.Arbitrary<Val> = fc.oneof(
  exactLeafArbitrary,
  fc.uint8Array({ maxLength: 12 }).map((bytes) => Buffer.from(bytes)),
);

/** Nested `Val`s over `leaf` and `key`; `wide` adds sparse arrays and null-prototype objects. */
function valTree(leaf: fc.Arbitrary<Val>, key: fc.Arbitrary<string>, wide: boolean): fc.Arbitrary<Val> {
  const noNullPrototype = !wide;
  return fc.letrec<{
    val: Val;
    array: Val[];
    sparse: Val[];
    object: Record<string, Val>;
    lookalike: Record<string, Val>;
    map: Map<Val, Val>;
    set: Set<Val>;
  }>((tie) => ({
    val: fc.oneof(
      { depthSize: 'small', maxDepth: 4, withCrossShrink: true },
      leaf,
      tie('array'),
      ...(wide ? [tie('sparse')] : []),
      tie('object'),
      tie('lookalike'),
      tie('map'),
      tie('set'),
    ),
    array: fc.array(tie('val'), { maxLength: 5 }),
    sparse: fc.sparseArray(tie('val'), { maxLength: 5 }),
    object: fc.dictionary(key, tie('val'), { maxKeys: 5, noNullPrototype }),
    // User objects that look like serde's tagged values.
    lookalike: fc.record(
      {
        $t: fc.oneof(fc.constantFrom<Val>('bigint', 'map', 'Map', 'object', 'undefined', 'nope'), tie('val')),
        v: tie('val'),
      },
      { noNullPrototype },
    ),
    map: fc.array(fc.tuple(tie('val'), tie('val')), { maxLength: 4 }).map((entries) => new Map(entries)),
    set: fc.array(tie('val'), { maxLength: 4 }).map((items) => new Set(items)),
  })).val;
}

/**
 * Arbitrary `Val`s that survive every store's round trip exactly, so a test may compare with
 * `toStrictEqual`: every kind (NaN, ±0, ±Infinity, bigints, lone surrogates, invalid Dates, bytes, Maps,
 * Sets), plain objects with keys that stress the encoding (`$t`, `__proto__`, `toJSON`, …), and user
 * objects that look like serde's tags. Leaves out what serde normalizes (see {@link wideValArbitrary}).
 */
export const valArbitrary: fc.Arbitrary<Val> = valTree(exactLeafArbitrary, keyArbitrary, false);

/**
 * {@link valArbitrary} plus the values serde accepts but deliberately normalizes: sparse-array holes
 * (read back as `undefined`), `Buffer`s (as `Uint8Array`) and null-prototype objects (as plain ones); and
 * `constructor` keys. Compare its round trips with a serde-aware equality, not `toStrictEqual`.
 */
export const wideValArbitrary: fc.Arbitrary<Val> = valTree(wideLeafArbitrary, wideKeyArbitrary, true);

/** Records of {@link valArbitrary}s over the stress keys: a `valRecord` part, or a state's store. */
const valRecordArbitrary = fc.dictionary(keyArbitrary, valArbitrary, { maxKeys: 5, noNullPrototype: true });

/** A state's environment: strings over the stress keys. */
const envArbitrary = fc.dictionary(keyArbitrary, stringArbitrary, { maxKeys: 4, noNullPrototype: true });

/**
 * The arbitraries of the parts of `parts` that zod cannot describe: `z.custom` schemas, known here by
 * identity. Every custom part core builds is listed, so a new one is refused by name, never guessed.
 */
function customParts(parts: RecordParts): Array<[z.core.$ZodType, fc.Arbitrary<unknown>]> {
  return [
    [parts.val, valArbitrary],
    [parts.valRecord, valRecordArbitrary],
    [parts.state.shape.store, valRecordArbitrary],
    [parts.state.shape.env, envArbitrary],
  ];
}

/**
 * Stored names ({@link NameSchema}: a refined string): the edges of the rule (one character, 128, a dash
 * or underscore first, dots after the first character) among short ones.
 */
const NAME_CHARS = 'ABCZabcz0189._-';
const nameArbitrary = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(...NAME_CHARS.replace('.', '')),
      fc.string({ unit: fc.constantFrom(...NAME_CHARS), maxLength: 8 }),
    )
    .map(([first, rest]) => first + rest),
  fc.constantFrom('x'.repeat(128), '-', '_..'),
);

/** The custom parts of core's source: what its own schemas (and {@link stateArbitrary}) are made of. */
const sourceParts = new Map<z.core.$ZodType, fc.Arbitrary<unknown>>([
  ...customParts(CheckedParts),
  ...customParts(ShapeParts),
  [NameSchema, nameArbitrary],
]);

/** Options of {@link arbitraryOf}. */
export interface ArbitraryOptions {
  /**
   * Record parts whose custom schemas the walk knows, besides those of core's source (which it always
   * knows). A family's schemas are made of the parts of `@omega/core` as the family imports it, the built
   * package: another module than the source this kit imports, so other objects. Its tests pass that
   * `CheckedParts` here.
   */
  parts?: readonly RecordParts[];
  /** Name schemas (`NameSchema` of the `@omega/core` a family imports) the walk generates valid names for. */
  names?: readonly z.core.$ZodType[];
}

/**
 * Arbitrary values of `schema`'s output, derived from the schema itself, so tests follow it instead of
 * drifting from a copy. Objects get their required keys always and their optional ones sometimes (left
 * out, never set to `undefined`), as plain objects; strings are the kit's stress strings; numbers stay
 * within the schema's integer format and bounds; arrays have up to 4 elements; a default's inner value is
 * always there. Core's custom parts (a `Val`, a record of them, a state's store and environment) get
 * {@link valArbitrary} and records over the stress keys. A parse gives each value back unchanged.
 *
 * Anything else throws an Error naming the schema path (`$.state.control`, `$.kont[]`): a custom schema
 * this kit does not know, a refinement or check it cannot honour, a transform or pipe (their output is a
 * function's), a recursive schema, and every zod kind not listed here. A new schema part must be taught
 * to this file, not silently generated wrong.
 */
export function arbitraryOf<S extends z.core.$ZodType>(
  schema: S,
  options: ArbitraryOptions = {},
): fc.Arbitrary<z.output<S>> {
  const known = new Map(sourceParts);
  for (const parts of options.parts ?? []) {
    for (const [part, arbitrary] of customParts(parts)) known.set(part, arbitrary);
  }
  for (const name of options.names ?? []) known.set(name, nameArbitrary);
  return walk(schema, '$', { known, open: new Set() }) as fc.Arbitrary<z.output<S>>;
}

/** The schemas {@link walk} knows by identity, and those it is inside of (to refuse recursion). */
interface Walk {
  known: ReadonlyMap<z.core.$ZodType, fc.Arbitrary<unknown>>;
  open: Set<z.core.$ZodType>;
}

/** A check of a schema, as zod describes it (the fields the number checks have). */
interface CheckDef {
  check: string;
  value?: unknown;
  inclusive?: boolean;
  format?: string;
}

/** Throws the error of a schema the walk cannot generate, naming where it is and what to do. */
function refuse(path: string, kind: string, why: string): never {
  throw new Error(
    `arbitraryOf: cannot generate ${path} (a zod ${kind}): ${why}. ` +
      'Teach packages/test-kit/src/arbitraries.ts this part: it refuses what it might generate wrong.',
  );
}

/** The arbitrary of `schema`, found at `path` of the schema {@link arbitraryOf} was given. */
function walk(schema: z.core.$ZodType, path: string, state: Walk): fc.Arbitrary<unknown> {
  const known = state.known.get(schema);
  if (known) return known;
  const def = (schema as z.core.$ZodTypes)._zod.def;
  if (state.open.has(schema)) refuse(path, def.type, 'the schema contains itself');
  // A schema that is itself a check (`z.int()`) counts as one of its checks.
  const checks: CheckDef[] = [
    ...('check' in def && def.type !== 'custom' ? [def as CheckDef] : []),
    ...(def.checks ?? []).map((check) => check._zod.def as CheckDef),
  ];
  if (def.type !== 'number' && checks.length > 0) {
    refuse(path, def.type, `its ${checks.map((check) => check.check).join(', ')} check cannot be generated`);
  }
  state.open.add(schema);
  try {
    switch (def.type) {
      case 'object': {
        const model: Record<string, fc.Arbitrary<unknown>> = {};
        const requiredKeys: string[] = [];
        for (const [key, field] of Object.entries(def.shape)) {
          const optional = field._zod.optout === 'optional';
          if (!optional) requiredKeys.push(key);
          // An optional key is left out, not present as `undefined`: unwrap the optional to its value.
          const value =
            optional && field._zod.def.type === 'optional'
              ? (field as z.core.$ZodOptional)._zod.def.innerType
              : field;
          model[key] = walk(value, `${path}.${key}`, state);
        }
        return fc.record(model, { requiredKeys, noNullPrototype: true });
      }
      case 'array':
        return fc.array(walk(def.element, `${path}[]`, state), { maxLength: 4 });
      case 'string':
        return stringArbitrary;
      case 'number':
        return numberArbitrary(checks, path);
      case 'boolean':
        return fc.boolean();
      case 'enum':
      case 'literal': {
        // zod's own list of the allowed values (an enum's, without a numeric TS enum's reverse keys).
        const values = [...((schema._zod as { values?: ReadonlySet<unknown> }).values ?? [])];
        if (values.length === 0) refuse(path, def.type, 'it allows no value');
        return fc.constantFrom(...values);
      }
      case 'optional':
        return fc.option(walk(def.innerType, path, state), { nil: undefined });
      case 'nullable':
        return fc.option(walk(def.innerType, path, state), { nil: null });
      case 'default':
        return walk(def.innerType, path, state);
      case 'union':
        // An exclusive union (`z.xor`) takes values of exactly one option, which one option cannot ensure.
        if (def.inclusive === false) refuse(path, def.type, 'it is exclusive');
        return fc.oneof(...def.options.map((option, index) => walk(option, `${path}<${index}>`, state)));
      case 'custom':
        return refuse(
          path,
          def.type,
          'zod cannot describe its values, and it is none of the parts the kit knows (a family schema made ' +
            "of built core's parts needs `{ parts: [CheckedParts] }`, with the CheckedParts it imports)",
        );
      case 'pipe':
      case 'transform':
        return refuse(path, def.type, 'its output is what a function makes of the input');
      default:
        return refuse(path, def.type, 'the kit has no generator for this kind of schema');
    }
  } finally {
    state.open.delete(schema);
  }
}

/** The ranges of zod's integer formats (`z.int()` and `.int()` are `safeint`). */
const INTEGER_FORMATS: Readonly<Record<string, readonly [number, number]>> = {
  safeint: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  int32: [-(2 ** 31), 2 ** 31 - 1],
  uint32: [0, 2 ** 32 - 1],
};

/** Numbers honouring `checks`: an integer format and bounds; any other check is refused. */
function numberArbitrary(checks: readonly CheckDef[], path: string): fc.Arbitrary<number> {
  let integer = false;
  let min = Number.NEGATIVE_INFINITY;
  let max = Number.POSITIVE_INFINITY;
  let minExcluded = false;
  let maxExcluded = false;
  const atLeast = (value: number, inclusive: boolean) => {
    if (value > min || (value === min && !inclusive)) [min, minExcluded] = [value, !inclusive];
  };
  const atMost = (value: number, inclusive: boolean) => {
    if (value < max || (value === max && !inclusive)) [max, maxExcluded] = [value, !inclusive];
  };
  for (const check of checks) {
    if (check.check === 'greater_than') atLeast(Number(check.value), check.inclusive === true);
    else if (check.check === 'less_than') atMost(Number(check.value), check.inclusive === true);
    else if (check.check === 'number_format' && check.format === 'float64') continue;
    else if (
      check.check === 'number_format' &&
      check.format &&
      Object.hasOwn(INTEGER_FORMATS, check.format)
    ) {
      const [low, high] = INTEGER_FORMATS[check.format]!;
      integer = true;
      atLeast(low, true);
      atMost(high, true);
    } else refuse(path, 'number', `its ${check.format ?? check.check} check cannot be generated`);
  }
  if (!integer) {
    // zod's numbers are finite and never NaN.
    return fc.double({
      noNaN: true,
      noDefaultInfinity: true,
      ...(Number.isFinite(min) ? { min, minExcluded } : {}),
      ...(Number.isFinite(max) ? { max, maxExcluded } : {}),
    });
  }
  const low = minExcluded ? Math.floor(min) + 1 : Math.ceil(min);
  const high = maxExcluded ? Math.ceil(max) - 1 : Math.floor(max);
  if (low > high) refuse(path, 'number', `no integer lies within its bounds`);
  return fc.integer({ min: low, max: high });
}

/** Arbitrary `State`s, derived from core's `StateSchema` by {@link arbitraryOf}: exact round trips. */
export const stateArbitrary: fc.Arbitrary<State> = arbitraryOf(StateSchema);
