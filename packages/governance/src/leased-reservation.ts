import { ConflictError, InvalidArgumentError } from '@omega/core';
import type { BudgetType, Reservation, Settlement } from './index.js';
import type { RemoteGovernanceProvider } from './remote.js';
import { KIND } from './rules.js';

/** A reservation carved from a {@link RemoteGovernanceProvider}'s lease: settled once, locally. */
export class LeasedReservation implements Reservation {
  readonly id: string;
  readonly type: BudgetType;
  readonly amount: number;
  #expiresAt: number;
  readonly #client: RemoteGovernanceProvider;
  #settled = false;

  constructor(
    client: RemoteGovernanceProvider,
    id: string,
    type: BudgetType,
    amount: number,
    expiresAt: number,
  ) {
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
