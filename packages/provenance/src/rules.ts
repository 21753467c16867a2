import {
  CorruptDataError,
  canonicalize,
  decode,
  decodeRecord,
  digestOf,
  documentSpec,
  encode,
  encodeRecord,
  InvalidArgumentError,
  logSpec,
  NotFoundError,
  ShapeParts,
  sha256Hex,
  type Val,
  z,
} from '@omega/core';
import { type Evidence, type EvidenceInput, evidenceInputOf } from './index.js';

/** What this family's names (subjects) name, in every error and name check. */
export const KIND = 'provenance';

/** The one log of evidence in a store. */
export const EVIDENCE_LOG = 'evidence';

/** Header of each evidence entry: its id, checked against the body on every read. */
const EntryHeaderSchema = z.object({ id: z.string() });
export type EntryHeader = z.infer<typeof EntryHeaderSchema>;

/**
 * Evidence entries on any log port: `provenance-log/evidence`, format `omega.provenance` v1. An entry's
 * body is the serde text of the evidence without its id (which the header holds and the body proves).
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

// The structure-only twin of EvidenceInputSchema: serde checks the values in the same walk.
const EvidenceInputShape = evidenceInputOf(ShapeParts);
const StoredShape = EvidenceInputShape.required({ at: true });

/** An input checked and ready to append: the evidence without its id, its body text and its id. */
export interface Checked {
  id: string;
  subject: string;
  derivedFrom: readonly string[];
  /** Given by the caller, or undefined for the clock's reading at the append. */
  at: number | undefined;
  /** The input without `at`, as the id covers it. */
  claim: EvidenceInput;
}

/**
 * Checks an input's shape, values and selectors, and computes its id: SHA-256 of the canonical input
 * without `at`. An `InvalidArgumentError` naming the first bad path otherwise.
 */
export function checkInput(input: unknown): Checked {
  const { record } = encodeRecord(EvidenceInputShape, input, { kind: KIND });
  const { at, ...claim } = withoutUndefined(record);
  const { range, quote } = claim.source ?? {};
  if (range !== undefined && quote !== undefined && range[1] - range[0] !== [...quote].length) {
    throw invalid('$.source.range', 'the range does not span the quote (code points)');
  }
  return {
    id: digestOf(claim as Val),
    subject: claim.subject,
    derivedFrom: claim.derivedFrom ?? [],
    at,
    claim,
  };
}

/** The body of an entry: the serde text of the evidence without its id. */
export function bodyOf(claim: EvidenceInput, at: number): string {
  return encode({ ...claim, at } as Val);
}

/** The evidence a body just written holds (a fresh copy: nothing shared with the caller's input). */
export function evidenceOfBody(id: string, body: string): Evidence {
  return { ...(decode(body) as Omit<Evidence, 'id'>), id };
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
  if (prevalidated) return evidenceOfBody(header.id, body);
  const context = { kind: KIND, name: `${EVIDENCE_LOG}[${position}]` };
  const stored = decodeRecord(StoredShape, body, context);
  const { at: _, ...claim } = stored;
  if (sha256Hex(canonicalize(claim as Val)) !== header.id) {
    throw corruptEntry(position, 'its id is not the digest of its content');
  }
  return { ...stored, id: header.id };
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
function withoutUndefined(record: EvidenceInput): EvidenceInput {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (value === undefined) continue;
    out[key] =
      (key === 'source' || key === 'generatedBy') && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value as object).filter(([, part]) => part !== undefined))
        : value;
  }
  return out as EvidenceInput;
}
