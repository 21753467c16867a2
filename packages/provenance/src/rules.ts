import {
  CorruptDataError,
  decode,
  decodeRecord,
  digestOf,
  documentSpec,
  encodeRecord,
  InvalidArgumentError,
  logSpec,
  NotFoundError,
  ShapeParts,
  TimestampSchema,
  type Val,
  z,
} from '@omega/core';
import { type Evidence, type EvidenceInput, evidenceInputOf, MAX_SUBJECT_LENGTH } from './index.js';

/** What this family's errors name as their kind. */
export const KIND = 'provenance';

/** The one log of evidence in a store. */
export const EVIDENCE_LOG = 'evidence';

/** Header of each evidence entry: its id (checked against the body on every read) and its time. */
const EntryHeaderSchema = z.object({ id: z.string(), at: TimestampSchema });
export type EntryHeader = z.infer<typeof EntryHeaderSchema>;

/**
 * Evidence entries on any log port: `provenance-log/evidence`, format `omega.provenance` v1. An entry's
 * body is the serde text of the claim (the evidence without id and `at`, which the header holds: the id is
 * the digest of the body's value, checked on every read).
 */
export const LOG = logSpec({ kind: KIND, folder: 'provenance-log', header: EntryHeaderSchema });

/** Header of the index snapshot: which entries it covers and a digest of its body. */
const SnapshotHeaderSchema = z.object({
  /** The log size it covers: entries 0..covers-1. */
  covers: z.number().int().nonnegative(),
  /** Ids of the first and last covered entries, to notice a log replaced under the snapshot. */
  first: z.string().optional(),
  last: z.string().optional(),
  /** SHA-256 (hex) of the body. */
  digest: z.string(),
});
export type SnapshotHeader = z.infer<typeof SnapshotHeaderSchema>;

/** The index snapshot on any document port: `provenance/index`, format `omega.provenance index` v1. */
export const SNAPSHOTS = documentSpec({
  kind: `${KIND} index`,
  folder: 'provenance',
  header: SnapshotHeaderSchema,
});

/** The name of the index snapshot document. */
export const SNAPSHOT = 'index';

// The structure-only twin of EvidenceInputSchema: serde checks the values in the same walk. What an entry's
// body holds is the claim, without `at` (which the entry's header holds, beside the id).
const EvidenceInputShape = evidenceInputOf(ShapeParts);
const ClaimShape = EvidenceInputShape.omit({ at: true });

/** Whether `subject` is one: a non-empty string of at most {@link MAX_SUBJECT_LENGTH} UTF-16 code units. */
export function isSubject(subject: unknown): subject is string {
  return typeof subject === 'string' && subject.length > 0 && subject.length <= MAX_SUBJECT_LENGTH;
}

/**
 * Refuses what is not a subject with an `InvalidArgumentError` naming `method`'s argument (and, for a
 * subject inside an input, its `path`). A subject is not a name: any text fits, spaces, `/` and emoji too.
 */
export function checkSubject(method: string, subject: unknown, path?: string): asserts subject is string {
  if (isSubject(subject)) return;
  const reason =
    typeof subject !== 'string'
      ? `a subject is a string, got ${subject === null ? 'null' : typeof subject}`
      : subject.length === 0
        ? 'a subject is not empty'
        : `a subject is at most ${MAX_SUBJECT_LENGTH} UTF-16 code units, got ${subject.length}`;
  const details: Record<string, unknown> = {
    kind: KIND,
    argument: path === undefined ? 'subject' : 'input',
    reason,
  };
  if (path !== undefined) details.path = path;
  throw new InvalidArgumentError(`${method}: ${reason}${path === undefined ? '' : ` at ${path}`}`, {
    details,
  });
}

/** An input checked and ready to append: its id, what the index needs of it, and its entry's body. */
export interface Checked {
  id: string;
  subject: string;
  derivedFrom: readonly string[];
  /** Given by the caller, or undefined for the clock's reading at the append. */
  at: number | undefined;
  /** The serde text of the claim: the input without `at`, as the id covers it. */
  body: string;
}

/**
 * Checks an input's shape, values and selectors, and computes its id: SHA-256 of the canonical input
 * without `at`. An `InvalidArgumentError` naming the first bad path otherwise.
 */
export function checkInput(input: unknown): Checked {
  const given = withoutUndefined(input);
  let at: unknown;
  if (isObject(given)) {
    at = given.at;
    delete given.at;
  }
  if (at !== undefined && !TimestampSchema.safeParse(at).success) {
    throw invalid('$.at', 'at must be a non-negative integer of milliseconds');
  }
  const { record: claim, text: body } = encodeRecord(ClaimShape, given, { kind: KIND });
  const { range, quote } = claim.source ?? {};
  if (range !== undefined && quote !== undefined && range[1] - range[0] !== [...quote].length) {
    throw invalid('$.source.range', 'the range does not span the quote (code points)');
  }
  return {
    id: digestOf(claim as Val),
    subject: claim.subject,
    derivedFrom: claim.derivedFrom ?? [],
    at: at as number | undefined,
    body,
  };
}

/** The evidence of an entry whose body needs no check (just written, or `prevalidated`): a fresh copy. */
export function evidenceOfBody(header: EntryHeader, body: string): Evidence {
  return { ...(decode(body) as EvidenceInput), id: header.id, at: header.at };
}

/**
 * The evidence a stored entry holds, after checking its body's shape and that its id is the digest of
 * its claim: a `CorruptDataError` naming the position otherwise. A `prevalidated` body (memory, written by
 * this process from a checked input) is decoded as is.
 */
export function evidenceOfEntry(
  position: number,
  header: EntryHeader,
  body: string,
  prevalidated: boolean,
): Evidence {
  if (prevalidated) return evidenceOfBody(header, body);
  const claim = decodeRecord(ClaimShape, body, { kind: KIND, name: `${EVIDENCE_LOG}[${position}]` });
  if (digestOf(claim as Val) !== header.id)
    throw corruptEntry(position, 'its id is not the digest of its content');
  return { ...claim, id: header.id, at: header.at };
}

/** The error of a log entry that breaks the family's rules. */
export function corruptEntry(position: number, reason: string): CorruptDataError {
  return new CorruptDataError(`evidence entry ${position} is corrupt: ${reason}`, {
    details: { kind: KIND, log: EVIDENCE_LOG, position, reason },
  });
}

/** The error of an operation on evidence that does not exist. */
export function notFound(id: string, path?: string): NotFoundError {
  const details: Record<string, unknown> = { kind: KIND, id };
  if (path !== undefined) details.path = path;
  return new NotFoundError(`no evidence has id ${id}`, { details });
}

function invalid(path: string, reason: string): InvalidArgumentError {
  return new InvalidArgumentError(`cannot record evidence: ${reason} at ${path}`, {
    details: { kind: KIND, path, reason },
  });
}

// An optional field given as undefined is a field not given: the id of { agent: undefined } is that of {}.
// Anything but an object is left to the shape check to refuse.
function withoutUndefined(input: unknown): unknown {
  if (!isObject(input)) return input;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(input)) {
    const value = input[key];
    if (value === undefined) continue;
    const copied = key === 'source' || key === 'generatedBy' ? withoutUndefined(value) : value;
    // An own "__proto__" key stays a key (for the shape check to refuse), never the copy's prototype.
    if (key === '__proto__')
      Object.defineProperty(out, key, { value: copied, enumerable: true, writable: true });
    else out[key] = copied;
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
