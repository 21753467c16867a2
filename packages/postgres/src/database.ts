import { createHash } from 'node:crypto';
import { ClosedError } from '@omega/core';
import pg from 'pg';
import { isRetryable, storageFailure } from './failures.js';
import { migrate } from './migrate.js';
import type { CheckedOptions } from './options.js';
import type { MigrationTarget, Queryable } from './queryable.js';

export type { Queryable } from './queryable.js';

/** How many times a transaction is run again after a serialization failure or a deadlock. */
const TRANSACTION_ATTEMPTS = 5;

/**
 * The connection pool of one store and its schema: every statement of every port goes through `query`
 * or `transaction`, which apply the migrations first (once) and turn failures into typed errors.
 */
export class Database implements MigrationTarget {
  /** The schema's name, quoted: `"omega"`. Tables are written `${db.schema}.documents`. */
  readonly schema: string;
  /** The schema's name as given. */
  readonly schemaName: string;
  readonly pool: pg.Pool;
  /** The provider that owns this database, for errors. */
  readonly provider: string;
  /** The options it was made with, checked (ports read their lock settings here). */
  readonly options: CheckedOptions;
  readonly #ownsPool: boolean;
  readonly #onPoolError: (error: Error) => void;
  readonly #names = new Map<string, string>();
  #ready: Promise<void> | undefined;
  #closed = false;

  constructor(options: CheckedOptions, provider: string) {
    this.provider = provider;
    this.options = options;
    this.schema = options.quotedSchema;
    this.schemaName = options.schema;
    this.#ownsPool = options.pool === undefined;
    this.pool =
      options.pool ??
      new pg.Pool({
        connectionString: options.connectionString,
        max: options.maxConnections,
        statement_timeout: options.statementTimeoutMs,
        lock_timeout: options.lockTimeoutMs,
        idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs,
      });
    // An idle client whose server went away emits 'error' on the pool; unhandled, it ends the process.
    // The pool drops that client, and the next statement gets a fresh connection.
    this.#onPoolError = options.onPoolError;
    this.pool.on('error', this.#onPoolError);
  }

  /** Applies the migrations once per database object; every statement waits for it. */
  ready(): Promise<void> {
    this.#ready ??= migrate(this).catch((error) => {
      this.#ready = undefined;
      throw error;
    });
    return this.#ready;
  }

  /** Runs one statement (its own transaction) after the migrations. */
  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    operation: string,
    text: string,
    params?: unknown[],
  ): Promise<pg.QueryResult<R>> {
    this.assertOpen(operation);
    await this.ready();
    try {
      if (!this.options.prepare) return await this.pool.query<R>(text, params);
      return await this.pool.query<R>({ name: this.#statementName(text), text, values: params });
    } catch (error) {
      throw storageFailure(operation, error, { provider: this.provider });
    }
  }

  // A name per statement text: each connection parses and plans a statement once, then only binds it
  // (about a third of a small save's time). The texts are the ports' own, so they are few.
  #statementName(text: string): string {
    let name = this.#names.get(text);
    if (name === undefined) {
      name = `omega_${createHash('sha256').update(text).digest('base64url').slice(0, 24)}`;
      this.#names.set(text, name);
    }
    return name;
  }

  /**
   * Runs `fn` in one transaction on one client (BEGIN … COMMIT), again from the start after a
   * serialization failure or a deadlock, at most a few times; anything `fn` throws rolls it back.
   */
  async transaction<T>(operation: string, fn: (client: Queryable) => Promise<T>): Promise<T> {
    this.assertOpen(operation);
    await this.ready();
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.rawTransaction(fn);
      } catch (error) {
        if (attempt < TRANSACTION_ATTEMPTS && isRetryable(error)) continue;
        throw storageFailure(operation, error, { provider: this.provider });
      }
    }
  }

  /** {@link transaction} without the migrations, the retries or the error translation (migrate.ts uses it). */
  async rawTransaction<T>(fn: (client: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: unknown;
    // A backend terminated between two statements reports it as an 'error' event of the checked-out
    // client, which the pool no longer listens to: unheard, it would end the process. The next
    // statement fails with the same cause.
    const lost = (error: Error) => {
      broken = error;
    };
    client.on('error', lost);
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch (rollback) {
        // The connection is unusable: it must not go back to the pool.
        broken = rollback;
      }
      throw error;
    } finally {
      client.off('error', lost);
      client.release(broken === undefined ? undefined : (broken as Error));
    }
  }

  /** A `ClosedError` naming the operation once closed. */
  assertOpen(operation: string): void {
    if (!this.#closed) return;
    throw new ClosedError(`${this.provider}: ${operation} called after close()`, {
      details: { provider: this.provider, method: operation },
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Ends the pool when the store made it; a pool it was given is its owner's to end. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#ready?.catch(() => {});
    if (this.#ownsPool) await this.pool.end();
    else this.pool.off('error', this.#onPoolError);
  }
}
