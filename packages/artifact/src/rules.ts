import {
  type BlobSpec,
  CorruptDataError,
  documentSpec,
  InvalidArgumentError,
  parseRecord,
  TimestampSchema,
  z,
} from '@omega/core';
import type { Artifact } from './index.js';
import { ArtifactMetadataSchema } from './index.js';
import { type ArtifactKey, KEY_PART_LIMIT, KeyPartSchema } from './key-schema.js';

/** What this family's records are called in every error. */
export const KIND = 'artifact';

/** One stored variant of an expression: its key, where its value is, and its metadata. */
const VariantSchema = z.strictObject({
  /** The canonical, versioned key string (`keyString`). */
  key: z.string().min(1),
  depsFingerprint: KeyPartSchema,
  paramsKey: KeyPartSchema.optional(),
  /** SHA-256 of the value's serde text: the name of its blob. */
  digest: z.string().regex(/^[0-9a-f]{64}$/),
  /** UTF-8 bytes of the value's serde text. */
  bytes: z.number().int().nonnegative(),
  ...ArtifactMetadataSchema.shape,
});
export type Variant = z.infer<typeof VariantSchema>;

/**
 * The header of an expression's index document: the expression and its variants, most recently used first.
 * Everything is in the header (the body is empty), so a scan of the index reads headers only.
 */
const IndexHeaderSchema = z.strictObject({
  exprKey: KeyPartSchema,
  variants: z.array(VariantSchema),
  updatedAt: TimestampSchema,
});
export type IndexHeader = z.infer<typeof IndexHeaderSchema>;

/** The index: one document per expression, `artifacts/x.<sha256 of exprKey>`, format `omega.artifact` v1. */
export const DOCUMENTS = documentSpec({ kind: KIND, folder: 'artifacts', header: IndexHeaderSchema });

/** The values: content-addressed blobs, `artifact-values/<digest>`, each stored once however many keys share it. */
export const BLOBS: BlobSpec = { kind: 'artifact value', folder: 'artifact-values' };

/**
 * Checks a key argument by hand (it runs on every `get`): an `InvalidArgumentError` naming the method and
 * the bad part unless it is an object of non-empty strings of at most 4096 units.
 */
export function checkKey(method: string, key: unknown): asserts key is ArtifactKey {
  if (typeof key !== 'object' || key === null) throw badKey(method, '$', 'not an object');
  const { exprKey, depsFingerprint, paramsKey } = key as Partial<ArtifactKey>;
  checkPart(method, 'exprKey', exprKey);
  checkPart(method, 'depsFingerprint', depsFingerprint);
  if (paramsKey !== undefined) checkPart(method, 'paramsKey', paramsKey);
}

/** Checks an `exprKey` or `paramsKey` argument as {@link checkKey} checks a key's parts. */
export function checkPart(method: string, path: string, part: unknown): asserts part is string {
  if (typeof part !== 'string') throw badKey(method, path, `a ${typeof part} instead of a string`);
  if (part.length === 0 || part.length > KEY_PART_LIMIT) {
    throw badKey(method, path, `a string of ${part.length} units, not 1 to ${KEY_PART_LIMIT}`);
  }
}

function badKey(method: string, path: string, reason: string): InvalidArgumentError {
  return new InvalidArgumentError(`${method}: the artifact key is invalid at ${path}: ${reason}`, {
    details: { kind: KIND, method, path, reason },
  });
}

/** Checks the fingerprints of a `getByExpr`: a Map of strings to strings. */
export function checkFingerprints(fingerprints: unknown): asserts fingerprints is Map<string, string> {
  if (fingerprints instanceof Map) return;
  throw new InvalidArgumentError('getByExpr needs the current fingerprints as a Map of ref to fingerprint', {
    details: { kind: KIND, method: 'getByExpr', path: 'currentFingerprints', reason: 'not a Map' },
  });
}

const PartialMetadataSchema = ArtifactMetadataSchema.partial();

/**
 * The metadata of a put, each absent field defaulted (times to `now`, counts to 0, no deps). A bad field is
 * an `InvalidArgumentError` naming the entry (`name`: the expression's index document) and the path.
 */
export function metadataOf(name: string, metadata: unknown, now: number): Artifact['metadata'] {
  // Most puts give one or two fields or none: the schema is only walked when there is something to check.
  const given =
    typeof metadata === 'object' &&
    metadata !== null &&
    Object.getPrototypeOf(metadata) === Object.prototype &&
    Object.keys(metadata).length === 0
      ? {}
      : parseRecord(PartialMetadataSchema, metadata ?? {}, { kind: KIND, name });
  return {
    createdAt: given.createdAt ?? now,
    accessedAt: given.accessedAt ?? now,
    accessCount: given.accessCount ?? 0,
    computeTimeMs: given.computeTimeMs ?? 0,
    deps: given.deps ?? [],
  };
}

/** The `CorruptDataError` of an index document that names another expression than the one asked for. */
export function otherExpression(name: string, file: string | undefined): CorruptDataError {
  return new CorruptDataError(`artifact index "${name}" holds another expression than its name says`, {
    details: { kind: KIND, name, file, path: 'header.exprKey', reason: 'another expression' },
  });
}
