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
import { type TraceRecord, traceRecordOf } from './index.js';

// TODO(seed): the family's own rules go here (versions, digests, infos, not-found and conflict errors):
// constants and functions the front calls, each written once. Keep `KIND`, `DOCUMENTS` (or `LOG`, `BLOBS`
// for the other ports) and `notFound()` under these names.

/** What this family's names name, in every error and name check. */
export const KIND = 'trace';

/** Family fields of a stored record's header (beside format, version, name and bodyBytes): read without the body. */
const TraceHeaderSchema = z.object({ updatedAt: TimestampSchema });
export type TraceHeader = z.infer<typeof TraceHeaderSchema>;

/** How trace records are stored on any document port: `trace/<name>`, format `omega.trace` v1. */
export const DOCUMENTS = documentSpec({ kind: KIND, folder: 'trace', header: TraceHeaderSchema });

// The structure-only twin of TraceRecordSchema: serde checks the values in the same walk.
const TraceRecordShape = traceRecordOf(ShapeParts);

/**
 * Checks `record` against the record shape and encodes it, walking each value once. Throws
 * `InvalidArgumentError` naming the record and the first bad path.
 */
export function encodeTrace(name: string, record: unknown): string {
  return encodeRecord(TraceRecordShape, record, { kind: KIND, name }).text;
}

/**
 * Decodes a stored body. A `prevalidated` body (written by this process from a checked record) is decoded
 * as is; any other is validated, and a bad one is a `CorruptDataError` naming the file.
 */
export function decodeTrace(name: string, body: string, prevalidated: boolean, file?: string): TraceRecord {
  if (prevalidated) return decode(body) as TraceRecord;
  return decodeRecord(TraceRecordShape, body, { kind: KIND, name, file });
}

/** The error of an operation that needs a record that does not exist. */
export function notFound(name: string): NotFoundError {
  return new NotFoundError(`trace "${name}" does not exist`, { details: { kind: KIND, name } });
}
