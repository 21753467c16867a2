import { randomUUID } from 'node:crypto';
import { BUDGET_TYPES, type BudgetReport, type BudgetType, type Period } from './index.js';
import {
  available,
  type Crossing,
  chainOf,
  closeScope,
  crossings,
  type Ledger,
  newLedger,
  newScope,
  type Owner,
  ROOT,
  record,
  refuse,
  resetScope,
  roll,
  sweep,
  takeReservation,
  type UnitLimits,
} from './ledger.js';
import { reportOf } from './report.js';
import { fromUnits } from './units.js';

/**
 * What a remote client's child scopes need of the client: its lease, the root of every chain. Amounts are
 * ledger units; a `left` of `Infinity` is unlimited.
 */
export interface LeaseRoot {
  /** What a consume of `type` may take from the lease now. */
  left(type: BudgetType): number;
  /** What the client reports remaining of `type` (its lease and what the ledger had free). */
  remaining(type: BudgetType): number;
  /** Takes `units` that fit, as the client's own consume does (use, alerts, refill). */
  take(type: BudgetType, units: number): void;
  /** Notes a refusal of `units`, as the client's own refused consume does. */
  refuse(type: BudgetType, units: number): void;
  /** Carves `units` out of the lease for reservation `id` until `expiresAt`. */
  carve(id: string, type: BudgetType, units: number, expiresAt: number): void;
  /** Returns reservation `id`'s carve to the lease (nothing when it expired or was dropped). */
  uncarve(id: string): void;
  /** Sets the expiry of reservation `id`'s carve. */
  renew(id: string, expiresAt: number): void;
  /** Settles a commit at the root: `fits` consumed (known to fit), `overrun` recorded. */
  settle(type: BudgetType, fits: number, overrun: number): void;
}

/** What a settlement did, in units. */
export interface ScopeSettlement {
  fits: number;
  overrun: number;
  expired: boolean;
}

/**
 * The child scopes of one remote client: a ledger of this process alone, kept in memory, whose root is a
 * placeholder without limits and whose every chain ends at the client's lease. Other clients and the
 * shared ledger see a child's use as the client's: the lease pays it. The rules are the shared ledger's
 * (ledger.ts), applied to these scopes, with the lease as one more bound.
 */
export class ChildScopes {
  readonly #root: LeaseRoot;
  readonly #budget: string;
  readonly #owner: Owner;
  readonly #ownerDead: () => boolean;
  readonly #ledger: Ledger;

  constructor(
    root: LeaseRoot,
    options: {
      budget: string;
      owner: Owner;
      /** Whether the client's owner, so every reservation's, is certainly dead. */
      ownerDead: () => boolean;
      alerts: Record<BudgetType, number[]>;
      period: Period | null;
      periodStart: number;
    },
  ) {
    this.#root = root;
    this.#budget = options.budget;
    this.#owner = options.owner;
    this.#ownerDead = options.ownerDead;
    const unlimited = { tokens: null, cost: null, time: null, iterations: null };
    this.#ledger = newLedger(unlimited, options.alerts, options.period, 0);
    this.#ledger.periodStart = options.periodStart;
  }

