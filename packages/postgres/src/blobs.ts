import {
  assertBytes,
  assertDigest,
  type BlobBackend,
  type BlobSpec,
  blobDigest,
  CorruptDataError,
  checkBlobSpec,
  type PageOptions,
  pageAfter,
  pageLimit,
} from '@omega/core';
import type { Database } from './database.js';

const DIGEST = /^[0-9a-f]{64}$/;

/**
 * The blob port on PostgreSQL: one row per blob of a folder, keyed by its SHA-256, its bytes in `bytea`.
 * A put inserts the row unless it exists, so concurrent puts of the same bytes (from any process) store
 * it once; every `get` hashes what it read and refuses bytes that no longer match their digest.
 */
export class PostgresBlobs implements BlobBackend {
  readonly #db: Database;
  readonly #kind: string;
  readonly #folder: string;

  constructor(db: Database, spec: BlobSpec) {
    checkBlobSpec(spec);
    this.#db = db;
    this.#kind = spec.kind;
    this.#folder = spec.folder;
  }

  /**
   * Stores `bytes` under their digest, committed before it resolves. A stored row of another length
   * cannot hold these bytes (it was altered): it is replaced, as the memory and filesystem ports do.
   */
  async put(bytes: Uint8Array): Promise<string> {
    assertBytes(this.#kind, bytes);
    // Copied before the first await, so a caller reusing its buffer at once changes nothing stored.
    const copy = Buffer.from(bytes);
    const digest = blobDigest(copy);
    await this.#db.query(
      'blobs.put',
      `INSERT INTO ${this.#db.schema}.blobs AS stored (folder, digest, bytes) VALUES ($1, $2, $3)
       ON CONFLICT (folder, digest) DO UPDATE SET bytes = EXCLUDED.bytes
       WHERE octet_length(stored.bytes) <> octet_length(EXCLUDED.bytes)`,
      [this.#folder, digest, copy],
    );
    return digest;
  }

  /** The bytes of blob `digest`, verified against it, or null when there is none. */
  async get(digest: string): Promise<Uint8Array | null> {
    assertDigest(this.#kind, digest);
    const { rows } = await this.#db.query<{ bytes: unknown }>(
      'blobs.get',
      `SELECT bytes FROM ${this.#db.schema}.blobs WHERE folder = $1 AND digest = $2`,
      [this.#folder, digest],
    );
    if (rows.length === 0) return null;
    const { bytes } = rows[0]!;
    if (!(bytes instanceof Uint8Array) || blobDigest(bytes) !== digest) {
      const reason = bytes instanceof Uint8Array ? 'digest mismatch' : 'not bytea';
      throw new CorruptDataError(
        `${this.#kind} ${digest} in PostgreSQL table ${this.#db.schemaName}.blobs (folder ${this.#folder}) no longer hashes to its digest`,
        { details: { kind: this.#kind, folder: this.#folder, schema: this.#db.schemaName, digest, reason } },
      );
    }
    // A plain array of its own: node-postgres may decode small values into a shared pool buffer.
    return new Uint8Array(bytes);
  }

  async has(digest: string): Promise<boolean> {
    assertDigest(this.#kind, digest);
    const { rowCount } = await this.#db.query(
      'blobs.has',
      `SELECT 1 FROM ${this.#db.schema}.blobs WHERE folder = $1 AND digest = $2`,
      [this.#folder, digest],
    );
    return rowCount === 1;
  }

  async remove(digest: string): Promise<boolean> {
    assertDigest(this.#kind, digest);
    const { rowCount } = await this.#db.query(
      'blobs.remove',
      `DELETE FROM ${this.#db.schema}.blobs WHERE folder = $1 AND digest = $2`,
      [this.#folder, digest],
    );
    return rowCount === 1;
  }

  /**
   * The stored digests, sorted, one page at a time: an index range scan from `after`. The column's "C"
   * collation orders them as JavaScript compares strings (digests are ASCII).
   */
  async digests(options?: PageOptions): Promise<string[]> {
    const limit = pageLimit(this.#kind, options?.limit);
    const after = pageAfter(this.#kind, options?.after);
    const { rows } = await this.#db.query<{ digest: string }>(
      'blobs.digests',
      `SELECT digest FROM ${this.#db.schema}.blobs WHERE folder = $1 AND ($2::text IS NULL OR digest > $2)
       ORDER BY digest LIMIT $3`,
      [this.#folder, after ?? null, limit === Number.POSITIVE_INFINITY ? null : limit],
    );
    for (const { digest } of rows) {
      if (typeof digest === 'string' && DIGEST.test(digest)) continue;
      throw new CorruptDataError(
        `${this.#kind} listing of PostgreSQL table ${this.#db.schemaName}.blobs (folder ${this.#folder}) holds ${JSON.stringify(digest)}, not a digest`,
        { details: { kind: this.#kind, folder: this.#folder, schema: this.#db.schemaName, digest } },
      );
    }
    return rows.map((row) => row.digest);
  }

  /** Nothing of its own to release: the store closes the pool. */
  async close(): Promise<void> {}
}
