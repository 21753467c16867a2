import {
  corruptRecord,
  decodeRecord,
  digestOf,
  encodeRecord,
  type MachineSnapshot,
  NotFoundError,
  RecordShapes,
  type SnapshotInfo,
  SnapshotInfoSchema,
} from '@omega/core';

/** What names of this family are called in errors and in the name rule check. */
export const KIND = 'snapshot';

/** The fields every stored or exported snapshot file carries in its header line. */
export const SnapshotHeaderSchema = SnapshotInfoSchema.pick({ createdAt: true, digest: true });
export type SnapshotHeader = Pick<SnapshotInfo, 'createdAt' | 'digest'>;

/** A validated snapshot in its stored form: the serde text plus what `info()` reports of it. */
export interface EncodedSnapshot {
  body: string;
  createdAt: number;
  digest: string;
  size: number;
}

/** A framed document holding a snapshot, as read back from a file. */
export interface SnapshotDocument {
  name: string;
  header: SnapshotHeader;
  body: string;
  file: string;
}

/** The stored form of a validated snapshot whose serde text is `body`. */
export function storedForm(snapshot: MachineSnapshot, body: string, digest: string): EncodedSnapshot {
  return { body, createdAt: snapshot.createdAt, digest, size: Buffer.byteLength(body, 'utf8') };
}

/**
 * Validates `input` as a {@link MachineSnapshot} and encodes it, walking its values once. Throws
 * `InvalidArgumentError` (details { kind, name, path, reason }) for a bad shape or a value that cannot be
 * stored.
 */
export function encodeSnapshot(name: string, input: unknown): EncodedSnapshot {
  const { record, text } = encodeRecord(RecordShapes.machineSnapshot, input, { kind: KIND, name });
  return storedForm(record, text, digestOf(record));
}

/** The {@link SnapshotInfo} of a stored snapshot. */
export function infoOf(
  name: string,
  stored: Pick<EncodedSnapshot, 'createdAt' | 'digest' | 'size'>,
): SnapshotInfo {
  return { name, createdAt: stored.createdAt, size: stored.size, digest: stored.digest };
}

/**
 * Decodes and verifies a snapshot read from a file: serde text, shape, and agreement with the header
 * (createdAt and the digest recomputed from the decoded value). Anything else is a `CorruptDataError`
 * naming the file, so a hand-edited file that still parses is never taken for the original.
 */
export function decodeDocument(doc: SnapshotDocument): MachineSnapshot {
  const context = { kind: KIND, name: doc.name, file: doc.file };
  const snapshot = decodeRecord(RecordShapes.machineSnapshot, doc.body, context);
  if (snapshot.createdAt !== doc.header.createdAt) {
    throw corruptRecord(context, '$.createdAt', 'createdAt differs from the header');
  }
  const digest = digestOf(snapshot);
  if (digest !== doc.header.digest) {
    const error = corruptRecord(context, '$', 'digest mismatch');
    Object.assign(error.details, { expected: doc.header.digest, actual: digest });
    throw error;
  }
  return snapshot;
}

/** The error of an operation that needs a snapshot that does not exist. */
export function snapshotNotFound(name: string): NotFoundError {
  return new NotFoundError(`snapshot "${name}" does not exist`, { details: { kind: KIND, name } });
}
