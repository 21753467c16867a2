import { ConflictError, InvalidArgumentError } from '@omega/core';
import {
  type BudgetType,
  type CommitOptions,
  type Reservation,
  SETTLED_KEY_MAX_LENGTH,
  type Settlement,
} from './index.js';
import { KIND } from './rules.js';

/**
 * What settles a reservation: a front's ledger, or the remote client whose lease it was carved from.
 * `actual` null is a release; `key` (a commit's, checked) null is an unkeyed commit.
 */
export interface ReservationHolder {
  settle(
    method: 'commit' | 'release',
    id: string,
    type: BudgetType,
    actual: number | null,
    key: string | null,
  ): Settlement;
  renew(id: string, ttlMs: number | undefined): number | null;
}

/** A reservation handed out by a provider: settled once, by its holder. */
export class HeldReservation implements Reservation {
  readonly id: string;
  readonly type: BudgetType;
  readonly amount: number;
  #expiresAt: number;
  readonly #holder: ReservationHolder;
  #settled = false;

  constructor(holder: ReservationHolder, id: string, type: BudgetType, amount: number, expiresAt: number) {
    this.#holder = holder;
    this.id = id;
    this.type = type;
    this.amount = amount;
    this.#expiresAt = expiresAt;
  }

  get expiresAt(): number {
    return this.#expiresAt;
  }

  commit(actual: number, options?: CommitOptions): Settlement {
    this.#assertUnsettled('commit');
    const key = this.#key(options);
    const settlement = this.#holder.settle('commit', this.id, this.type, actual, key);
    this.#settled = true;
    return settlement;
  }

  release(reason: string): Settlement {
    this.#assertUnsettled('release');
    if (typeof reason !== 'string') {
      throw new InvalidArgumentError(`release of reservation ${this.id} needs a reason (a string)`, {
        details: { kind: KIND, reservation: this.id, option: 'reason', value: reason },
      });
    }
    const settlement = this.#holder.settle('release', this.id, this.type, null, null);
    this.#settled = true;
    return settlement;
  }

  renew(ttlMs?: number): boolean {
    if (this.#settled) return false;
    const expiresAt = this.#holder.renew(this.id, ttlMs);
    if (expiresAt === null) return false;
    this.#expiresAt = expiresAt;
    return true;
  }

  /** The commit's key, checked (null: none); a bad one leaves the reservation held. */
  #key(options: CommitOptions | undefined): string | null {
    if (options === undefined) return null;
    const details = { kind: KIND, reservation: this.id, option: 'options', value: options };
    if (options === null || typeof options !== 'object') {
      throw new InvalidArgumentError(`commit of reservation ${this.id}: options must be an object`, {
        details,
      });
    }
    const { key } = options;
    if (key === undefined) return null;
    if (typeof key !== 'string' || key.length === 0 || key.length > SETTLED_KEY_MAX_LENGTH) {
      throw new InvalidArgumentError(
        `commit of reservation ${this.id}: key must be a string of 1 to ${SETTLED_KEY_MAX_LENGTH} characters`,
        { details: { ...details, option: 'key', value: typeof key === 'string' ? key.slice(0, 40) : key } },
      );
    }
    return key;
  }

  #assertUnsettled(method: string): void {
    if (!this.#settled) return;
    throw new ConflictError(`reservation ${this.id} was settled already: ${method} cannot settle it again`, {
      details: { kind: KIND, reservation: this.id, method },
    });
  }
}
