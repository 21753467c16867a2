import { StorageFailureError } from '@omega/core';

/**
 * The clock of a remote client whose store has one (`Store.now()`: the database server's for PostgreSQL):
 * read as this process's clock plus an offset, measured at the first sync and again at the first sync
 * after each heartbeat interval, so that every lease and reservation expiry follows the clock all
 * machines share, without a round trip per reading. Readings never go back, even when a new measure
 * lowers the offset: the ledger's sweeps and periods assume time moves forward.
 */
export class StoreClock {
  readonly #read: () => Promise<number>;
  readonly #everyMs: number;
  readonly #provider: string;
  #offset: number | null = null;
  #measuredAt = 0;
  #last = 0;

  /**
   * @param read The store's clock.
   * @param everyMs How long a measure holds: the heartbeat interval.
   */
  constructor(read: () => Promise<number>, everyMs: number, provider: string) {
    this.#read = read;
    this.#everyMs = everyMs;
    this.#provider = provider;
  }

  /** Whether a measure was taken: {@link now} needs one. */
  get measured(): boolean {
    return this.#offset !== null;
  }

  /**
   * Measures the offset unless a measure is younger than the heartbeat interval: the store's reading
   * against the midpoint of this process's clock around it (half the round trip is the error bound).
   */
  async measure(): Promise<void> {
    const sent = Date.now();
    if (this.#offset !== null && sent - this.#measuredAt < this.#everyMs) return;
    const store = await this.#read();
    if (!Number.isSafeInteger(store) || store < 0) {
      throw new StorageFailureError(
        `${this.#provider}: the store's clock read ${String(store)}, not a non-negative integer of milliseconds`,
        { details: { provider: this.#provider, operation: 'now', value: store } },
      );
    }
    const received = Date.now();
    this.#offset = store - Math.round((sent + received) / 2);
    this.#measuredAt = received;
  }

  /** The store's time now, in milliseconds since the epoch, as last measured; never earlier than before. */
  now(): number {
    this.#last = Math.max(this.#last, Date.now() + this.#offset!);
    return this.#last;
  }
}
