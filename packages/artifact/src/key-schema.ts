import { z } from '@omega/core';

/**
 * The longest exprKey, depsFingerprint or paramsKey a key may hold, in UTF-16 units: the seed calls them
 * hashes, and a bound keeps one index document (up to eight variants of an expression) small.
 */
export const KEY_PART_LIMIT = 4096;

/** One part of a key: a non-empty string of at most {@link KEY_PART_LIMIT} units. */
export const KeyPartSchema = z.string().min(1).max(KEY_PART_LIMIT);

/** The three parts of a cache key, as the seed names them (each a hash the caller computed). */
export const ArtifactKeySchema = z.strictObject({
  /** Hash of the expression. */
  exprKey: KeyPartSchema,
  /** Hash of the dependencies' fingerprints. */
  depsFingerprint: KeyPartSchema,
  /** Hash of the parameters, when the expression has any. */
  paramsKey: KeyPartSchema.optional(),
});
export type ArtifactKey = z.infer<typeof ArtifactKeySchema>;
