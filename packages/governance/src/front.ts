import { randomUUID } from 'node:crypto';
import {
  type CapabilityMatcher,
  compileCapabilities,
  Front,
  type FrontInit,
  type FrontOptions,
  InvalidArgumentError,
  isOmegaError,
  type Lifecycle,
  type Store,
  type SyncDocumentBackend,
  type SyncStore,
} from '@omega/core';
import {
  type Budget,
  type BudgetAlert,
  type BudgetReport,
  type BudgetType,
  type CapSet,
  type GovernanceProvider,
  type Limits,
  LimitsSchema,
  type Period,
  type Profile,
  type Reservation,
  type Settlement,
} from './index.js';
import {
  available,
  type Crossing,
  chainOf,
  closeScope,
  consume,
  crossings,
  isSettled,
  type Ledger,
  newLedger,
  newScope,
  noteSettled,
  type Owner,
  type OwnerState,
  prepare,
  ROOT,
  refuse,
  resetScope,
  type Scope,
  settle,
  takeReservation,
} from './ledger.js';

import {
  adoptOrRefuse,
  alertsOf,
  checkOptions,
  checkTtl,
  type GovernanceFrontOptions,
  limitsInUnits,
} from './options.js';
import { reportOf } from './report.js';
import { HeldReservation, type ReservationHolder } from './reservation.js';
import { DOCUMENTS, decodeLedger, encodeLedger, KIND, type LedgerHeader } from './rules.js';
import { assertBudgetType, fromUnits, toUnits } from './units.js';

export type { OwnerState } from './ledger.js';
export type { GovernanceFrontOptions } from './options.js';

/** How a front is built: a provider's init, or a child's scope in its parent's ledger. */
export interface GovernanceFrontInit extends FrontInit {
  /** @internal A child's scope and its parent's state, set only by `child()`. */
  child?: { scope: string; shared: Shared };
}

/** What a provider and its children share: one ledger, one profile, one set of alert listeners. */
interface Shared {
  /** The clock option, which a child's `Front` must read too. */
  now: FrontOptions['now'];
  /** The provider's: a child's reservations stay usable after the child closes, until the provider does. */
  lifecycle: Lifecycle;
  documents: SyncDocumentBackend<LedgerHeader>;
  budget: string;
  profile: Profile;
  caps: CapabilityMatcher;
  ttlMs: number;
  owner: Owner;
  ownerState: (owner: Owner) => OwnerState;
  listeners: Set<(alert: BudgetAlert) => void>;
  period: Period | null;
  adopt: boolean;
  /** Whether the ledger was read once: its limits are checked then (nothing is touched before first use). */
  opened: boolean;
  /**
   * The ledger as this process last wrote or read it, with its body: a stored body equal to it (the
   * same text, so the same ledger) is not decoded and validated again. Decoding was most of a consume.
   */
  cache: { body: string; ledger: Ledger } | null;
}

/**
 * The governance family's rules, written once over the synchronous document face of any store that has
 * one (memory, filesystem): every provider is this front over its own store. Each operation is one
 * read-modify-write of the ledger document under its lock, so processes sharing a ledger exclude each
 * other, and a ledger is written only when an operation changed it.
 */
export class GovernanceFront extends Front implements GovernanceProvider {
  /** Where and how ledgers are stored in a store: `governance/<budget>`, format `omega.budget`. */
  static readonly DOCUMENTS = DOCUMENTS;

  readonly #shared: Shared;
  readonly #scope: string;
  #limits: Limits = {};

