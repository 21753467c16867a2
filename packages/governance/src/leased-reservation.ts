import { ConflictError, InvalidArgumentError } from '@omega/core';
import type { BudgetType, Reservation, Settlement } from './index.js';
import { KIND } from './rules.js';

/** What settles a carved reservation: the remote client that carved it from its lease. */
export interface CarveHolder {
  settleCarve(method: string, id: string, type: BudgetType, actual: number | null): Settlement;
  renewCarve(id: string, ttlMs: number | undefined): number | null;
}

/** A reservation carved from a remote client's lease (`RemoteGovernanceProvider`): settled once, locally. */
export class LeasedReservation implements Reservation {
  readonly id: string;
  readonly type: BudgetType;
  readonly amount: number;
  #expiresAt: number;
  readonly #client: CarveHolder;
  #settled = false;

  constructor(client: CarveHolder, id: string, type: BudgetType, amount: number, expiresAt: number) {
    this.#client = client;
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
    const settlement = this.#client.settleCarve('commit', this.id, this.type, actual);
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
    const settlement = this.#client.settleCarve('release', this.id, this.type, null);
    this.#settled = true;
    return settlement;
  }

  renew(ttlMs?: number): boolean {
    if (this.#settled) return false;
    const expiresAt = this.#client.renewCarve(this.id, ttlMs);
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
