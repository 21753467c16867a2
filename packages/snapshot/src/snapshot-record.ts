import {
  CorruptDataError,
  decode,
  digestOf,
  encode,
  InvalidArgumentError,
  isOmegaError,
  type MachineSnapshot,
  MachineSnapshotSchema,
  NotFoundError,
  type SnapshotInfo,
  SnapshotInfoSchema,
  type Val,
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

/** Dotted path of a zod issue, in the `$.a[0].b` style serde uses. */
function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, key) => (typeof key === 'number' ? `${text}[${key}]` : `${text}.${String(key)}`),
    '$',
  );
}

/**
 * Validates `input` as a {@link MachineSnapshot} and encodes it. Throws `InvalidArgumentError` (details
 * { kind, name, path }) for a bad shape or a value that cannot be stored.
 */
export function encodeSnapshot(name: string, input: unknown): EncodedSnapshot {
  const parsed = MachineSnapshotSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = formatPath(issue?.path ?? []);
    throw new InvalidArgumentError(
      `snapshot "${name}" is not a valid MachineSnapshot at ${path}: ${issue?.message}`,
      {
        details: { kind: KIND, name, path },
      },
    );
  }
  return encodeParsed(parsed.data);
}

/** Encodes a snapshot that already passed its schema; `digest` when it is known already (verified). */
export function encodeParsed(
  snapshot: MachineSnapshot,
  digest: string = digestOf(snapshot),
): EncodedSnapshot {
  const body = encode(snapshot);
  return {
    body,
    createdAt: snapshot.createdAt,
    digest,
    size: Buffer.byteLength(body, 'utf8'),
  };
}

/** The {@link SnapshotInfo} of a stored snapshot. */
export function infoOf(
  name: string,
  stored: Pick<EncodedSnapshot, 'createdAt' | 'digest' | 'size'>,
): SnapshotInfo {
  return { name, createdAt: stored.createdAt, size: stored.size, digest: stored.digest };
}

/**
 * Decodes and verifies a snapshot read from a file: serde text, schema, and agreement with the header
 * (createdAt and the digest recomputed from the decoded value). Anything else is a `CorruptDataError`
 * naming the file, so a hand-edited file that still parses is never taken for the original.
 */
export function decodeDocument(doc: SnapshotDocument): MachineSnapshot {
  const where = { kind: KIND, name: doc.name, file: doc.file };
  let value: Val;
  try {
    value = decode(doc.body);
  } catch (error) {
    if (!isOmegaError(error, 'CORRUPT_DATA')) throw error;
    throw new CorruptDataError(`snapshot "${doc.name}" in ${doc.file} is corrupt: ${error.message}`, {
      cause: error,
      details: { ...error.details, ...where },
    });
  }
  const parsed = MachineSnapshotSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = formatPath(issue?.path ?? []);
    throw new CorruptDataError(
      `snapshot "${doc.name}" in ${doc.file} is corrupt at ${path}: ${issue?.message}`,
      {
        details: { ...where, path, reason: issue?.message },
      },
    );
  }
  const snapshot = parsed.data;
  if (snapshot.createdAt !== doc.header.createdAt) {
    throw new CorruptDataError(`snapshot "${doc.name}" in ${doc.file}: createdAt differs from its header`, {
      details: { ...where, path: '$.createdAt', reason: 'createdAt differs from the header' },
    });
  }
  const digest = digestOf(snapshot);
  if (digest !== doc.header.digest) {
    throw new CorruptDataError(`snapshot "${doc.name}" in ${doc.file}: content does not match its digest`, {
      details: {
        ...where,
        path: '$',
        reason: 'digest mismatch',
        expected: doc.header.digest,
        actual: digest,
      },
    });
  }
  return snapshot;
}

/** The error of an operation that needs a snapshot that does not exist. */
export function snapshotNotFound(name: string): NotFoundError {
  return new NotFoundError(`snapshot "${name}" does not exist`, { details: { kind: KIND, name } });
}
