import { CorruptDataError, decode, encode, type LogEntry, logSpec, TimestampSchema, z } from '@omega/core';

/** What this family's names name (the fact base's log), in every error and name check. */
export const KIND = 'logic';

/** The log a provider keeps its fact base in when not given a `name`. */
export const DEFAULT_NAME = 'facts';

/** What an entry records: a fact asserted, a rule added, a fact retracted, or everything cleared. */
const OpSchema = z.enum(['fact', 'rule', 'retract', 'clear']);

/** Header of each entry of a fact base's log: what it records, and when (the front's clock). */
const EntryHeaderSchema = z.object({ op: OpSchema, at: TimestampSchema });
export type EntryHeader = z.infer<typeof EntryHeaderSchema>;

/**
 * A fact base on any log port: one log per fact base, `logic/<name>`, format `omega.logic` v1. Replaying
 * its entries in order rebuilds the base.
 */
export const LOG = logSpec({ kind: KIND, folder: 'logic', header: EntryHeaderSchema });

const FactBodySchema = z.strictObject({ fact: z.string().min(1) });
const RuleBodySchema = z.strictObject({ condition: z.string().min(1), conclusion: z.string().min(1) });
const ClearBodySchema = z.strictObject({});

/** What one entry of the log says, decoded. */
export type Change =
  | { op: 'fact'; fact: string }
  | { op: 'retract'; fact: string }
  | { op: 'rule'; condition: string; conclusion: string }
  | { op: 'clear' };

const BODIES = {
  fact: FactBodySchema,
  retract: FactBodySchema,
  rule: RuleBodySchema,
  clear: ClearBodySchema,
} as const;

/** The entry recording `change`, stamped `at`. */
export function entryOf(change: Change, at: number): { header: EntryHeader; body: string } {
  const { op, ...body } = change;
  return { header: { op, at }, body: encode(body) };
}

/**
 * The change entry `entry` of log `name` records. An entry from a `prevalidated` port (memory: written by
 * a front of this process) is decoded as is; any other body is checked against its op's schema, and a
 * bad one is a `CorruptDataError` naming the log and the entry's position.
 */
export function changeOf(name: string, entry: LogEntry<EntryHeader>, prevalidated: boolean): Change {
  const { op } = entry.header;
  let value: unknown;
  try {
    value = decode(entry.body);
  } catch (cause) {
    throw corruptEntry(name, entry.position, 'its body is not serde JSON', cause);
  }
  if (prevalidated) return { op, ...(value as object) } as Change;
  const parsed = BODIES[op].safeParse(value);
  if (!parsed.success) {
    const path = parsed.error.issues[0]?.path.join('.') ?? '';
    throw corruptEntry(name, entry.position, `its body is not a ${op} entry (at $.${path})`, parsed.error);
  }
  return { op, ...parsed.data } as Change;
}

/** The `CorruptDataError` of entry `position` of log `name`: details `{ kind, name, position, reason }`. */
export function corruptEntry(
  name: string,
  position: number,
  reason: string,
  cause?: unknown,
): CorruptDataError {
  return new CorruptDataError(`entry ${position} of fact base "${name}" is corrupt: ${reason}`, {
    cause,
    details: { kind: KIND, name, position, reason },
  });
}
