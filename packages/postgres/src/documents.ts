import {
  assertBodySize,
  assertValidName,
  checkDocumentSpec,
  type DocumentBackend,
  type DocumentSpec,
  type DocumentWriteOptions,
  documentExists,
  fencedOut,
  fenceNotHeld,
  type PageOptions,
  pageAfter,
  pageLimit,
  type StoredDocument,
  type StoredHeader,
} from '@omega/core';
import type { Database, Queryable } from './database.js';
import { DocumentLocks } from './document-locks.js';
import { bytesText, decodeHeader, textBytes } from './rows.js';

interface HeaderRow {
  name: string;
  format_version: number;
  header: Buffer;
  body_bytes: number;
  revision: string;
}

interface DocumentRow extends HeaderRow {
  body: Buffer;
}

/** What the port last saw of a name: the header `update` hands `next`, and the revision it replaces. */
interface Seen<H> {
  stored: StoredHeader<H>;
  revision: string;
}

// The headers `update` remembers, so a process saving one name again and again pays one statement per save.
const SEEN_LIMIT = 1024;

/**
 * The document port on PostgreSQL: one row per document in `documents`, header and body as UTF-8 bytes,
 * each write giving it a new revision from one sequence. `update` is a compare-and-swap (`UPDATE … WHERE
 * revision = $n`, or an insert when there is none) against the revision it last saw, tried again with the
 * new header when another writer came first; it waits while another holder holds the name's lock.
 * Fenced writes run in a transaction that checks the lock row's fence and the revision its holder saw.
 */
export class PostgresDocuments<H> implements DocumentBackend<H> {
  readonly prevalidated = false;
  readonly #db: Database;
  readonly #spec: DocumentSpec<H>;
  readonly #locks: DocumentLocks;
  readonly #seen = new Map<string, Seen<H>>();

  constructor(db: Database, spec: DocumentSpec<H>) {
    checkDocumentSpec(spec);
    this.#db = db;
    this.#spec = spec;
    this.#locks = new DocumentLocks(db, spec.folder, spec.kind);
  }

  async read(name: string): Promise<StoredDocument<H> | null> {
    this.#check(name);
    const { rows } = await this.#db.query<DocumentRow>(
      'read',
      `SELECT name, format_version, header, body, octet_length(body) AS body_bytes, revision
       FROM ${this.#db.schema}.documents WHERE folder = $1 AND name = $2`,
      [this.#spec.folder, name],
    );
    const row = rows[0];
    if (row === undefined) return null;
    const stored = this.#stored(row);
    return { ...stored, body: bytesText(this.#place(row.name), 'body', row.body) };
  }

  async readHeader(name: string): Promise<StoredHeader<H> | null> {
    this.#check(name);
    const seen = await this.#readSeen(name);
    return seen?.stored ?? null;
  }

  async headers(options?: PageOptions): Promise<StoredHeader<H>[]> {
    const rows = await this.#page<HeaderRow>(
      'headers',
      'name, format_version, header, octet_length(body) AS body_bytes, revision',
      options,
    );
    return rows.map((row) => this.#stored(row));
  }

  async names(options?: PageOptions): Promise<string[]> {
    const rows = await this.#page<{ name: string }>('names', 'name', options);
    return rows.map((row) => row.name);
  }

  async write(name: string, header: H, body: string, options?: DocumentWriteOptions): Promise<void> {
    this.#checkWrite(name, body);
    const fence = options?.fence;
    if (fence !== undefined) {
      await this.#fencedWrite(name, header, body, fence);
      return;
    }
    const { schema } = this.#db;
    const { rows } = await this.#db.query<{ revision: string }>(
      'write',
      `WITH written AS (
         INSERT INTO ${schema}.documents (folder, name, format_version, header, body, revision)
         VALUES ($1, $2, $3, $4, $5, nextval('${schema}.document_revisions'))
         ON CONFLICT (folder, name) DO UPDATE SET format_version = EXCLUDED.format_version,
           header = EXCLUDED.header, body = EXCLUDED.body, revision = EXCLUDED.revision
         RETURNING revision),
       ${changedForHolder(schema)}
       SELECT revision FROM written`,
      this.#values(name, header, body),
    );
    this.#remember(name, header, body, rows[0]!.revision);
  }

  async create(name: string, header: H, body: string, options?: DocumentWriteOptions): Promise<void> {
    this.#checkWrite(name, body);
    const fence = options?.fence;
    if (fence !== undefined) {
      await this.#fenced('create', name, fence, async (client, current) => {
        if (current !== null) throw documentExists(this.#spec.kind, name);
        return this.#insert(client, name, header, body);
      });
      return;
    }
    const { schema } = this.#db;
    const { rows } = await this.#db.query<{ revision: string }>(
      'create',
      `WITH written AS (
         INSERT INTO ${schema}.documents (folder, name, format_version, header, body, revision)
         VALUES ($1, $2, $3, $4, $5, nextval('${schema}.document_revisions'))
         ON CONFLICT (folder, name) DO NOTHING
         RETURNING revision),
       ${changedForHolder(schema)}
       SELECT revision FROM written`,
      this.#values(name, header, body),
    );
    if (rows.length === 0) throw documentExists(this.#spec.kind, name);
    this.#remember(name, header, body, rows[0]!.revision);
  }

