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

function defineRecords(val: z.ZodType<Val>, valAccepts: ((value: unknown) => boolean) | null) {
  const state = z.object({
    control: val,
    env: recordOf(z.string(), isString),
    store: recordOf(val, valAccepts),
    kont: z.array(val),
    step: z.number().int().nonnegative(),
    status: StateStatusSchema,
  });
  return {
    state,
    sessionData: z.object({
      state,
      meta: recordOf(val, valAccepts).default({}),
    }),
    machineSnapshot: z.object({
      state,
      createdAt: TimestampSchema,
      label: z.string().optional(),
      /** Name of the snapshot this one was taken after, if any. */
      parent: z.string().optional(),
    }),
  };
}

const checked = defineRecords(ValSchema, isVal);

// Serde has the last word on values: encode rejects what is not a Val, decode yields only Vals.
const serdeCheckedVal = z.custom<Val>();

/**
 * Structure-only twins of {@link StateSchema}, {@link SessionDataSchema} and
 * {@link MachineSnapshotSchema}: they check everything but the values inside, which serde checks in
 * the same walk that encodes or decodes them. Use them only together with `encodeRecord`/`decodeRecord`,
 * so each value is walked once.
 */
export const RecordShapes = defineRecords(serdeCheckedVal, null);

/**
 * CESK machine state: Control, Environment (variable to store address), Store (address to value),
 * Kontinuation, plus a step counter and a status.
 */
export const StateSchema = checked.state;
export type State = z.infer<typeof StateSchema>;

/** A fresh, empty machine state. */
export function emptyState(): State {
  return { control: null, env: {}, store: {}, kont: [], step: 0, status: 'running' };
}

/** What a session persists: the machine state and free-form metadata. */
export const SessionDataSchema = checked.sessionData;
export type SessionData = z.infer<typeof SessionDataSchema>;
/** {@link SessionData} as a caller may pass it (fields with defaults may be left out). */
export type SessionDataInput = z.input<typeof SessionDataSchema>;

/** What `list()` and `info()` report of a stored session. */
export const SessionInfoSchema = z.object({
  name: NameSchema,
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
  /** Bumped by every save; a new session starts at 1. */
  version: z.number().int().positive(),
  /** Bytes of the serialized {@link SessionData}. */
  size: z.number().int().nonnegative(),
});
export type SessionInfo = z.infer<typeof SessionInfoSchema>;

/** A checkpoint of a machine. */
export const MachineSnapshotSchema = checked.machineSnapshot;
export type MachineSnapshot = z.infer<typeof MachineSnapshotSchema>;

/** What `list()` reports of a stored snapshot. */
export const SnapshotInfoSchema = z.object({
  name: NameSchema,
  createdAt: TimestampSchema,
  /** Bytes of the serialized snapshot. */
  size: z.number().int().nonnegative(),
  /** SHA-256 (hex) of the snapshot's canonical encoding. */
  digest: z.string().regex(/^[0-9a-f]{64}$/),
});
export type SnapshotInfo = z.infer<typeof SnapshotInfoSchema>;