  /** A governance provider over `store`'s ledger `options.budget`, created with the profile's limits if missing. */
  constructor(
    store: Store & SyncStore,
    options: GovernanceFrontOptions = {},
    init: GovernanceFrontInit = {},
  ) {
    super(KIND, store, options, init);
    if (init.child !== undefined) {
      this.#shared = init.child.shared;
      this.#scope = init.child.scope;
      return;
    }
    const provider = this.lifecycle.provider;
    const checked = checkOptions(provider, options);
    if (typeof (store as Partial<SyncStore>).documentsSync !== 'function') {
      throw new InvalidArgumentError(
        `${provider} needs a store with synchronous faces (memory, filesystem)`,
        {
          details: { provider, kind: KIND, option: 'store' },
        },
      );
    }
    this.#shared = {
      now: options.now,
      lifecycle: this.lifecycle,
      documents: store.documentsSync(DOCUMENTS),
      budget: checked.budget,
      profile: checked.profile,
      caps: compileCapabilities(checked.profile.caps),
      ttlMs: checked.ttlMs,
      owner: checked.owner,
      ownerState: checked.ownerState,
      listeners: new Set(options.onAlert ? [options.onAlert] : []),
      period: checked.period,
      adopt: checked.adopt,
      opened: false,
      cache: null,
    };
    this.#scope = ROOT;
  }

  getProfile(): Profile {
    this.lifecycle.assertOpen('getProfile');
    // The profile reports the limits in force: with adoptLimits, the ledger's, known once it was read.
    if (!this.#shared.opened) this.#run(() => undefined);
    return structuredClone(
      this.#scope === ROOT ? this.#shared.profile : { ...this.#shared.profile, budget: this.#limits },
    );
  }

  getCaps(): CapSet {
    this.lifecycle.assertOpen('getCaps');
    return { granted: [...this.#shared.caps.granted], denied: [...this.#shared.caps.denied] };
  }

  checkCap(cap: string): boolean {
    this.lifecycle.assertOpen('checkCap');
    return this.#shared.caps.allows(cap);
  }

  getBudget(): Budget {
    this.lifecycle.assertOpen('getBudget');
    const { limits, consumed, reserved } = this.#run((ledger) =>
      reportOf(ledger, this.#scope, this.#shared.budget),
    );
    return { limits, consumed, reserved };
  }

  consumeBudget(type: BudgetType, amount: number): boolean {
    this.lifecycle.assertOpen('consumeBudget');
    const units = this.#units('consumeBudget', type, amount);
    return this.#run((ledger, _now, alerts) => {
      const chain = chainOf(ledger, this.#scope, this.#shared.budget);
      if (!consume(ledger, chain, type, units)) return false;
      alerts.push(...crossings(ledger, chain, type));
      return true;
    });
  }

  hasRemaining(type: BudgetType): boolean {
    this.lifecycle.assertOpen('hasRemaining');
    const left = this.#remaining('hasRemaining', type);
    return left === null || left > 0;
  }

  remaining(type: BudgetType): number | null {
    this.lifecycle.assertOpen('remaining');
    return this.#remaining('remaining', type);
  }

  remainingAll(): Record<BudgetType, number | null> {
    this.lifecycle.assertOpen('remainingAll');
    return this.#run((ledger) => reportOf(ledger, this.#scope, this.#shared.budget).remaining);
  }

  report(): BudgetReport {
    this.lifecycle.assertOpen('report');
    return this.#run((ledger) => reportOf(ledger, this.#scope, this.#shared.budget));
  }

  reset(): void {
    this.lifecycle.assertOpen('reset');
    this.#run((ledger) => resetScope(ledger, this.#scope));
  }

  reserve(type: BudgetType, amount: number): Reservation | null {
    this.lifecycle.assertOpen('reserve');
    const units = this.#units('reserve', type, amount);
    const { owner, ttlMs } = this.#shared;
    const record = this.#run((ledger, now) => {
      const chain = chainOf(ledger, this.#scope, this.#shared.budget);
      if (units > available(ledger, chain, type)) {
        refuse(ledger, chain, type, units);
        return null;
      }
      const reservation = {
        id: randomUUID(),
        kind: 'reservation' as const,
        scope: this.#scope,
        type,
        amount: units,
        owner,
        createdAt: now,
        expiresAt: now + ttlMs,
      };
      ledger.reservations.push(reservation);
      return reservation;
    });
    if (record === null) return null;
    const scope = this.#scope;
    const holder: ReservationHolder = {
      settle: (method, id, settled, actual, key) =>
        this.#settleReservation(method, id, scope, settled, actual, key),
      renew: (id, ttlMs) => this.#renewReservation(id, ttlMs),
    };
    return new HeldReservation(holder, record.id, type, fromUnits(type, units), record.expiresAt);
  }

  child(limits: Limits): GovernanceProvider {
    this.lifecycle.assertOpen('child');
    const units = limitsInUnits(this.lifecycle.provider, limits, 'limits');
    const scope = randomUUID();
    this.#run((ledger) => {
      chainOf(ledger, this.#scope, this.#shared.budget);
      ledger.scopes[scope] = newScope(this.#scope, units);
    });
    // The child reads the provider's clock: expiries and periods are one ledger's, on one clock.
    const clock = this.#shared.now === undefined ? {} : { now: this.#shared.now };
    const child = new GovernanceFront(this.store as Store & SyncStore, clock, {
      provider: this.lifecycle.provider,
      child: { scope, shared: this.#shared },
    });
    child.#limits = LimitsSchema.parse(limits);
    return child;
  }

  /** Adds a listener of alert thresholds crossed by this provider or its children; returns its removal. */
  onAlert(listener: (alert: BudgetAlert) => void): () => void {
    this.lifecycle.assertOpen('onAlert');
    if (typeof listener !== 'function') {
      throw new InvalidArgumentError(`${this.lifecycle.provider}.onAlert needs a function`, {
        details: { provider: this.lifecycle.provider, kind: KIND, option: 'listener' },
      });
    }
    const { listeners } = this.#shared;
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  /** A child's close removes its scope (its reservations pass to its parent); the ledger outlives it. */
  override async close(): Promise<void> {
    if (this.#scope !== ROOT && !this.lifecycle.closed) {
      try {
        this.#run((ledger) => closeScope(ledger, this.#scope));
      } catch (error) {
        // The parent closed first: its store is closed, and the scope stays, bounded by its parent.
        if (!isOmegaError(error, 'CLOSED')) throw error;
      }
    }
    await super.close();
  }

  /**
   * Settles reservation `id` (`actual` null: a release). A keyed commit checks and notes its key in the
   * ledger under the same lock as it consumes, so that two processes repeating it charge once.
   */
  #settleReservation(
    method: string,
    id: string,
    scope: string,
    type: BudgetType,
    actual: number | null,
    key: string | null,
  ): Settlement {
    this.#shared.lifecycle.assertOpen(method);
    const units = actual === null ? null : this.#units(method, type, actual);
    return this.#run((ledger, _now, alerts): Settlement => {
      const taken = takeReservation(ledger, id);
      const expired = taken === null;
      if (units === null) return { consumed: 0, overrun: 0, expired };
      if (key !== null && isSettled(ledger, type, key)) {
        return { consumed: 0, overrun: 0, expired, duplicate: true };
      }
      const chain = chainOf(ledger, taken?.scope ?? scope, this.#shared.budget);
      const [fits, overrun] = settle(ledger, chain, type, units);
      alerts.push(...crossings(ledger, chain, type));
      const settlement = { consumed: fromUnits(type, fits), overrun: fromUnits(type, overrun), expired };
      if (key === null) return settlement;
      noteSettled(ledger, type, key);
      return { ...settlement, duplicate: false };
    });
  }

  /** Pushes reservation `id`'s expiry; its new expiry, or null when it is gone. */
  #renewReservation(id: string, ttlMs: number | undefined): number | null {
    this.#shared.lifecycle.assertOpen('renew');
    const ttl = ttlMs === undefined ? this.#shared.ttlMs : checkTtl(this.lifecycle.provider, ttlMs, 'ttlMs');
    return this.#run((ledger, now) => {
      const reservation = ledger.reservations.find((candidate) => candidate.id === id);
      if (reservation === undefined) return null;
      reservation.expiresAt = now + ttl;
      return reservation.expiresAt;
    });
  }

  #units(method: string, type: BudgetType, amount: number): number {
    const context = { provider: this.lifecycle.provider, kind: KIND, name: this.#shared.budget, method };
    assertBudgetType(type, context);
    return toUnits(type, amount, 'up', context);
  }

  #remaining(method: string, type: BudgetType): number | null {
    assertBudgetType(type, {
      provider: this.lifecycle.provider,
      kind: KIND,
      name: this.#shared.budget,
      method,
    });
    return this.#run((ledger) => {
      const left = available(ledger, chainOf(ledger, this.#scope, this.#shared.budget), type);
      return left === Number.POSITIVE_INFINITY ? null : fromUnits(type, left);
    });
  }

  // The ledger owns its limits: checked the first time this provider reads it.
  #adoptOrRefuse(ledger: Ledger, file: string | undefined): void {
    const shared = this.#shared;
    const adopted = adoptOrRefuse(this.lifecycle.provider, ledger, shared, file);
    shared.profile = adopted.profile;
    shared.period = adopted.period;
  }

  /**
   * Runs `change` on the ledger under its lock: first a new period if one began, then the release of
   * reservations expired or of dead owners, then the operation; writes the ledger back only when it
   * changed, then emits the alerts the operation crossed.
   */
  #run<T>(change: (ledger: Ledger, now: number, alerts: Crossing[]) => T): T {
    const { documents, budget } = this.#shared;
    const crossed: Crossing[] = [];
    let ledger: Ledger | undefined;
    let now = 0;
    const result = documents.withLock(budget, (fence) => {
      now = this.timestamp(budget);
      const stored = documents.read(budget);
      // Taken, not shared: if the operation fails halfway, the next one decodes the ledger afresh.
      const cached = this.#shared.cache;
      this.#shared.cache = null;
      if (stored === null) {
        ledger = this.#created(now);
      } else if (cached !== null && cached.body === stored.body) {
        ledger = cached.ledger;
      } else {
        ledger = decodeLedger(budget, stored.body, documents.prevalidated, stored.file);
        if (!this.#shared.opened) this.#adoptOrRefuse(ledger, stored.file);
      }
      this.#shared.opened = true;
      prepare(ledger, now, this.#shared.ownerState);
      const value = change(ledger, now, crossed);
      const body = encodeLedger(ledger);
      if (stored === null || body !== stored.body) {
        documents.write(budget, { updatedAt: now }, body, { fence });
      }
      this.#shared.cache = { body, ledger };
      return value;
    });
    if (crossed.length > 0 && ledger !== undefined) this.#emit(ledger, crossed, now);
    return result;
  }

  // A new ledger, or one removed under a live provider (by hand), starts with the provider's limits.
  #created(now: number): Ledger {
    const { profile, period } = this.#shared;
    const limits = limitsInUnits(this.lifecycle.provider, profile.budget, 'profile.budget');
    return newLedger(limits, alertsOf(profile), period, now);
  }

  #emit(ledger: Ledger, crossed: Crossing[], now: number): void {
    const ids = new Map<Scope, string>(Object.entries(ledger.scopes).map(([id, scope]) => [scope, id]));
    for (const { scope, type, threshold } of crossed) {
      const alert: BudgetAlert = {
        budget: this.#shared.budget,
        scope: ids.get(scope) ?? ROOT,
        type,
        threshold,
        consumed: fromUnits(type, scope.used[type]),
        limit: fromUnits(type, scope.limits[type] ?? 0),
        at: now,
      };
      for (const listener of this.#shared.listeners) {
        try {
          listener(alert);
        } catch (error) {
          // The operation stands: a listener's failure surfaces as an EventEmitter listener's would.
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    }
  }
}

// The remote client is a front too (any store, its asynchronous port); it is exported here because the
// kit's entry list is one for every family, and from the root it would close an import cycle
// (index -> remote -> ledger -> index) that breaks module evaluation.
export { RemoteGovernanceProvider, type RemoteGovernanceProviderOptions } from './remote.js';