  /** A new scope under `parent` (`ROOT`: the client itself) with `limits`; its id. */
  create(parent: string, limits: UnitLimits): string {
    chainOf(this.#ledger, parent, this.#budget);
    const id = randomUUID();
    this.#ledger.scopes[id] = newScope(parent, limits);
    return id;
  }

  /** Consumes `units` in `scope`'s chain and the lease if they fit in all; the thresholds crossed, or null. */
  consume(scope: string, type: BudgetType, units: number, now: number): Crossing[] | null {
    const chain = this.#chain(scope, now);
    if (units > Math.min(available(this.#ledger, chain, type), this.#root.left(type))) {
      this.#refuse(chain, type, units);
      return null;
    }
    for (const each of chain) each.used[type] += units;
    this.#root.take(type, units);
    return crossings(this.#ledger, chain, type);
  }

  /** Holds `units` in `scope`'s chain and the lease until `now + ttlMs`: the reservation, or null. */
  reserve(
    scope: string,
    type: BudgetType,
    units: number,
    now: number,
    ttlMs: number,
  ): { id: string; expiresAt: number } | null {
    const chain = this.#chain(scope, now);
    if (units > Math.min(available(this.#ledger, chain, type), this.#root.left(type))) {
      this.#refuse(chain, type, units);
      return null;
    }
    const id = randomUUID();
    const expiresAt = now + ttlMs;
    this.#ledger.reservations.push({
      kind: 'reservation',
      id,
      scope,
      type,
      amount: units,
      owner: this.#owner,
      createdAt: now,
      expiresAt,
    });
    this.#root.carve(id, type, units, expiresAt);
    return { id, expiresAt };
  }

  /**
   * Settles reservation `id`, made in `scope` (`actual` null: a release): what fits in its chain and the
   * lease is consumed in all of them, the rest is an overrun in each, as the shared ledger settles. One
   * that expired or was dropped settles in `scope`'s chain, and one whose scope closed in its parent's.
   * The thresholds crossed are pushed to `alerts`.
   */
  settle(
    id: string,
    scope: string,
    type: BudgetType,
    actual: number | null,
    now: number,
    alerts: Crossing[],
  ): ScopeSettlement {
    this.#sweep(now);
    const taken = takeReservation(this.#ledger, id);
    this.#root.uncarve(id);
    const expired = taken === null;
    if (actual === null) return { fits: 0, overrun: 0, expired };
    const chain = chainOf(this.#ledger, taken?.scope ?? scope, this.#budget);
    const fits = Math.min(actual, available(this.#ledger, chain, type), this.#root.left(type));
    const overrun = actual - fits;
    record(chain, type, fits, overrun);
    this.#root.settle(type, fits, overrun);
    alerts.push(...crossings(this.#ledger, chain, type));
    return { fits, overrun, expired };
  }

  /** Pushes reservation `id`'s expiry to `now + ttlMs`; the new expiry, or null when it is gone. */
  renew(id: string, now: number, ttlMs: number): number | null {
    this.#sweep(now);
    const reservation = this.#ledger.reservations.find((candidate) => candidate.id === id);
    if (reservation === undefined) return null;
    reservation.expiresAt = now + ttlMs;
    this.#root.renew(id, reservation.expiresAt);
    return reservation.expiresAt;
  }

  /** Resets `scope` (`ROOT`: every scope) and its descendants, returning their reservations to the lease. */
  reset(scope: string): void {
    chainOf(this.#ledger, scope, this.#budget);
    const before = new Set(this.#ledger.reservations.map((reservation) => reservation.id));
    resetScope(this.#ledger, scope);
    for (const reservation of this.#ledger.reservations) before.delete(reservation.id);
    for (const id of before) this.#root.uncarve(id);
  }

  /** Removes `scope`: its reservations and children pass to its parent, whose use already counts them. */
  close(scope: string): void {
    closeScope(this.#ledger, scope);
  }

  /** Starts the period starting at `start` in every scope: use and alerts cleared, reservations kept. */
  roll(start: number): void {
    roll(this.#ledger, start);
  }

  /**
   * Drops the reservations of `type`, whose carves went with the lease the shared ledger forfeited, as
   * expired: a commit of one settles as expired.
   */
  forget(type: BudgetType): void {
    for (const reservation of this.#ledger.reservations) {
      if (reservation.type === type) reservation.expiresAt = 0;
    }
  }

  /** The report of `scope`, its remaining bounded by the lease's. */
  report(scope: string, now: number): BudgetReport {
    const chain = this.#chain(scope, now);
    const report = reportOf(this.#ledger, scope, this.#budget);
    for (const type of BUDGET_TYPES) {
      const left = Math.min(available(this.#ledger, chain, type), this.#root.remaining(type));
      report.remaining[type] = left === Number.POSITIVE_INFINITY ? null : fromUnits(type, left);
    }
    return report;
  }

  /** The id of a scope the shared ledger's crossings name. */
  idOf(crossing: Crossing): string {
    for (const [id, scope] of Object.entries(this.#ledger.scopes)) if (scope === crossing.scope) return id;
    return ROOT;
  }

  #chain(scope: string, now: number) {
    this.#sweep(now);
    return chainOf(this.#ledger, scope, this.#budget);
  }

  // The client's carves expire at the same instants, and with the same owner, and are swept by the client.
  #sweep(now: number): void {
    if (this.#ledger.reservations.length === 0) return;
    const dead = this.#ownerDead();
    sweep(this.#ledger, now, () => dead);
  }

  #refuse(chain: ReturnType<typeof chainOf>, type: BudgetType, units: number): void {
    refuse(this.#ledger, chain, type, units);
    if (units > this.#root.left(type)) this.#root.refuse(type, units);
  }
}
