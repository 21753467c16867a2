import { randomUUID } from 'node:crypto';
import { ConflictError } from '@omega/core';
import type { Database } from './database.js';

// Polling a held lock: from 2 ms (a short holder in the same process) doubling up to 100 ms.
const FIRST_POLL_MS = 2;
const LAST_POLL_MS = 100;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The per-name locks of one folder of documents, shared by every process on the database: a row per
 * name in `document_locks` holding the last fence, the holder (a random id per port) and its lease on
 * the database clock. A lock is taken by one conditional upsert that bumps the fence only when the row
 * is free or its lease ran out, so fences grow per name and two holders never overlap while their
 * leases hold. Nothing is held in a transaction while `fn` runs: a transaction-mode pooler sees only
 * short transactions, and a holder that stalls past its lease is taken over, its writes then refused by
 * their fence (see documents.ts).
 */
export class DocumentLocks {
  /** This port's holder id, written in the rows of the locks it holds. */
  readonly holder = randomUUID();
  readonly #db: Database;
  readonly #folder: string;
  readonly #kind: string;
  // Holders of this process queue here first, so only one of them polls the database for a name.
  readonly #local = new Map<string, Promise<void>>();

  constructor(db: Database, folder: string, kind: string) {
    this.#db = db;
    this.#folder = folder;
    this.#kind = kind;
  }

  /** Runs `fn` holding the lock of `name` (its fence passed), renewing the lease meanwhile. */
  async withLock<T>(name: string, fn: (fence: number) => Promise<T>): Promise<T> {
    const before = this.#local.get(name);
    let done!: () => void;
    const mine = new Promise<void>((resolve) => {
      done = resolve;
    });
    this.#local.set(name, mine);
    try {
      if (before !== undefined) await before;
      const fence = await this.#acquire(name);
      // Renewed three times per lease, so two missed renewals (a stalled event loop, a slow server) keep it.
      const renewal = setInterval(() => {
        this.#renew(name, fence).catch(() => {});
      }, this.#db.options.lockLeaseMs / 3);
      try {
        return await fn(fence);
      } finally {
        clearInterval(renewal);
        // fn's outcome stands: a release that fails only leaves the lock to its lease.
        await this.#release(name, fence).catch(() => {});
      }
    } finally {
      if (this.#local.get(name) === mine) this.#local.delete(name);
      done();
    }
  }

  /** Resolves once no holder of this process holds or waits for `name`'s lock. */
  async idle(name: string): Promise<void> {
    for (let pending = this.#local.get(name); pending !== undefined; pending = this.#local.get(name)) {
      await pending;
    }
  }

  async #acquire(name: string): Promise<number> {
    const started = performance.now();
    const { lockWaitMs } = this.#db.options;
    for (let wait = FIRST_POLL_MS; ; wait = Math.min(wait * 2, LAST_POLL_MS)) {
      // A waiter looks before it tries: the upsert locks the row even when it finds it held, and a
      // crowd of waiters doing so queues the holder's own fenced write behind them.
      const fence = wait > FIRST_POLL_MS && (await this.#held(name)) ? null : await this.#take(name);
      if (fence !== null) return fence;
      if (performance.now() - started > lockWaitMs) {
        throw new ConflictError(`${this.#kind} "${name}" stayed locked for ${lockWaitMs} ms`, {
          details: { kind: this.#kind, name, reason: 'lock timeout', waitedMs: lockWaitMs },
        });
      }
      // Jittered: waiters that started together would otherwise poll in waves, the lock idle between them.
      await sleep(wait / 2 + Math.random() * (wait / 2));
    }
  }

  // Whether `name`'s lock is held and its lease running: a plain read, which takes no row lock.
  async #held(name: string): Promise<boolean> {
    const { rowCount } = await this.#db.query(
      'withLock',
      `SELECT 1 FROM ${this.#db.schema}.document_locks
       WHERE folder = $1 AND name = $2 AND holder IS NOT NULL AND expires_at >= clock_timestamp()`,
      [this.#folder, name],
    );
    return rowCount === 1;
  }

  // The fence of the lock when it was free (or its lease ran out) and is now this port's; null if held.
  async #take(name: string): Promise<number | null> {
    const { schema } = this.#db;
    const { rows } = await this.#db.query<{ fence: string }>(
      'withLock',
      `INSERT INTO ${schema}.document_locks AS l (folder, name, fence, holder, expires_at, seen_revision)
       VALUES ($1, $2, 1, $3, clock_timestamp() + $4 * interval '1 millisecond',
               (SELECT revision FROM ${schema}.documents WHERE folder = $1 AND name = $2))
       ON CONFLICT (folder, name) DO UPDATE
         SET fence = l.fence + 1, holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at,
             seen_revision = EXCLUDED.seen_revision
         WHERE l.holder IS NULL OR l.expires_at < clock_timestamp()
       RETURNING fence`,
      [this.#folder, name, this.holder, this.#db.options.lockLeaseMs],
    );
    if (rows.length === 0) return null;
    const fence = Number(rows[0]!.fence);
    // The revision read above is of the statement's snapshot, which may predate the last holder's write
    // when the upsert waited for its release: read again now that the lock is this port's, or the
    // holder's first fenced write would be refused as if the document had changed under it.
    await this.#db.query(
      'withLock',
      `UPDATE ${schema}.document_locks
       SET seen_revision = (SELECT revision FROM ${schema}.documents WHERE folder = $1 AND name = $2)
       WHERE folder = $1 AND name = $2 AND fence = $3 AND holder = $4`,
      [this.#folder, name, fence, this.holder],
    );
    return fence;
  }

  async #renew(name: string, fence: number): Promise<void> {
    await this.#db.query(
      'withLock',
      `UPDATE ${this.#db.schema}.document_locks SET expires_at = clock_timestamp() + $5 * interval '1 millisecond'
       WHERE folder = $1 AND name = $2 AND fence = $3 AND holder = $4`,
      [this.#folder, name, fence, this.holder, this.#db.options.lockLeaseMs],
    );
  }

  async #release(name: string, fence: number): Promise<void> {
    if (this.#db.closed) return;
    await this.#db.query(
      'withLock',
      `UPDATE ${this.#db.schema}.document_locks SET holder = NULL, expires_at = NULL
       WHERE folder = $1 AND name = $2 AND fence = $3 AND holder = $4`,
      [this.#folder, name, fence, this.holder],
    );
  }
}
