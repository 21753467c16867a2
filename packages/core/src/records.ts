import { z } from 'zod';
import { isValidName, NAME_RULE } from './names.js';
import { isVal, type Val, ValSchema } from './val.js';

/** A stored name ({@link NAME_RULE}). */
export const NameSchema = z.string().refine(isValidName, { message: `names must be ${NAME_RULE}` });

/**
 * A string-keyed record whose values match `item`. Unlike `z.record`, it validates in place and returns
 * the same object, so an own `"__proto__"` key (which JSON.parse creates) is kept, not turned into a
 * prototype or dropped. `accepts` is a fast predicate tried first, so zod runs only on failures; `null`
 * means the values are checked elsewhere (by serde) and only the record itself is checked.
 */
export function recordOf<T>(item: z.ZodType<T>, accepts: ((value: unknown) => boolean) | null) {
  return z
    .custom<Record<string, T>>((value) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
      const proto = Object.getPrototypeOf(value);
      return proto === Object.prototype || proto === null;
    }, 'expected a plain object')
    .check((ctx) => {
      if (accepts === null) return;
      const record = ctx.value as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        if (accepts(record[key])) continue;
        const result = item.safeParse(record[key]);
        if (result.success) continue;
        for (const issue of result.error.issues) {
          ctx.issues.push({
            ...issue,
            input: record[key],
            path: [key, ...issue.path],
          } as (typeof ctx.issues)[number]);
        }
      }
    });
}

/** Milliseconds since the Unix epoch. */
export const TimestampSchema = z.number().int().nonnegative();

/** Status of a CESK machine state. */
export const StateStatusSchema = z.enum(['running', 'halted', 'error']);

const isString = (value: unknown): boolean => typeof value === 'string';

/**
 * The parts a family builds its record schemas from, in two versions. `checked` parts validate every
 * value themselves (for `parseRecord` and a family's public schemas). `shape` parts check everything but
 * the values inside, which serde checks in the same walk that encodes or decodes them: use them only with
 * `encodeRecord`/`decodeRecord`/`cloneRecord`, so each value is walked once.
 */
export interface RecordParts {
  /** One {@link Val}. */
  val: z.ZodType<Val>;
  /** A string-keyed record of Vals (kept in place, own `"__proto__"` keys included). */
  valRecord: ReturnType<typeof recordOf<Val>>;
  /** A CESK machine {@link State}. */
  state: ReturnType<typeof stateOf>;
}

function stateOf(val: z.ZodType<Val>, valAccepts: ((value: unknown) => boolean) | null) {
  return z.object({
    control: val,
    env: recordOf(z.string(), isString),
    store: recordOf(val, valAccepts),
    kont: z.array(val),
    step: z.number().int().nonnegative(),
    status: StateStatusSchema,
  });
}

function partsOf(val: z.ZodType<Val>, valAccepts: ((value: unknown) => boolean) | null): RecordParts {
  return { val, valRecord: recordOf(val, valAccepts), state: stateOf(val, valAccepts) };
}

/** Record parts that validate every value: see {@link RecordParts}. */
export const CheckedParts: RecordParts = partsOf(ValSchema, isVal);

/** Structure-only record parts, for the record codec: see {@link RecordParts}. */
export const ShapeParts: RecordParts = partsOf(z.custom<Val>(), null);

/**
 * CESK machine state: Control, Environment (variable to store address), Store (address to value),
 * Kontinuation, plus a step counter and a status. Shared by the state, session and snapshot families.
 */
export const StateSchema = CheckedParts.state;
export type State = z.infer<typeof StateSchema>;

/** A fresh, empty machine state. */
export function emptyState(): State {
  return { control: null, env: {}, store: {}, kont: [], step: 0, status: 'running' };
}
