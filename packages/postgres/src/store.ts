import {
  type BlobBackend,
  type BlobSpec,
  type DocumentBackend,
  type DocumentSpec,
  type LogBackend,
  type LogSpec,
  type Store,
  StorePorts,
} from '@omega/core';
import { PostgresBlobs } from './blobs.js';
import { Database } from './database.js';
import { PostgresDocuments } from './documents.js';
import { PostgresLog } from './log.js';
import { Notifications } from './notifications.js';
import { checkOptions, type PostgresStoreOptions } from './options.js';

/**
 * The three storage ports on PostgreSQL, so every asynchronous family runs on a server through its usual
 * front (`new SessionFront(store)`, ...): documents, logs and blobs in one schema of one database, shared by
 * every process and machine connected to it. Values are stored as the serde bytes the families write
 * (`bytea`), so round trips are exact. The schema is migrated on first use (or by `migrate()`).
 */
export class PostgresStore implements Store {
  /** The pool and schema every port uses (the budget ledger too). */
  readonly database: Database;
  readonly #ports = new StorePorts('PostgresStore');
  readonly #notifications: Notifications;

  constructor(options: PostgresStoreOptions) {
    this.database = new Database(checkOptions('PostgresStore', options), 'PostgresStore');
    this.#notifications = new Notifications(this.database);
  }

  /** Applies the schema's migrations now, rather than before the first statement. */
  async migrate(): Promise<void> {
    this.database.assertOpen('migrate');
    await this.database.ready();
  }

  documents<H>(spec: DocumentSpec<H>): DocumentBackend<H> {
    return this.#ports.get('documents', spec, () => new PostgresDocuments(this.database, spec));
  }

  log<H>(spec: LogSpec<H>): LogBackend<H> {
    return this.#ports.get('log', spec, () => new PostgresLog(this.database, spec, this.#notifications));
  }

  blobs(spec: BlobSpec): BlobBackend {
    return this.#ports.get('blobs', spec, () => new PostgresBlobs(this.database, spec));
  }

  /** Closes every port, the notification connection, and the pool when the store made it. Idempotent. */
  async close(): Promise<void> {
    if (!(await this.#ports.close())) return;
    await this.#notifications.close();
    await this.database.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
