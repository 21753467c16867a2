import {
  decode,
  decodeRecord,
  documentSpec,
  encodeRecord,
  NotFoundError,
  ShapeParts,
  TimestampSchema,
  z,
} from '@omega/core';
import { type ProvenanceRecord, provenanceRecordOf } from './index.js';

// TODO(seed): the family's own rules go here (versions, digests, infos, not-found and conflict errors):
// constants and functions the front calls, each written once. Keep `KIND`, `DOCUMENTS` (or `LOG`, `BLOBS`
// for the other ports) and `notFound()` under these names.

/** What this family's names name, in every error and name check. */
export const KIND = 'provenance';

/** Family fields of a stored record's header (beside format, version, name and bodyBytes): read without the body. */
const ProvenanceHeaderSchema = z.object({ updatedAt: TimestampSchema });
export type ProvenanceHeader = z.infer<typeof ProvenanceHeaderSchema>;

/** How provenance records are stored on any document port: `provenance/<name>`, format `omega.provenance` v1. */
export const DOCUMENTS = documentSpec({ kind: KIND, folder: 'provenance', header: ProvenanceHeaderSchema });

// The structure-only twin of ProvenanceRecordSchema: serde checks the values in the same walk.
const ProvenanceRecordShape = provenanceRecordOf(ShapeParts);

/**
 * Checks `record` against the record shape and encodes it, walking each value once. Throws
 * `InvalidArgumentError` naming the record and the first bad path.
 */
export function encodeProvenance(name: string, record: unknown): string {
  return encodeRecord(ProvenanceRecordShape, record, { kind: KIND, name }).text;
}

/**
 * Decodes a stored body. A `prevalidated` body (written by this process from a checked record) is decoded
 * as is; any other is validated, and a bad one is a `CorruptDataError` naming the file.
 */
export function decodeProvenance(
  name: string,
  body: string,
  prevalidated: boolean,
  file?: string,
): ProvenanceRecord {
  if (prevalidated) return decode(body) as ProvenanceRecord;
  return decodeRecord(ProvenanceRecordShape, body, { kind: KIND, name, file });
}

/** The error of an operation that needs a record that does not exist. */
export function notFound(name: string): NotFoundError {
  return new NotFoundError(`provenance "${name}" does not exist`, { details: { kind: KIND, name } });
}
