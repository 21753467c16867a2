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
import { type SecurityRecord, securityRecordOf } from './index.js';

// TODO(seed): the family's own rules go here (versions, digests, infos, not-found and conflict errors):
// constants and functions the front calls, each written once. Keep `KIND`, `DOCUMENTS` (or `LOG`, `BLOBS`
// for the other ports) and `notFound()` under these names.

/** What this family's names name, in every error and name check. */
export const KIND = 'security';

/** Family fields of a stored record's header (beside format, version, name and bodyBytes): read without the body. */
const SecurityHeaderSchema = z.object({ updatedAt: TimestampSchema });
export type SecurityHeader = z.infer<typeof SecurityHeaderSchema>;

/** How security records are stored on any document port: `security/<name>`, format `omega.security` v1. */
export const DOCUMENTS = documentSpec({ kind: KIND, folder: 'security', header: SecurityHeaderSchema });

// The structure-only twin of SecurityRecordSchema: serde checks the values in the same walk.
const SecurityRecordShape = securityRecordOf(ShapeParts);

/**
 * Checks `record` against the record shape and encodes it, walking each value once. Throws
 * `InvalidArgumentError` naming the record and the first bad path.
 */
export function encodeSecurity(name: string, record: unknown): string {
  return encodeRecord(SecurityRecordShape, record, { kind: KIND, name }).text;
}

/**
 * Decodes a stored body. A `prevalidated` body (written by this process from a checked record) is decoded
 * as is; any other is validated, and a bad one is a `CorruptDataError` naming the file.
 */
export function decodeSecurity(
  name: string,
  body: string,
  prevalidated: boolean,
  file?: string,
): SecurityRecord {
  if (prevalidated) return decode(body) as SecurityRecord;
  return decodeRecord(SecurityRecordShape, body, { kind: KIND, name, file });
}

/** The error of an operation that needs a record that does not exist. */
export function notFound(name: string): NotFoundError {
  return new NotFoundError(`security "${name}" does not exist`, { details: { kind: KIND, name } });
}
