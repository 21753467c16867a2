import { CorruptDataError, decode, encode, type LogEntry, logSpec, TimestampSchema, z } from '@omega/core';

/** What this family's names name (the fact base's log), in every error and name check. */
export const KIND = 'logic';

/** The fact base a provider opens when not given a `name`. */
export const DEFAULT_NAME = 'facts';

/**
 * What an entry records: a fact asserted, a rule added, a fact retracted, everything cleared, or (the
 * last entry of a compacted generation) where the base moved.
 */
const OpSchema = z.enum(['fact', 'rule', 'retract', 'clear', 'moved']);

/** Header of each entry of a fact base's log: what it records, and when (the front's clock). */
const EntryHeaderSchema = z.object({ op: OpSchema, at: TimestampSchema });
export type EntryHeader = z.infer<typeof EntryHeaderSchema>;

/**
 * A fact base on any log port: the log `logic/<name>` and, once compacted, `logic/<name>..<generation>.<id>`
 * (format `omega.logic` v1). Replaying the entries of the current generation in order rebuilds the base.
 */
export const LOG = logSpec({ kind: KIND, folder: 'logic', header: EntryHeaderSchema });

const FactBodySchema = z.strictObject({ fact: z.string().min(1) });
const RuleBodySchema = z.strictObject({ condition: z.string().min(1), conclusion: z.string().min(1) });
const ClearBodySchema = z.strictObject({});
const MovedBodySchema = z.strictObject({
  generation: z.number().int().positive(),
  snapshot: z.string().regex(/^[0-9a-f]{12}$/),
});

/** A change of the fact base, as an entry records it. */
export type Change =
  | { op: 'fact'; fact: string }
  | { op: 'retract'; fact: string }
  | { op: 'rule'; condition: string; conclusion: string }
  | { op: 'clear' };

/** The last entry of a compacted generation: the base lives on in the log of `generation` made with id `snapshot`. */
export type Moved = { op: 'moved' } & z.infer<typeof MovedBodySchema>;

/** What one entry says, decoded. */
export type Entry = Change | Moved;

const BODIES = {
  fact: FactBodySchema,
  retract: FactBodySchema,
  rule: RuleBodySchema,
  clear: ClearBodySchema,
  moved: MovedBodySchema,
} as const;

/** The entry recording `change`, stamped `at`. */
export function entryOf(change: Entry, at: number): { header: EntryHeader; body: string } {
  const { op, ...body } = change;
  return { header: { op, at }, body: encode(body) };
}

/**
 * What entry `entry` of log `log` says. An entry from a `prevalidated` port (memory: written by a front
 * of this process) is decoded as is; any other body is checked against its op's schema, and a bad one is
 * a `CorruptDataError` naming the log and the entry's position.
 */
export function entryIn(log: string, entry: LogEntry<EntryHeader>, prevalidated: boolean): Entry {
  const { op } = entry.header;
  let value: unknown;
  try {
    value = decode(entry.body);
  } catch (cause) {
    throw corruptEntry(log, entry.position, 'its body is not serde JSON', cause);
  }
  if (!prevalidated) {
    const parsed = BODIES[op].safeParse(value);
    if (!parsed.success) {
      const path = parsed.error.issues[0]?.path.join('.') ?? '';
      throw corruptEntry(log, entry.position, `its body is not a ${op} entry (at $.${path})`, parsed.error);
    }
    value = parsed.data;
  }
  return { op, ...(value as object) } as Entry;
}

/** The `CorruptDataError` of entry `position` of log `log`: details `{ kind, name, position, reason }`. */
export function corruptEntry(
  log: string,
  position: number,
  reason: string,
  cause?: unknown,
): CorruptDataError {
  return new CorruptDataError(`entry ${position} of fact base log "${log}" is corrupt: ${reason}`, {
    cause,
    details: { kind: KIND, name: log, position, reason },
  });
}
