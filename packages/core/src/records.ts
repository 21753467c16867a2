import { z } from 'zod';
import { isValidName, NAME_RULE } from './names.js';
import { ValSchema } from './val.js';

/** A stored name ({@link NAME_RULE}). */
export const NameSchema = z.string().refine(isValidName, { message: `names must be ${NAME_RULE}` });

/**
 * A string-keyed record whose values match `item`. Unlike `z.record`, it validates in place and returns
 * the same object, so an own `"__proto__"` key (which JSON.parse creates) is kept, not turned into a
 * prototype or dropped.
 */
export function recordOf<T>(item: z.ZodType<T>) {
  return z
    .custom<Record<string, T>>((value) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
      const proto = Object.getPrototypeOf(value);
      return proto === Object.prototype || proto === null;
    }, 'expected a plain object')
    .check((ctx) => {
      const record = ctx.value as Record<string, unknown>;
      for (const key of Object.keys(record)) {
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

/**
 * CESK machine state: Control, Environment (variable to store address), Store (address to value),
 * Kontinuation, plus a step counter and a status.
 */
export const StateSchema = z.object({
  control: ValSchema,
  env: recordOf(z.string()),
  store: recordOf(ValSchema),
  kont: z.array(ValSchema),
  step: z.number().int().nonnegative(),
  status: StateStatusSchema,
});
export type State = z.infer<typeof StateSchema>;

/** A fresh, empty machine state. */
export function emptyState(): State {
  return { control: null, env: {}, store: {}, kont: [], step: 0, status: 'running' };
}

/** What a session persists: the machine state and free-form metadata. */
export const SessionDataSchema = z.object({
  state: StateSchema,
  meta: recordOf(ValSchema).default({}),
});
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
export const MachineSnapshotSchema = z.object({
  state: StateSchema,
  createdAt: TimestampSchema,
  label: z.string().optional(),
  /** Name of the snapshot this one was taken after, if any. */
  parent: z.string().optional(),
});
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
