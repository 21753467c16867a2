import {
  type AppendOptions,
  assertValidName,
  ClosedError,
  checkAppend,
  checkCount,
  checkLogSpec,
  checkWait,
  type LogBackend,
  type LogEntry,
  type LogEntryInput,
  type LogReadOptions,
  type LogSpec,
  type PageOptions,
  pageAfter,
  pageLimit,
  sizeConflict,
  type WaitOptions,
} from '@omega/core';
import type { Database } from './database.js';
import { corruptEntry, decodeEntry, type EntryPlace, type EntryRow, encodeEntries } from './log-rows.js';
import { isConnectionLoss, LogWaits } from './log-waits.js';
import type { Notifications } from './notifications.js';

const PORT = 'PostgresLog';

/**
 * A {@link LogBackend} on PostgreSQL: a size row per log in `logs` and one row per entry in `log_entries`,
 * both keyed by the family's folder. An append is one statement: it bumps the size row (inserted for a new
 * log; under `expectedSize`, only when the size is the expected one), whose row lock queues the appends of
 * one log until commit, inserts the entries at the positions it reserved, and notifies the store's
 * channel. Every entry read back is validated (`prevalidated` is false). `wait` is woken by those
 * notifications on the store's listening connection, and polls slowly as a safety net.
 */
export class PostgresLog<H> implements LogBackend<H> {
  readonly prevalidated = false;
  readonly #db: Database;
  readonly #spec: LogSpec<H>;
  readonly #kind: string;
  readonly #folder: string;
  readonly #waits: LogWaits;
  readonly #appendSql: string;
  readonly #conditionalAppendSql: string;
  #closed = false;

  constructor(db: Database, spec: LogSpec<H>, notifications: Notifications) {
    checkLogSpec(spec);
    this.#db = db;
    this.#spec = spec;
    this.#kind = spec.kind;
    this.#folder = spec.folder;
    this.#waits = new LogWaits(notifications, spec.folder, (log) => this.#size('log wait', log));
    this.#appendSql = appendStatement(db.schema, false);
    this.#conditionalAppendSql = appendStatement(db.schema, true);
  }