  async remove(name: string, options?: DocumentWriteOptions): Promise<boolean> {
    this.#check(name);
    this.#seen.delete(name);
    const fence = options?.fence;
    if (fence !== undefined) {
      let removed = false;
      await this.#fenced('remove', name, fence, async (client, current) => {
        removed = current !== null;
        if (removed) await this.#delete(client, name);
        return null;
      });
      return removed;
    }
    const { schema } = this.#db;
    const { rows } = await this.#db.query(
      'remove',
      `WITH written AS (
         DELETE FROM ${schema}.documents WHERE folder = $1 AND name = $2 RETURNING revision),
       ${changedForHolder(schema)}
       SELECT 1 FROM written`,
      [this.#spec.folder, name],
    );
    return rows.length > 0;
  }

  async update(name: string, next: (current: StoredHeader<H> | null) => { header: H; body: string }) {
    this.#check(name);
    for (let fresh = false; ; fresh = true) {
      // Holders in this process go first, so a save does not spin against their lock.
      await this.#locks.idle(name);
      const seen = fresh
        ? await this.#readSeen(name)
        : (this.#seen.get(name) ?? (await this.#readSeen(name)));
      let made: { header: H; body: string };
      try {
        made = next(seen?.stored ?? null);
      } catch (error) {
        // A header remembered from an earlier call may be stale: `next` decides on the stored one only.
        if (!fresh && this.#seen.has(name)) continue;
        throw error;
      }
      const { header, body } = made;
      assertBodySize(this.#spec.kind, name, body);
      const revision = await this.#swap(name, header, body, seen?.revision ?? null);
      if (revision !== null) {
        this.#remember(name, header, body, revision);
        return;
      }
      this.#seen.delete(name);
      if (await this.#heldElsewhere(name)) await this.#locks.withLock(name, async () => {});
    }
  }

  withLock<T>(name: string, fn: (fence: number) => Promise<T>): Promise<T> {
    try {
      this.#check(name);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#locks.withLock(name, fn);
  }

  /** Nothing to release: the pool is the store's. */
  async close(): Promise<void> {
    this.#seen.clear();
  }

  // The write of `update`: lands only over `revision` (null: no document), while nobody holds the lock.
  async #swap(name: string, header: H, body: string, revision: string | null): Promise<string | null> {
    const { schema } = this.#db;
    const unheld = `NOT EXISTS (SELECT 1 FROM ${schema}.document_locks
      WHERE folder = $1 AND name = $2 AND holder IS NOT NULL AND expires_at > clock_timestamp())`;
    const values = this.#values(name, header, body);
    const { rows } =
      revision === null
        ? await this.#db.query<{ revision: string }>(
            'update',
            `INSERT INTO ${schema}.documents (folder, name, format_version, header, body, revision)
             SELECT $1, $2, $3, $4, $5, nextval('${schema}.document_revisions') WHERE ${unheld}
             ON CONFLICT (folder, name) DO NOTHING
             RETURNING revision`,
            values,
          )
        : await this.#db.query<{ revision: string }>(
            'update',
            `UPDATE ${schema}.documents SET format_version = $3, header = $4, body = $5,
               revision = nextval('${schema}.document_revisions')
             WHERE folder = $1 AND name = $2 AND revision = $6 AND ${unheld}
             RETURNING revision`,
            [...values, revision],
          );
    return rows[0]?.revision ?? null;
  }

  async #heldElsewhere(name: string): Promise<boolean> {
    const { rows } = await this.#db.query(
      'update',
      `SELECT 1 FROM ${this.#db.schema}.document_locks
       WHERE folder = $1 AND name = $2 AND holder IS NOT NULL AND expires_at > clock_timestamp()`,
      [this.#spec.folder, name],
    );
    return rows.length > 0;
  }

  /**
   * A fenced write, in one transaction: the lock row must still carry `fence` and this port's holder id
   * ('not held' otherwise), and the document must be at the revision the holder last saw ('fenced'
   * otherwise); `write` then changes it and the lock row records the new revision as seen.
   */
  async #fenced(
    operation: string,
    name: string,
    fence: number,
    write: (client: Queryable, current: string | null) => Promise<string | null>,
  ): Promise<void> {
    const { schema } = this.#db;
    const { folder, kind } = this.#spec;
    await this.#db.transaction(operation, async (client) => {
      const lock = await client.query<{ fence: string; holder: string | null; seen_revision: string | null }>(
        `SELECT fence, holder, seen_revision FROM ${schema}.document_locks
         WHERE folder = $1 AND name = $2 FOR UPDATE`,
        [folder, name],
      );
      const held = lock.rows[0];
      if (held === undefined || Number(held.fence) !== fence || held.holder !== this.#locks.holder) {
        throw fenceNotHeld(kind, name, fence);
      }
      const document = await client.query<{ revision: string }>(
        `SELECT revision FROM ${schema}.documents WHERE folder = $1 AND name = $2 FOR UPDATE`,
        [folder, name],
      );
      const current = document.rows[0]?.revision ?? null;
      if (current !== held.seen_revision) throw fencedOut(kind, name, fence);
      const written = await write(client, current);
      await client.query(
        `UPDATE ${schema}.document_locks SET seen_revision = $3 WHERE folder = $1 AND name = $2`,
        [folder, name, written],
      );
    });
  }

  /**
   * A fenced write as one statement (a lock holder's hot path: the budget ledger's every sync): it locks
   * the lock row and the document, and writes only while the lock carries `fence` and this port's holder
   * id and the document is at the revision its holder saw; the lock row then records the new revision.
   */
  async #fencedWrite(name: string, header: H, body: string, fence: number): Promise<void> {
    const { schema } = this.#db;
    const { rows } = await this.#db.query<{ held: boolean; revision: string | null }>(
      'write',
      `WITH held AS (
         SELECT seen_revision FROM ${schema}.document_locks
         WHERE folder = $1 AND name = $2 AND fence = $6 AND holder = $7 FOR UPDATE),
       current AS (SELECT revision FROM ${schema}.documents WHERE folder = $1 AND name = $2 FOR UPDATE),
       fits AS (SELECT 1 FROM held WHERE seen_revision IS NOT DISTINCT FROM (SELECT revision FROM current)),
       replaced AS (
         UPDATE ${schema}.documents SET format_version = $3, header = $4, body = $5,
           revision = nextval('${schema}.document_revisions')
         WHERE folder = $1 AND name = $2 AND EXISTS (SELECT 1 FROM fits)
         RETURNING revision),
       inserted AS (
         INSERT INTO ${schema}.documents (folder, name, format_version, header, body, revision)
         SELECT $1, $2, $3, $4, $5, nextval('${schema}.document_revisions')
         WHERE EXISTS (SELECT 1 FROM fits) AND NOT EXISTS (SELECT 1 FROM current)
         ON CONFLICT (folder, name) DO NOTHING
         RETURNING revision),
       written AS (SELECT revision FROM replaced UNION ALL SELECT revision FROM inserted),
       marked AS (
         UPDATE ${schema}.document_locks SET seen_revision = (SELECT revision FROM written)
         WHERE folder = $1 AND name = $2 AND EXISTS (SELECT 1 FROM written))
       SELECT EXISTS (SELECT 1 FROM held) AS held, (SELECT revision FROM written) AS revision`,
      [...this.#values(name, header, body), fence, this.#locks.holder],
    );
    const { held, revision } = rows[0]!;
    if (!held) throw fenceNotHeld(this.#spec.kind, name, fence);
    if (revision === null) throw fencedOut(this.#spec.kind, name, fence);
    this.#remember(name, header, body, revision);
  }

  async #insert(client: Queryable, name: string, header: H, body: string): Promise<string> {
    const { schema } = this.#db;
    const { rows } = await client.query<{ revision: string }>(
      `INSERT INTO ${schema}.documents (folder, name, format_version, header, body, revision)
       VALUES ($1, $2, $3, $4, $5, nextval('${schema}.document_revisions')) RETURNING revision`,
      this.#values(name, header, body),
    );
    return rows[0]!.revision;
  }

  async #delete(client: Queryable, name: string): Promise<void> {
    await client.query(`DELETE FROM ${this.#db.schema}.documents WHERE folder = $1 AND name = $2`, [
      this.#spec.folder,
      name,
    ]);
  }

  async #readSeen(name: string): Promise<Seen<H> | null> {
    const { rows } = await this.#db.query<HeaderRow>(
      'readHeader',
      `SELECT name, format_version, header, octet_length(body) AS body_bytes, revision
       FROM ${this.#db.schema}.documents WHERE folder = $1 AND name = $2`,
      [this.#spec.folder, name],
    );
    const row = rows[0];
    if (row === undefined) {
      this.#seen.delete(name);
      return null;
    }
    const seen = { stored: this.#stored(row), revision: row.revision };
    this.#keep(name, seen);
    return seen;
  }

  async #page<R extends { name: string }>(
    operation: string,
    columns: string,
    options: PageOptions | undefined,
  ): Promise<R[]> {
    const { kind, folder } = this.#spec;
    const limit = pageLimit(kind, options?.limit);
    const after = pageAfter(kind, options?.after);
    const { rows } = await this.#db.query<R>(
      operation,
      `SELECT ${columns} FROM ${this.#db.schema}.documents
       WHERE folder = $1 AND ($2::text IS NULL OR name > $2) ORDER BY name LIMIT $3`,
      [folder, after ?? null, Number.isFinite(limit) ? limit : null],
    );
    return rows;
  }

  #stored(row: HeaderRow): StoredHeader<H> {
    const { header, formatVersion } = this.#spec;
    return {
      name: row.name,
      formatVersion: row.format_version,
      header: decodeHeader(this.#place(row.name), header, formatVersion, row.format_version, row.header),
      bodyBytes: row.body_bytes,
    };
  }

  #remember(name: string, header: H, body: string, revision: string): void {
    const stored = {
      name,
      formatVersion: this.#spec.formatVersion,
      header,
      bodyBytes: Buffer.byteLength(body, 'utf8'),
    };
    this.#keep(name, { stored, revision });
  }

  #keep(name: string, seen: Seen<H>): void {
    this.#seen.delete(name);
    this.#seen.set(name, seen);
    if (this.#seen.size > SEEN_LIMIT) this.#seen.delete(this.#seen.keys().next().value as string);
  }

  #values(name: string, header: H, body: string): unknown[] {
    return [
      this.#spec.folder,
      name,
      this.#spec.formatVersion,
      textBytes(JSON.stringify(header)),
      textBytes(body),
    ];
  }

  #place(name: string) {
    return { table: 'documents', folder: this.#spec.folder, name };
  }

  #check(name: string): void {
    assertValidName(this.#spec.kind, name);
  }

  #checkWrite(name: string, body: string): void {
    this.#check(name);
    assertBodySize(this.#spec.kind, name, body);
  }
}

// Part of every unfenced write: a holder of the name's lock must not later write over what this changed,
// even if it changes back (a create after a remove), so its seen revision becomes one no document has.
function changedForHolder(schema: string): string {
  return `marked AS (
    UPDATE ${schema}.document_locks SET seen_revision = -1
    WHERE folder = $1 AND name = $2 AND holder IS NOT NULL AND EXISTS (SELECT 1 FROM written))`;
}
