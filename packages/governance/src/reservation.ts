import { ConflictError, InvalidArgumentError } from '@omega/core';
import type { BudgetType, Reservation, Settlement } from './index.js';
import { KIND } from './rules.js';

/**
 * What settles a reservation: a front's ledger, or the remote client whose lease it was carved from.
 * `actual` null is a release.
 */
export interface ReservationHolder {
  settle(method: 'commit' | 'release', id: string, type: BudgetType, actual: number | null): Settlement;
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

  commit(actual: number): Settlement {
    this.#assertUnsettled('commit');
    const settlement = this.#holder.settle('commit', this.id, this.type, actual);
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
    const settlement = this.#holder.settle('release', this.id, this.type, null);
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

  #assertUnsettled(method: string): void {
    if (!this.#settled) return;
    throw new ConflictError(`reservation ${this.id} was settled already: ${method} cannot settle it again`, {
      details: { kind: KIND, reservation: this.id, method },
    });
  }
}