  async append(log: string, entries: readonly LogEntryInput<H>[], options?: AppendOptions): Promise<number> {
    this.#assertOpen('append');
    checkAppend(this.#kind, log, entries, options);
    const { headers, bodies, json } = encodeEntries(this.#kind, log, entries);
    const expected = options?.expectedSize ?? null;
    // Expecting a size above 0 bumps an existing size row only; otherwise a new log inserts its row.
    const conditional = expected !== null && expected > 0;
    const { rows } = await this.#db.query<{ first: string }>(
      'log append',
      conditional ? this.#conditionalAppendSql : this.#appendSql,
      [
        this.#folder,
        log,
        entries.length,
        expected,
        this.#spec.formatVersion,
        headers,
        bodies,
        json,
        this.#waits.channel,
      ],
    );
    const first = rows[0]?.first;
    if (first !== undefined) return Number(first);
    throw sizeConflict(this.#kind, log, expected ?? 0, await this.#size('log append', log));
  }

  async read(log: string, options?: LogReadOptions): Promise<LogEntry<H>[]> {
    this.#assertOpen('read');
    assertValidName(this.#kind, log);
    const from = options?.from === undefined ? 0 : checkCount(this.#kind, log, 'from', options.from);
    const limit = pageLimit(this.#kind, options?.limit);
    const { rows } = await this.#db.query<EntryRow>(
      'log read',
      `SELECT position, format_version, header, body, body_json FROM ${this.#db.schema}.log_entries
       WHERE folder = $1 AND log = $2 AND position >= $3 ORDER BY position LIMIT $4`,
      [this.#folder, log, from, Number.isFinite(limit) ? limit : null],
    );
    return rows.map((row, i) => this.#decode(log, row, from + i));
  }

  async size(log: string): Promise<number> {
    this.#assertOpen('size');
    assertValidName(this.#kind, log);
    return this.#size('log size', log);
  }

  async last(log: string): Promise<LogEntry<H> | null> {
    this.#assertOpen('last');
    assertValidName(this.#kind, log);
    const { rows } = await this.#db.query<{ size: string } & Partial<EntryRow>>(
      'log last',
      `SELECT l.size, e.position, e.format_version, e.header, e.body, e.body_json
       FROM ${this.#db.schema}.logs l LEFT JOIN ${this.#db.schema}.log_entries e
         ON e.folder = l.folder AND e.log = l.log AND e.position = l.size - 1
       WHERE l.folder = $1 AND l.log = $2`,
      [this.#folder, log],
    );
    const row = rows[0];
    if (row === undefined) return null;
    return this.#decode(log, row as EntryRow, Number(row.size) - 1);
  }

  async logs(options?: PageOptions): Promise<string[]> {
    this.#assertOpen('logs');
    const limit = pageLimit(this.#kind, options?.limit);
    const after = pageAfter(this.#kind, options?.after);
    const { rows } = await this.#db.query<{ log: string }>(
      'log listing',
      `SELECT log FROM ${this.#db.schema}.logs WHERE folder = $1 AND ($2::text IS NULL OR log > $2)
       ORDER BY log LIMIT $3`,
      [this.#folder, after ?? null, Number.isFinite(limit) ? limit : null],
    );
    return rows.map((row) => row.log);
  }

  async drop(log: string): Promise<boolean> {
    this.#assertOpen('drop');
    assertValidName(this.#kind, log);
    const { schema } = this.#db;
    // The size row first: deleting it waits for an append holding its lock, and the entries are deleted
    // by a later statement, whose snapshot holds that append's entries too.
    return this.#db.transaction('log drop', async (client) => {
      const gone = await client.query(`DELETE FROM ${schema}.logs WHERE folder = $1 AND log = $2`, [
        this.#folder,
        log,
      ]);
      await client.query(`DELETE FROM ${schema}.log_entries WHERE folder = $1 AND log = $2`, [
        this.#folder,
        log,
      ]);
      return (gone.rowCount ?? 0) > 0;
    });
  }

  async wait(log: string, size: number, options?: WaitOptions): Promise<number> {
    this.#assertOpen('wait');
    checkWait(this.#kind, log, size, options);
    const signal = options?.signal;
    const timeoutMs = options?.timeoutMs;
    // A wait already met costs one read, and no listening connection. A read that lost its connection
    // (the server restarting) leaves the answer to the wait's own reads, which retry.
    const now = await this.#size('log wait', log).catch((error: unknown) => {
      if (timeoutMs === 0 || !isConnectionLoss(error)) throw error;
      return -1;
    });
    if (now > size || timeoutMs === 0) return now;
    signal?.throwIfAborted();
    if (this.#closed) throw this.#closedWhileWaiting();
    return this.#waits.wait(log, size, signal, timeoutMs);
  }

  /** Rejects this port's pending waits and every later call with a `ClosedError`; entries stay. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#waits.close(this.#closedWhileWaiting());
  }

  #closedWhileWaiting(): ClosedError {
    return new ClosedError(`${PORT} (${this.#kind}) was closed while waiting`, {
      details: { kind: this.#kind, method: 'wait' },
    });
  }

  async #size(operation: string, log: string): Promise<number> {
    const { rows } = await this.#db.query<{ size: string }>(
      operation,
      `SELECT size FROM ${this.#db.schema}.logs WHERE folder = $1 AND log = $2`,
      [this.#folder, log],
    );
    return rows[0] === undefined ? 0 : Number(rows[0].size);
  }

  #decode(log: string, row: EntryRow, position: number): LogEntry<H> {
    const place: EntryPlace = {
      schema: this.#db.schemaName,
      folder: this.#folder,
      kind: this.#kind,
      log,
      position,
    };
    if (row.position === null || row.position === undefined)
      throw corruptEntry(place, 'the entry is missing');
    if (Number(row.position) !== position) {
      throw corruptEntry(place, `the entry found is at position ${row.position}: entries are missing`);
    }
    return decodeEntry(this.#spec, row, place);
  }

  #assertOpen(method: string): void {
    if (this.#closed || this.#db.closed) {
      throw new ClosedError(`${PORT}.${method}() called after close()`, {
        details: { kind: this.#kind, method },
      });
    }
  }
}

/**
 * The one statement of an append. $1 folder, $2 log, $3 count, $4 expected size (null: any), $5 format
 * version, $6-$8 the entry columns, $9 the channel. The size row's lock (taken by the insert's conflict or
 * the update) queues appends of one log until commit; one expecting a size re-checks it on the row as the
 * previous append left it, so of racing appenders expecting one size exactly one matches. No row back:
 * the size was another.
 */
function appendStatement(schema: string, existing: boolean): string {
  const bump = existing
    ? `UPDATE ${schema}.logs AS l SET size = l.size + $3::bigint
  WHERE l.folder = $1 AND l.log = $2 AND l.size = $4::bigint`
    : `INSERT INTO ${schema}.logs AS l (folder, log, size) VALUES ($1, $2, $3::bigint)
  ON CONFLICT (folder, log) DO UPDATE SET size = l.size + $3::bigint
  WHERE $4::bigint IS NULL OR l.size = $4::bigint`;
  return `
WITH bumped AS (
  ${bump}
  RETURNING l.size - $3::bigint AS first
), entries AS (
  INSERT INTO ${schema}.log_entries (folder, log, position, format_version, header, body, body_json)
  SELECT $1, $2, bumped.first + e.n - 1, $5, e.header, e.body, e.body_json
  FROM bumped, unnest($6::bytea[], $7::bytea[], $8::boolean[]) WITH ORDINALITY AS e(header, body, body_json, n)
)
SELECT first, pg_notify($9, $1 || '/' || $2) FROM bumped`;
}
