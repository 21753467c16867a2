import {
  corruptRecord,
  decode,
  decodeRecord,
  digestOf,
  documentSpec,
  encodeRecord,
  NotFoundError,
  ShapeParts,
  type StoredHeader,
  type z,
} from '@omega/core';
import { type MachineSnapshot, machineSnapshotOf, type SnapshotInfo, SnapshotInfoSchema } from './index.js';

/** What this family's names name, in every error and name check. */
export const KIND = 'snapshot';

/** Family fields of a stored or exported snapshot's header, in the order files carry them. */
const SnapshotHeaderSchema = SnapshotInfoSchema.pick({ createdAt: true, digest: true });
export type SnapshotHeader = z.infer<typeof SnapshotHeaderSchema>;

/** How snapshots are stored on any document backend: `snapshots/<name>`, format `omega.snapshot` v1. */
export const DOCUMENTS = documentSpec({ kind: KIND, folder: 'snapshots', header: SnapshotHeaderSchema });

// The structure-only twin of MachineSnapshotSchema: serde checks the values in the same walk.
const MachineSnapshotShape = machineSnapshotOf(ShapeParts);

/** A snapshot as it is stored or exported: its header fields and its serde text. */
export interface StoredSnapshot {
  header: SnapshotHeader;
  body: string;
}

/** A stored snapshot read back, with where it came from for errors. */
export interface SnapshotDocument extends StoredSnapshot {
  name: string;
  file?: string;
  /** What `file` is when it is not the store's (`export file`), for errors. */
  source?: string;
}

/** The stored form of a checked snapshot whose serde text is `body` and digest `digest`. */
export function storedForm(snapshot: MachineSnapshot, body: string, digest: string): StoredSnapshot {
  return { header: { createdAt: snapshot.createdAt, digest }, body };
}

/**
 * Checks `input` against the snapshot shape and encodes it, walking each value once. Throws
 * `InvalidArgumentError` (details { kind, name, path, reason }) for a bad shape or a value that cannot be
 * stored.
 */
export function encodeSnapshot(name: string, input: unknown): StoredSnapshot {
  const { record, text } = encodeRecord(MachineSnapshotShape, input, { kind: KIND, name });
  return storedForm(record, text, digestOf(record));
}

/**
 * Decodes a stored snapshot. A `prevalidated` body (written by this process from a checked snapshot) is decoded
 * as is. Any other is verified: serde text, shape, and agreement with the header (createdAt, and the
 * digest recomputed from the decoded value); anything wrong is a `CorruptDataError` naming the file, so a
 * hand-edited file that still parses is never taken for the original.
 */
export function decodeSnapshot(document: SnapshotDocument, prevalidated: boolean): MachineSnapshot {
  if (prevalidated) return decode(document.body) as MachineSnapshot;
  const context = { kind: KIND, name: document.name, file: document.file, source: document.source };
  const snapshot = decodeRecord(MachineSnapshotShape, document.body, context);
  if (snapshot.createdAt !== document.header.createdAt) {
    throw corruptRecord(context, '$.createdAt', 'createdAt differs from the header');
  }
  const digest = digestOf(snapshot);
  if (digest !== document.header.digest) {
    const error = corruptRecord(context, '$', 'digest mismatch');
    Object.assign(error.details, { expected: document.header.digest, actual: digest });
    throw error;
  }
  return snapshot;
}

/** The {@link SnapshotInfo} of a stored snapshot's header. */
export function infoOf(stored: StoredHeader<SnapshotHeader>): SnapshotInfo {
  const { createdAt, digest } = stored.header;
  return { name: stored.name, createdAt, size: stored.bodyBytes, digest };
}

/** The error of an operation that needs a snapshot that does not exist. */
export function notFound(name: string): NotFoundError {
  return new NotFoundError(`snapshot "${name}" does not exist`, { details: { kind: KIND, name } });
}
