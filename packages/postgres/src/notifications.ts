import pg from 'pg';
import type { Database } from './database.js';

/** Called on a hint that a log may have grown: the listener re-reads the size, the hint carries no data. */
export type Hint = () => void;

/** First and longest pause before connecting again after the listening connection failed. */
const FIRST_RETRY_MS = 100;
const LONGEST_RETRY_MS = 5_000;

/**
 * The wake-ups of one store's waits: ONE dedicated connection (not from the pool, which would hand it to
 * other statements) that `LISTEN`s on the schema's channel, `omega:<schema>`; every append notifies it
 * with `<folder>/<log>` in the same statement, so the notification arrives once the entries are committed.
 * A notification is only a hint: listeners re-read the size from the table on each one, and on every
 * reconnect (notifications sent while the connection was down are lost). The connection is made on the
 * first listener, and made again with backoff when it fails; waits poll slowly meanwhile.
 */
export class Notifications {
  readonly #db: Database;
  readonly #channel: string;
  readonly #listeners = new Map<string, Set<Hint>>();
  #client: pg.Client | undefined;
  #connecting: Promise<void> | undefined;
  #retry: NodeJS.Timeout | undefined;
  #failures = 0;
  #closed = false;

  constructor(db: Database) {
    this.#db = db;
    this.#channel = `omega:${db.schemaName}`;
  }

  /** The channel appends notify (what `pg_notify` takes). */
  get channel(): string {
    return this.#channel;
  }

  /** Whether the listening connection is up (hints arrive) rather than down or not made yet. */
  get listening(): boolean {
    return this.#client !== undefined;
  }

  /**
   * Calls `hint` on every notification for `folder/log` and on every reconnect until the returned function
   * is called. Resolves once the connection listens, or failed to (the caller polls meanwhile): a size read
   * after it resolves misses no append that a hint would announce.
   */
  async listen(folder: string, log: string, hint: Hint): Promise<() => void> {
    const key = `${folder}/${log}`;
    let hints = this.#listeners.get(key);
    if (hints === undefined) {
      hints = new Set();
      this.#listeners.set(key, hints);
    }
    hints.add(hint);
    const added = hints;
    const stop = () => {
      added.delete(hint);
      if (added.size === 0 && this.#listeners.get(key) === added) this.#listeners.delete(key);
    };
    await this.#connect();
    return stop;
  }

  /** The connection listening, made now if it is not (failures are left to the retry). */
  #connect(): Promise<void> {
    if (this.#closed || this.#client !== undefined || this.#retry !== undefined) return Promise.resolve();
    this.#connecting ??= this.#open().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  async #open(): Promise<void> {
    const config = (this.#db.pool as unknown as { options: pg.ClientConfig }).options;
    const client = new pg.Client({ ...config, statement_timeout: undefined });
    const lost = () => this.#lost(client);
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (message) => {
      if (message.channel === this.#channel && message.payload !== undefined) this.#hint(message.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN "${this.#channel}"`);
    } catch {
      client.removeListener('end', lost);
      client.end().catch(() => {});
      this.#scheduleRetry();
      return;
    }
    if (this.#closed) {
      await client.end().catch(() => {});
      return;
    }
    this.#client = client;
    this.#failures = 0;
    // Appends made while no connection listened sent hints nobody heard.
    this.#hintAll();
  }

  #lost(client: pg.Client): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    client.end().catch(() => {});
    if (this.#closed) return;
    this.#hintAll();
    this.#scheduleRetry();
  }

  #scheduleRetry(): void {
    if (this.#closed || this.#retry !== undefined) return;
    const pause = Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** this.#failures);
    this.#failures++;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      // Nobody waiting: the next listener connects.
      if (this.#listeners.size > 0) void this.#connect();
    }, pause);
    this.#retry.unref();
  }

  #hint(key: string): void {
    const hints = this.#listeners.get(key);
    if (hints !== undefined) for (const hint of [...hints]) hint();
  }

  #hintAll(): void {
    for (const hints of [...this.#listeners.values()]) for (const hint of [...hints]) hint();
  }

  /** Ends the listening connection and stops reconnecting. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#retry !== undefined) clearTimeout(this.#retry);
    this.#retry = undefined;
    await this.#connecting;
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => {});
  }
}
