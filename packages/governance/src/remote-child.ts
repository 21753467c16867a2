import { type CapabilityMatcher, InvalidArgumentError, Lifecycle } from '@omega/core';
import type {
  Budget,
  BudgetAlert,
  BudgetReport,
  BudgetType,
  CapSet,
  GovernanceProvider,
  Limits,
  Profile,
  Reservation,
  Settlement,
} from './index.js';
import { LimitsSchema } from './index.js';
import type { Crossing } from './ledger.js';
import { checkTtl, limitsInUnits } from './options.js';
import type { ChildScopes } from './remote-scopes.js';
import { HeldReservation } from './reservation.js';
import { KIND } from './rules.js';
import { assertBudgetType, fromUnits } from './units.js';

/** What a remote client lends its children: its checks, clock, scopes and listeners. */
export interface ChildHost {
  readonly provider: string;
  /** Throws unless the client is open and ready. */
  assertReady(method: string): void;
  /** `amount` of `type` in ledger units, rounded up; an `InvalidArgumentError` naming `method` if it is not one. */
  units(method: string, type: BudgetType, amount: number): number;
  /** The client's clock, with its reservations swept and its period rolled to it. */
  now(): number;
  readonly scopes: ChildScopes;
  /** Whether a commit of `type` with `key` was settled, as the client's own keyed commits check. */
  isSettled(type: BudgetType, key: string): boolean;
  /** Notes `key` settled for `type`, as the client's own keyed commits do. */
  noteSettled(type: BudgetType, key: string): void;
  readonly profile: Profile;
  readonly caps: CapabilityMatcher;
  readonly ttlMs: number;
  /** Emits the thresholds crossed in child scopes. */
  emit(crossed: Crossing[], now: number): void;
  onAlert(listener: (alert: BudgetAlert) => void): () => void;
}

/**
 * A child of a {@link RemoteGovernanceProvider} (`child(limits)`): a scope of that client alone, whose every
 * consume and reservation also debits the client's lease, all or nothing. The shared ledger and other
 * clients see its use as the client's. Closing it keeps its use in the client; its reservations stay
 * usable, settled by the client, until the client closes.
 */
export class RemoteChildGovernance implements GovernanceProvider {
  readonly #host: ChildHost;
  readonly #scope: string;
  readonly #limits: Limits;
  readonly #lifecycle: Lifecycle;

  /** @internal Made by `child()` of a remote client or of one of its children. */
  constructor(host: ChildHost, parent: string, limits: Limits) {
    const units = limitsInUnits(host.provider, limits, 'limits');
    this.#host = host;
    this.#scope = host.scopes.create(parent, units);
    this.#limits = LimitsSchema.parse(limits);
    this.#lifecycle = new Lifecycle(host.provider, KIND);
  }

  getProfile(): Profile {
    this.#assertOpen('getProfile');
    return structuredClone({ ...this.#host.profile, budget: this.#limits });
  }

  getCaps(): CapSet {
    this.#assertOpen('getCaps');
    return { granted: [...this.#host.caps.granted], denied: [...this.#host.caps.denied] };
  }

  checkCap(cap: string): boolean {
    this.#assertOpen('checkCap');
    return this.#host.caps.allows(cap);
  }

  getBudget(): Budget {
    const { limits, consumed, reserved } = this.#report('getBudget');
    return { limits, consumed, reserved };
  }

  consumeBudget(type: BudgetType, amount: number): boolean {
    this.#assertOpen('consumeBudget');
    const units = this.#host.units('consumeBudget', type, amount);
    const now = this.#host.now();
    const crossed = this.#host.scopes.consume(this.#scope, type, units, now);
    if (crossed === null) return false;
    this.#host.emit(crossed, now);
    return true;
  }

  hasRemaining(type: BudgetType): boolean {
    const left = this.remaining(type);
    return left === null || left > 0;
  }

  remaining(type: BudgetType): number | null {
    this.#assertOpen('remaining');
    assertBudgetType(type, { provider: this.#host.provider, kind: KIND, method: 'remaining' });
    return this.#report('remaining').remaining[type];
  }

  remainingAll(): Record<BudgetType, number | null> {
    return this.#report('remainingAll').remaining;
  }

  report(): BudgetReport {
    return this.#report('report');
  }

  /** Resets this scope and its children: their use and reservations dropped; the client keeps its use. */
  reset(): void {
    this.#assertOpen('reset');
    this.#host.now();
    this.#host.scopes.reset(this.#scope);
  }

  reserve(type: BudgetType, amount: number): Reservation | null {
    this.#assertOpen('reserve');
    const host = this.#host;
    const units = host.units('reserve', type, amount);
    const scope = this.#scope;
    const held = host.scopes.reserve(scope, type, units, host.now(), host.ttlMs);
    if (held === null) return null;
    return new HeldReservation(
      {
        settle: (method, id, settled, actual, key): Settlement => {
          host.assertReady(method);
          const units = actual === null ? null : host.units(method, settled, actual);
          const now = host.now();
          const crossed: Crossing[] = [];
          // A duplicate keyed commit only releases its reservation: the scopes see a release.
          const duplicate = units !== null && key !== null && host.isSettled(settled, key);
          const charged = duplicate ? null : units;
          const { fits, overrun, expired } = host.scopes.settle(id, scope, settled, charged, now, crossed);
          host.emit(crossed, now);
          if (duplicate) return { consumed: 0, overrun: 0, expired, duplicate };
          const settlement = {
            consumed: fromUnits(settled, fits),
            overrun: fromUnits(settled, overrun),
            expired,
          };
          if (key === null || units === null) return settlement;
          host.noteSettled(settled, key);
          return { ...settlement, duplicate: false };
        },
        renew: (id, ttlMs) => {
          host.assertReady('renew');
          const ttl = ttlMs === undefined ? host.ttlMs : checkTtl(host.provider, ttlMs, 'ttlMs');
          return host.scopes.renew(id, host.now(), ttl);
        },
      },
      held.id,
      type,
      fromUnits(type, units),
      held.expiresAt,
    );
  }

  child(limits: Limits): GovernanceProvider {
    this.#assertOpen('child');
    return new RemoteChildGovernance(this.#host, this.#scope, limits);
  }

  onAlert(listener: (alert: BudgetAlert) => void): () => void {
    this.#assertOpen('onAlert');
    if (typeof listener !== 'function') {
      throw new InvalidArgumentError(`${this.#host.provider}.onAlert needs a function`, {
        details: { provider: this.#host.provider, kind: KIND, option: 'listener' },
      });
    }
    return this.#host.onAlert(listener);
  }

  /** Removes the scope (see the class); a client closed first leaves nothing to remove. Idempotent. */
  async close(): Promise<void> {
    if (!this.#lifecycle.markClosed()) return;
    this.#host.scopes.close(this.#scope);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #report(method: string): BudgetReport {
    this.#assertOpen(method);
    return this.#host.scopes.report(this.#scope, this.#host.now());
  }

  #assertOpen(method: string): void {
    this.#lifecycle.assertOpen(method);
    this.#host.assertReady(method);
  }
}
