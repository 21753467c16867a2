import { type Closable, TimestampSchema, type Val, z } from '@omega/core';
import type { ArtifactKey } from './key-schema.js';

export type { Val } from '@omega/core';
export { type ArtifactKey, ArtifactKeySchema } from './key-schema.js';
export { artifactKey, keyString } from './keys.js';

/** One dependency an artifact was computed from, and its fingerprint then. */
export const DependencySchema = z.strictObject({ ref: z.string().min(1), fingerprint: z.string() });
export type Dependency = z.infer<typeof DependencySchema>;

/** What the cache records beside a value (the seed's `Artifact['metadata']`). */
export const ArtifactMetadataSchema = z.strictObject({
  /** When the value was put, by the provider's clock. */
  createdAt: TimestampSchema,
  /** When the value was last returned (or put), by the provider's clock. */
  accessedAt: TimestampSchema,
  /** How many times the value was returned. */
  accessCount: z.number().int().nonnegative(),
  /** What computing the value cost: each hit saves that much. */
  computeTimeMs: z.number().nonnegative().finite(),
  /** The dependencies `getByExpr` checks against the caller's current fingerprints. */
  deps: z.array(DependencySchema),
});

/** A cached value with its key and metadata (the seed's `Artifact<T>`). */
export interface Artifact<T = Val> {
  key: ArtifactKey;
  value: T;
  metadata: {
    createdAt: number;
    accessedAt: number;
    accessCount: number;
    computeTimeMs: number;
    deps: Array<{ ref: string; fingerprint: string }>;
  };
}

/** What `stats()` reports: the seed's four counts, and what the cache holds and saved. */
export interface ArtifactStats {
  /** Entries stored (every variant of every expression). */
  count: number;
  /** The `capacity` option (entries), or null when unbounded. */
  capacity: number | null;
  /** Hits of `get` and `getByExpr` through this provider, exactly. */
  hitCount: number;
  /** Misses of `get` and `getByExpr` through this provider, exactly. */
  missCount: number;
  /** Bytes of the stored values' serde text, counted once per entry. */
  bytes: number;
  /** The `maxBytes` option, or null when unbounded. */
  maxBytes: number | null;
  /** Sum of `computeTimeMs` of the entries the hits returned: compute time the cache saved. */
  computeTimeSavedMs: number;
}

/** What `prune()` did. */
export interface PruneResult {
  /** Entries evicted to get within `capacity` and `maxBytes`, or dropped because their value was gone. */
  evicted: number;
  /** Value blobs no entry pointed to any more, removed. */
  blobsRemoved: number;
}

/**
 * The memoization cache of the Omega runtime (the seed's `ArtifactProvider`, synchronous as written): values
 * computed from an expression and its dependencies, found again by exact key or by expression and the
 * current fingerprints of its dependencies. Values are `Val`s; a caller never shares one with the cache.
 *
 * Backends: `MemoryArtifactProvider` (`@omega/artifact/memory`), `FilesystemArtifactProvider`
 * (`@omega/artifact/filesystem`) and `MockArtifactProvider` (`@omega/artifact/mock`). Every backend passes
 * `describeArtifactProvider` (`@omega/artifact/conformance`).
 */
export interface ArtifactProvider extends Closable {
  /** Get cached value by exact key (`paramsKey` absent and present are different keys). */
  get(key: ArtifactKey): Val | undefined;

  /**
   * Get by expression with fingerprint validation: the most recently used variant of `exprKey` whose every
   * recorded dependency has the same fingerprint in `currentFingerprints` (a dependency missing there is
   * stale). With `paramsKey`, only variants put with exactly that `paramsKey` are candidates.
   */
  getByExpr(exprKey: string, currentFingerprints: Map<string, string>, paramsKey?: string): Val | undefined;

  /** Store value (replacing the entry of the same key; `metadata` fields absent take defaults). */
  put(key: ArtifactKey, value: Val, metadata: Partial<Artifact['metadata']>): void;

  /** Clear all cache (entries and values; the hit and miss counts stay). */
  clear(): void;

  /** Clear by expression: every variant of `exprKey`. */
  clearByExpr(exprKey: string): void;

  /** Get cache stats. */
  stats(): ArtifactStats;

  /**
   * Get cache signature (for fixpoint): SHA-256 (hex) over the sorted (canonical key, value digest) pairs,
   * so equal entries give equal signatures whatever the order they were put in.
   */
  signature(): string;

  /**
   * Evicts least recently accessed entries until the cache is within `capacity` and `maxBytes`, drops
   * entries whose value is gone, and removes values no entry points to.
   */
  prune(): PruneResult;
}
