import { randomUUID } from 'node:crypto';
import {
  type CapabilityMatcher,
  ClosedError,
  ConflictError,
  compileCapabilities,
  DocumentFront,
  InvalidArgumentError,
  type Store,
} from '@omega/core';
import {
  BUDGET_TYPES,
  type Budget,
  type BudgetAlert,
  type BudgetReport,
  type BudgetType,
  type CapSet,
  type GovernanceProvider,
  type Limits,
  type Period,
  type Profile,
  type Reservation,
  SETTLED_KEYS,
  type Settlement,
} from './index.js';
import { type LeaseOutcome, type LeaseState, syncLease } from './leases.js';
import {
  available,
  type Crossing,
  chainOf,
  crossings,
  isSettled,
  type Ledger,
  newLedger,
  noteSettled,
  periodStart,
  prepare,
  ROOT,
  reservedOf,
  resetScope,
  roll,
  type SettledKey,
} from './ledger.js';
import {
  adoptOrRefuse,
  alertsOf,
  type CheckedOptions,
  checkOptions,
  checkTtl,
  type GovernanceFrontOptions,
  limitsInUnits,
  optionError,
} from './options.js';
import { type ChildHost, RemoteChildGovernance } from './remote-child.js';
import { StoreClock } from './remote-clock.js';
import { ChildScopes, type LeaseRoot } from './remote-scopes.js';
import { reportOf } from './report.js';
import { HeldReservation, type ReservationHolder } from './reservation.js';
import { DOCUMENTS, decodeLedger, encodeLedger, KIND, type LedgerHeader } from './rules.js';
import { assertBudgetType, fromUnits, toUnits } from './units.js';

/** Options of {@link RemoteGovernanceProvider}: the store and lease settings, plus every backend's options. */
export interface RemoteGovernanceProviderOptions extends GovernanceFrontOptions {
  /** Any store: the ledger `governance/<budget>` is read and written through its asynchronous document port. */
  store: Store;
  /** The largest lease a client holds, as a fraction of each limit, in (0, 1]; default 0.05. */
  leaseSize?: number;
  /** How long a lease lives without a sync before the ledger forfeits it; default 30 seconds. */
  leaseTtlMs?: number;
  /** How often the lease is reported, renewed and resized in the background; default a third of the TTL. */
  heartbeatMs?: number;
  /** Whether `close()` closes the store too; default false (the store is its owner's). */
  ownsStore?: boolean;
}

const DEFAULT_LEASE_SIZE = 0.05;
const DEFAULT_LEASE_TTL_MS = 30_000;

/** The client's side of its lease of one type, in ledger units. */
interface Local {
  id: string | null;
  /** Held, neither consumed nor carved into reservations. */
  held: number;
  /** Carved into live local reservations. */
  carved: number;
  /** Consumed and not yet reported, this period. */
  pending: number;
  /** Thresholds this client crossed and emitted this period, not yet marked in the ledger. */
  alerted: number[];
  overrun: number;
  refused: boolean;
  /** Local reservations that expired, as the report counts them (the ledger never saw them). */
  expired: number;
  /** What the last sync left held: a refill is started when half of it is gone. */
  target: number;
}

/** A local reservation, carved from the lease. */
interface Carve {
  type: BudgetType;
  units: number;
  expiresAt: number;
}

const fresh = (): Local => ({
  id: null,
  held: 0,
  carved: 0,
  pending: 0,
  alerted: [],
  overrun: 0,
  refused: false,
  expired: 0,
  target: 0,
});

/**
 * The seed's `RemoteGovernanceProvider`: a budget kept in a shared ledger in any store, through its
 * asynchronous document port, used by many clients (processes, machines) at once. The seed's methods are
 * synchronous, so the client holds a lease per limited type: a slice of budget charged to the ledger
 * (written there before any of it is used), consumed locally, reported and resized in the background, and
 * returned on `close()`. `await ready()` before first use.
 *
 * What the synchronous methods see: `consumeBudget` and `reserve` succeed only within the lease (false or
 * null at once otherwise, and a refill starts; `consumeAsync` waits for it). `remaining` is what this
 * client holds plus what the ledger had free at its last sync; `report()` is the ledger as of the last
 * sync, with this client's unreported use and reservations applied (other clients' unreported use shows
 * as reserved, inside their leases).
 *
 * Alerts and periods: a threshold is emitted at the local consume or commit that crosses it, against the
 * ledger as last seen plus this client's unreported use, and marked in the ledger at the next sync, so a
 * client that syncs after that does not emit it again (two clients crossing it between their syncs both
 * emit it); a sync emits the thresholds other clients' reported use crossed. When the clock passes the
 * period's end, the client starts the new period at once, as the ledger will at its next sync: its
 * unreported use, which belonged to the period ended, is dropped, and the lease that held it (still
 * written to the ledger, so still counted as reserved) is held again.
 *
 * Never overspends: a lease is a reservation in the ledger, so the ledger's rule (used + reserved ≤ limit,
 * under its lock) bounds every client together. A client that stops syncing for `leaseTtlMs` loses its
 * lease at the next ledger operation of anyone, and what it held stays spent (reported as `forfeited`),
 * since the ledger cannot know how much of it was used: never returned, never counted twice.
 *
 * `reset()` resets the shared ledger (use, overruns, alerts; every reservation and lease dropped), as a
 * synchronous provider's does, at the next sync, started at once. Until that sync lands, this client's
 * view is the ledger as last seen with the reset applied, in which its lease is all it held, its
 * unreported use and local reservations included: it consumes within that lease (never more than the
 * ledger granted it), and the sync writes the reset, then reports what was consumed since as the new
 * period's first use, then takes a new lease. Other clients' leases go with the reset: what they had not
 * reported is dropped with it, as a synchronous provider's reset drops it, and they take new leases at
 * their next sync. So nothing is overspent and nothing counted twice: what a client consumed before it
 * learns of a reset belongs before it.
 *
 * Clock: where the store has one (`Store.now()`, the database server's `clock_timestamp()` on
 * PostgreSQL) and no `now` option is given, every lease and reservation expiry, period and alert time is
 * on the store's clock, which every machine sharing the ledger reads alike: this process's clock plus an
 * offset measured at the first sync and again at the first sync of each heartbeat interval, so a machine
 * whose clock is hours off neither forfeits others' live leases nor keeps its own past their time.
 *
 * `child(limits)` scopes are this client's alone, kept in its memory: their use is paid from its lease and
 * reported as its own, so the shared ledger never holds them and other clients do not see them.
 *
 * Keyed commits (`commit(actual, { key })`, its children's too) are checked against this client's own keyed
 * commits and the ledger's keys as of its last sync, and written to the ledger with the use they reported,
 * in the same write, at its next sync or `close()`: a key settled by another client since this one's last
 * sync is not known to it, so two clients committing one key between their syncs both charge it.
 */
export class RemoteGovernanceProvider extends DocumentFront<LedgerHeader> implements GovernanceProvider {
  /** Where and how ledgers are stored in a store: `governance/<budget>`, format `omega.budget`. */
  static readonly DOCUMENTS = DOCUMENTS;

  readonly #budget: string;
  #profile: Profile;
  #period: Period | null;
  readonly #checked: CheckedOptions;
  readonly #caps: CapabilityMatcher;
  readonly #leaseSize: number;
  readonly #leaseTtlMs: number;
  readonly #heartbeatMs: number;
  readonly #listeners: Set<(alert: BudgetAlert) => void>;
  readonly #local: Record<BudgetType, Local> = {
    tokens: fresh(),
    cost: fresh(),
    time: fresh(),
    iterations: fresh(),
  };
  readonly #carves = new Map<string, Carve>();
  /** Keys of commits settled locally, not yet written to the ledger, oldest first. */
  #pendingKeys: SettledKey[] = [];
  /** Keys a sync in flight is writing: still unknown to the snapshot, already gone from the pending. */
  #writingKeys: SettledKey[] = [];
  #host: ChildHost | null = null;
  #snapshot: Ledger | null = null;
  #opened = false;
  #ready: Promise<void> | null = null;
  #tail: Promise<void> = Promise.resolve();
  #syncing = false;
  #closing = false;
  #failure: unknown = null;
  #timer: ReturnType<typeof setInterval> | null = null;
  /** How many `reset()`s were called, and how many of them a sync wrote to the ledger: more is a pending reset. */
  #resets = 0;
  #resetsWritten = 0;
  /** The start of the period this client's local state belongs to (0 without a period). */
  #periodStart = 0;
  /** The store's clock, when it has one and no `now` option was given; else the front's clock is used. */
  readonly #clock: StoreClock | null;

  /** A client of ledger `options.budget` in `options.store`; nothing is read before {@link ready}. */
  constructor(options: RemoteGovernanceProviderOptions) {
    const provider = 'RemoteGovernanceProvider';
    if (options === null || typeof options !== 'object') {
      throw optionError(provider, 'options', options, 'must be an object with a store');
    }
    super(DOCUMENTS, options.store, options, { provider, ownsStore: options.ownsStore ?? false });
    this.#checked = checkOptions(provider, options);
    this.#budget = this.#checked.budget;
    this.#profile = this.#checked.profile;
    this.#period = this.#checked.period;
    this.#caps = compileCapabilities(this.#profile.caps);
    const size = options.leaseSize ?? DEFAULT_LEASE_SIZE;
    if (typeof size !== 'number' || !(size > 0 && size <= 1)) {
      throw optionError(provider, 'leaseSize', size, 'must be a fraction of the limit in (0, 1]');
    }
    this.#leaseSize = size;
    this.#leaseTtlMs =
      options.leaseTtlMs === undefined
        ? DEFAULT_LEASE_TTL_MS
        : checkTtl(provider, options.leaseTtlMs, 'leaseTtlMs');
    this.#heartbeatMs =
      options.heartbeatMs === undefined
        ? Math.max(1, Math.floor(this.#leaseTtlMs / 3))
        : checkTtl(provider, options.heartbeatMs, 'heartbeatMs');
    this.#listeners = new Set(options.onAlert ? [options.onAlert] : []);
    const { store } = options;
    this.#clock =
      options.now === undefined && typeof store.now === 'function'
        ? new StoreClock(() => store.now!(), this.#heartbeatMs, provider)
        : null;
  }

  /**
   * Opens the ledger (created with the profile's limits if missing; a `ConflictError` if it is kept with
   * other limits, unless `adoptLimits`), takes the first leases and starts the background heartbeat.
   * Idempotent; the synchronous budget methods need it first.
   */
  ready(): Promise<void> {
    this.lifecycle.assertOpen('ready');
    if (this.#closing) throw this.#closingError('ready');
    if (this.#ready === null) {
      this.#ready = this.#enqueue({}, false).then(() => {
        if (this.#closing || this.lifecycle.closed) return;
        // The heartbeat keeps the lease alive, never the process: an idle client exits as any other.
        this.#timer = setInterval(() => this.#kick(), this.#heartbeatMs);
        this.#timer.unref();
      });
      // A failed first sync may be retried by calling ready() again.
      this.#ready.catch(() => {
        this.#ready = null;
      });
    }
    return this.#ready;
  }

  /**
   * Reports what was consumed, renews the leases and resizes them now (what the heartbeat does); rejects
   * with the failure of a background sync since the last call, if one failed.
   */
  async sync(): Promise<void> {
    this.#assertReady('sync');
    this.#rethrow();
    await this.#enqueue({}, false);
  }

  /**
   * {@link consumeBudget}, waiting for a refill when the lease cannot cover `amount`: false only when the
   * ledger cannot either.
   */
  async consumeAsync(type: BudgetType, amount: number): Promise<boolean> {
    this.#assertReady('consumeAsync');
    const units = this.#units('consumeAsync', type, amount);
    if (this.#take(type, units)) return true;
    this.#rethrow();
    await this.#enqueue({ [type]: units }, false);
    return this.#consume(type, units);
  }

  getProfile(): Profile {
    this.lifecycle.assertOpen('getProfile');
    return structuredClone(this.#profile);
  }

  getCaps(): CapSet {
    this.lifecycle.assertOpen('getCaps');
    return { granted: [...this.#caps.granted], denied: [...this.#caps.denied] };
  }

  checkCap(cap: string): boolean {
    this.lifecycle.assertOpen('checkCap');
    return this.#caps.allows(cap);
  }

  getBudget(): Budget {
    const { limits, consumed, reserved } = this.#report('getBudget');
    return { limits, consumed, reserved };
  }

  consumeBudget(type: BudgetType, amount: number): boolean {
    this.#assertReady('consumeBudget');
    return this.#consume(type, this.#units('consumeBudget', type, amount));
  }

  hasRemaining(type: BudgetType): boolean {
    const left = this.#remaining('hasRemaining', type);
    return left === null || left > 0;
  }

  remaining(type: BudgetType): number | null {
    const left = this.#remaining('remaining', type);
    return left === null ? null : fromUnits(type, left);
  }

  remainingAll(): Record<BudgetType, number | null> {
    return this.#report('remainingAll').remaining;
  }

  report(): BudgetReport {
    return this.#report('report');
  }

  /**
   * Resets the shared ledger, as a synchronous provider's `reset()` does, at the next sync (started at
   * once): see the class. This client's unreported use, overruns, refusals and local reservations are
   * dropped at once, and its view shows the reset from now on.
   */
  reset(): void {
    this.#assertReady('reset');
    if (this.#closing) throw this.#closingError('reset');
    this.#host?.scopes.reset(ROOT);
    this.#carves.clear();
    for (const type of BUDGET_TYPES) {
      const local = this.#local[type];
      // Unreported use and carves are still inside the lease as the ledger holds it: all of it is held
      // again, since the reset drops that lease whole and what is consumed from now on is reported after it.
      if (this.#limit(type) !== null) local.held += local.carved + local.pending;
      local.carved = 0;
      local.pending = 0;
      local.alerted = [];
      local.overrun = 0;
      local.refused = false;
      local.expired = 0;
    }
    this.#resets += 1;
    // Not #kick(): a sync whose write is in flight took its state before the reset, so one more is queued.
    this.#enqueue({}, false).catch((error: unknown) => {
      this.#failure = error;
    });
  }

  reserve(type: BudgetType, amount: number): Reservation | null {
    this.#assertReady('reserve');
    const units = this.#units('reserve', type, amount);
    const local = this.#local[type];
    const now = this.timestamp(this.#budget);
    this.#rollLocal(now);
    this.#sweepCarves(now);
    const limited = this.#limit(type) !== null;
    if (limited && units > local.held) {
      this.#refuse(type, units);
      return null;
    }
    if (limited) {
      local.held -= units;
      local.carved += units;
    }
    const id = randomUUID();
    const expiresAt = now + this.#checked.ttlMs;
    this.#carves.set(id, { type, units: limited ? units : 0, expiresAt });
    this.#refillIfLow(local);
    const holder: ReservationHolder = {
      settle: (method, carved, settled, actual, key) =>
        this.#settleCarve(method, carved, settled, actual, key),
      renew: (carved, ttlMs) => this.#renewCarve(carved, ttlMs),
    };
    return new HeldReservation(holder, id, type, fromUnits(type, units), expiresAt);
  }

  /**
   * A scoped budget of this client alone (see {@link RemoteChildGovernance}): its use and reservations
   * also debit this client's lease, all or nothing, and reach the shared ledger as this client's.
   */
  child(limits: Limits): GovernanceProvider {
    this.#assertReady('child');
    return new RemoteChildGovernance(this.#childHost(), ROOT, limits);
  }

  /** Adds a listener of the thresholds this client's use crosses (see the class); returns its removal. */
  onAlert(listener: (alert: BudgetAlert) => void): () => void {
    this.lifecycle.assertOpen('onAlert');
    if (typeof listener !== 'function') {
      throw new InvalidArgumentError('RemoteGovernanceProvider.onAlert needs a function', {
        details: { provider: this.lifecycle.provider, kind: KIND, option: 'listener' },
      });
    }
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Reports what was consumed and returns the rest of the leases (live local reservations included) to
   * the ledger, then stops the heartbeat. Idempotent.
   */
  override async close(): Promise<void> {
    if (this.lifecycle.closed || this.#closing) return;
    this.#closing = true;
    try {
      // A ready() in flight may be granting the first leases: they are returned too.
      await this.#tail;
      if (this.#opened) await this.#enqueue({}, true);
    } finally {
      if (this.#timer !== null) clearInterval(this.#timer);
      this.#timer = null;
      this.#carves.clear();
      await super.close();
    }
  }

  /** Settles local reservation `id` (`actual` null: a release; `key`: a keyed commit's, see the class). */
  #settleCarve(
    method: string,
    id: string,
    type: BudgetType,
    actual: number | null,
    key: string | null,
  ): Settlement {
    this.lifecycle.assertOpen(method);
    const units = actual === null ? null : this.#units(method, type, actual);
    const now = this.timestamp(this.#budget);
    this.#rollLocal(now);
    this.#sweepCarves(now);
    const carve = this.#carves.get(id);
    this.#carves.delete(id);
    const local = this.#local[type];
    if (carve !== undefined) {
      local.carved -= carve.units;
      local.held += carve.units;
    }
    const expired = carve === undefined;
    if (units === null) return { consumed: 0, overrun: 0, expired };
    if (key !== null && this.#isSettled(type, key))
      return { consumed: 0, overrun: 0, expired, duplicate: true };
    // The lease pays what it can: a commit never waits for the ledger, so what it cannot pay is an overrun.
    const fits = this.#limit(type) === null ? units : Math.min(units, local.held);
    const overrun = units - fits;
    this.#settleRoot(type, fits, overrun);
    const settlement = { consumed: fromUnits(type, fits), overrun: fromUnits(type, overrun), expired };
    if (key === null) return settlement;
    this.#noteSettled(type, key);
    return { ...settlement, duplicate: false };
  }

  /** Whether a commit of `type` with `key` was settled: by this client, or in the ledger as of its last sync. */
  #isSettled(type: BudgetType, key: string): boolean {
    const same = (settled: SettledKey) => settled.key === key && settled.type === type;
    return (
      this.#pendingKeys.some(same) || this.#writingKeys.some(same) || isSettled(this.#snapshot!, type, key)
    );
  }

  /** Notes `key` settled, for the next sync to write; as the ledger, it remembers the last SETTLED_KEYS. */
  #noteSettled(type: BudgetType, key: string): void {
    this.#pendingKeys.push({ type, key });
    const excess = this.#pendingKeys.length - SETTLED_KEYS;
    if (excess > 0) this.#pendingKeys.splice(0, excess);
  }

  /** Consumes `fits` (known to fit in the lease) and records `overrun`, as a commit does. */
  #settleRoot(type: BudgetType, fits: number, overrun: number): void {
    const local = this.#local[type];
    if (this.#limit(type) !== null) local.held -= fits;
    local.pending += fits;
    this.#cross(type);
    if (overrun > 0) {
      local.overrun += overrun;
      local.refused = true;
    }
    this.#refillIfLow(local);
  }

  /** The scopes of `child()`, made at the first call, and what they need of this client. */
  #childHost(): ChildHost {
    if (this.#host !== null) return this.#host;
    const scopes = new ChildScopes(this.#leaseRoot(), {
      budget: this.#budget,
      owner: this.#checked.owner,
      ownerDead: () => this.#ownerDead(),
      alerts: this.#snapshot!.alerts,
      period: this.#snapshot!.period,
      periodStart: this.#periodStart,
    });
    const provider = this.lifecycle.provider;
    this.#host = {
      provider,
      assertReady: (method) => this.#assertReady(method),
      units: (method, type, amount) => this.#units(method, type, amount),
      now: () => {
        const now = this.timestamp(this.#budget);
        this.#rollLocal(now);
        this.#sweepCarves(now);
        return now;
      },
      scopes,
      isSettled: (type, key) => this.#isSettled(type, key),
      noteSettled: (type, key) => this.#noteSettled(type, key),
      profile: this.#profile,
      caps: this.#caps,
      ttlMs: this.#checked.ttlMs,
      emit: (crossed, now) => {
        const alerts = crossed.map((crossing) => ({
          scope: scopes.idOf(crossing),
          type: crossing.type,
          threshold: crossing.threshold,
          used: crossing.scope.used[crossing.type],
          limit: crossing.scope.limits[crossing.type] ?? 0,
        }));
        this.#emit(alerts, now);
      },
      onAlert: (listener) => this.onAlert(listener),
    };
    return this.#host;
  }

  /** This client's lease as the root of its children's chains. */
  #leaseRoot(): LeaseRoot {
    const unbounded = Number.POSITIVE_INFINITY;
    return {
      left: (type) => (this.#limit(type) === null ? unbounded : this.#local[type].held),
      remaining: (type) => {
        if (this.#limit(type) === null) return unbounded;
        const ledger = this.#view();
        return this.#local[type].held + available(ledger, chainOf(ledger, ROOT, this.#budget), type);
      },
      take: (type, units) => {
        this.#take(type, units);
      },
      refuse: (type, units) => this.#refuse(type, units),
      carve: (id, type, units, expiresAt) => {
        const limited = this.#limit(type) !== null;
        const local = this.#local[type];
        if (limited) {
          local.held -= units;
          local.carved += units;
        }
        this.#carves.set(id, { type, units: limited ? units : 0, expiresAt });
        this.#refillIfLow(local);
      },
      uncarve: (id) => {
        const carve = this.#carves.get(id);
        if (carve === undefined) return;
        this.#carves.delete(id);
        this.#local[carve.type].carved -= carve.units;
        this.#local[carve.type].held += carve.units;
      },
      renew: (id, expiresAt) => {
        const carve = this.#carves.get(id);
        if (carve !== undefined) carve.expiresAt = expiresAt;
      },
      settle: (type, fits, overrun) => this.#settleRoot(type, fits, overrun),
    };
  }

  /** Pushes local reservation `id`'s expiry; its new expiry, or null when it is gone. */
  #renewCarve(id: string, ttlMs: number | undefined): number | null {
    this.lifecycle.assertOpen('renew');
    const ttl = ttlMs === undefined ? this.#checked.ttlMs : checkTtl(this.lifecycle.provider, ttlMs, 'ttlMs');
    const now = this.timestamp(this.#budget);
    this.#sweepCarves(now);
    const carve = this.#carves.get(id);
    if (carve === undefined) return null;
    carve.expiresAt = now + ttl;
    return carve.expiresAt;
  }

  #consume(type: BudgetType, units: number): boolean {
    if (this.#take(type, units)) return true;
    this.#refuse(type, units);
    return false;
  }

  /**
   * A consume or reserve the lease could not cover: the budget counts as exceeded only when the ledger,
   * as last seen, could not have covered it either (a lease too small is not a budget exceeded).
   */
  #refuse(type: BudgetType, units: number): void {
    const local = this.#local[type];
    const ledger = this.#view();
    if (units > local.held + available(ledger, chainOf(ledger, ROOT, this.#budget), type))
      local.refused = true;
    this.#kick();
  }

  // The hot path: a comparison and two additions, no ledger; a clock read only with a period, alert
  // thresholds checked only when the ledger has some.
  #take(type: BudgetType, units: number): boolean {
    const local = this.#local[type];
    if (this.#snapshot!.period !== null) this.#rollLocal(this.timestamp(this.#budget));
    if (this.#limit(type) === null) {
      local.pending += units;
      this.#cross(type);
      return true;
    }
    if (units > local.held) return false;
    local.held -= units;
    local.pending += units;
    this.#cross(type);
    this.#refillIfLow(local);
    return true;
  }

  /**
   * Starts the period containing `now` locally when the ledger's has ended, as the ledger will at the
   * next sync: this client's counts and alerts start over, its reservations stay, as the ledger's do, and
   * its unreported use, which belongs to the period ended, is dropped with it; the lease that held that
   * use is still written to the ledger, so it is held again, as after a reset.
   */
  #rollLocal(now: number): void {
    const period = this.#snapshot!.period;
    if (period !== null) this.#startPeriod(periodStart(period, now));
  }

  /** Starts locally the period starting at `start`, if it is later than this client's (see `#rollLocal`). */
  #startPeriod(start: number): void {
    if (start <= this.#periodStart) return;
    this.#periodStart = start;
    this.#host?.scopes.roll(start);
    for (const type of BUDGET_TYPES) {
      const local = this.#local[type];
      if (this.#snapshot !== null && this.#limit(type) !== null) local.held += local.pending;
      local.pending = 0;
      local.overrun = 0;
      local.refused = false;
      local.expired = 0;
      local.alerted = [];
    }
  }

  /**
   * Emits the thresholds of `type` this client's use crosses, against the ledger as last seen (as a
   * pending reset or a new period leaves it): each once per period for this client, and once per ledger
   * for clients that sync in between, since its marks are written to the ledger at its next sync.
   */
  #cross(type: BudgetType): void {
    const ledger = this.#snapshot!;
    const thresholds = ledger.alerts[type];
    if (thresholds.length === 0) return;
    const limit = this.#limit(type);
    // A limit of 0 has no fractions to cross.
    if (limit === null || limit === 0) return;
    const local = this.#local[type];
    const cleared = this.#resets !== this.#resetsWritten || this.#periodStart > ledger.periodStart;
    const root = ledger.scopes[ROOT]!;
    const used = (cleared ? 0 : root.used[type]) + local.pending;
    const crossed: number[] = [];
    for (const threshold of thresholds) {
      if (used < threshold * limit || local.alerted.includes(threshold)) continue;
      if (!cleared && root.alerted[type].includes(threshold)) continue;
      local.alerted.push(threshold);
      crossed.push(threshold);
    }
    if (crossed.length === 0) return;
    const at = this.timestamp(this.#budget);
    this.#emit(
      crossed.map((threshold) => ({ type, threshold, used, limit })),
      at,
    );
  }

  #refillIfLow(local: Local): void {
    if (local.held * 2 < local.target) this.#kick();
  }

  #limit(type: BudgetType): number | null {
    return this.#snapshot!.scopes[ROOT]!.limits[type];
  }

  /**
   * Local reservations past their expiry return to the lease, as the ledger releases expired ones; so do
   * all of them when `ownerState` says their owner, this client's, is dead, as the ledger frees a dead
   * owner's reservations.
   */
  #sweepCarves(now: number): void {
    if (this.#carves.size === 0) return;
    const dead = this.#ownerDead();
    for (const [id, carve] of this.#carves) {
      if (carve.expiresAt > now && !dead) continue;
      this.#carves.delete(id);
      const local = this.#local[carve.type];
      local.carved -= carve.units;
      local.held += carve.units;
      local.expired += carve.units;
    }
  }

  #ownerDead(): boolean {
    return this.#checked.ownerState(this.#checked.owner) === 'dead';
  }

  /** Starts a background sync unless one runs; its failure is kept for the next `sync()` or `consumeAsync()`. */
  #kick(): void {
    if (this.#syncing || this.#closing || this.lifecycle.closed || !this.#opened) return;
    this.#enqueue({}, false).catch((error: unknown) => {
      this.#failure = error;
    });
  }

  #rethrow(): void {
    const failure = this.#failure;
    if (failure === null) return;
    this.#failure = null;
    throw failure;
  }

  /** Runs one sync after those already queued: one at a time, so each sees the local state the last one left. */
  #enqueue(needs: Partial<Record<BudgetType, number>>, release: boolean): Promise<void> {
    // A sync queued behind close()'s release would take a lease nobody returns: it fails instead.
    if (this.#closing && !release) return Promise.reject(this.#closingError('sync'));
    this.#syncing = true;
    const run = this.#tail.then(() => this.#syncNow(needs, release));
    this.#tail = run.then(
      () => {
        this.#syncing = false;
      },
      () => {
        this.#syncing = false;
      },
    );
    return run;
  }

  /**
   * One lock-held read-modify-write of the ledger: decode and check it, roll its period, sweep it, then
   * for each type report this client's use and resize (or return) its lease, and write it with the lock's
   * fence. The local state is taken in the same synchronous step as the ledger is changed, so consumes
   * made while the write is in flight stay pending for the next sync; a trim leaves the lease at once,
   * a grant only once written, and a failed write puts back what it took.
   */
  async #syncNow(needs: Partial<Record<BudgetType, number>>, release: boolean): Promise<void> {
    const budget = this.#budget;
    await this.#clock?.measure();
    const crossed: Crossing[] = [];
    let written: Ledger | null = null;
    let now = 0;
    await this.documents.withLock(budget, async (fence) => {
      now = this.timestamp(budget);
      const stored = await this.documents.read(budget);
      let ledger: Ledger;
      if (stored === null) {
        ledger = this.#created(now);
      } else {
        ledger = decodeLedger(budget, stored.body, this.documents.prevalidated, stored.file);
        if (!this.#opened) {
          const adopted = adoptOrRefuse(
            this.lifecycle.provider,
            ledger,
            { budget, profile: this.#profile, period: this.#period, adopt: this.#checked.adopt },
            stored.file,
          );
          this.#profile = adopted.profile;
          this.#period = adopted.period;
        }
      }
      prepare(ledger, now, this.#checked.ownerState);
      this.#sweepCarves(now);
      // Unreported use from before a period the ledger has started is dropped, as its roll cleared that period.
      this.#startPeriod(ledger.periodStart);
      const period = this.#periodStart;
      const resets = this.#resets;
      const resetting = resets > this.#resetsWritten;
      // The reset drops every lease, this client's with the rest: its use since reset() is reported after.
      if (resetting) resetScope(ledger, ROOT);
      const taken = new Map<
        BudgetType,
        {
          local: Local;
          outcome: LeaseOutcome;
          state: LeaseState;
          returned: number;
          carved: number;
          marks: number[];
          limited: boolean;
        }
      >();
      const context = { budget, owner: this.#checked.owner, now, ttlMs: this.#leaseTtlMs };
      const chain = chainOf(ledger, ROOT, budget);
      for (const type of BUDGET_TYPES) {
        const local = this.#local[type];
        const limit = chain[0]!.limits[type];
        const cap = limit === null ? 0 : Math.max(1, Math.floor(limit * this.#leaseSize));
        // After a reset the old lease is gone: the new one must cover the reservations carved since.
        const returned = resetting ? local.held : 0;
        const carved = resetting ? local.carved : 0;
        const state: LeaseState = {
          id: resetting ? null : local.id,
          used: local.pending,
          overrun: local.overrun,
          refused: local.refused,
          held: local.held - returned,
          need: (needs[type] ?? 0) + carved,
          release,
        };
        const outcome = syncLease(ledger, type, state, { ...context, cap });
        // The thresholds this client emitted are marked, so that no client emits them again this period;
        // a lease lost to a reset by another provider takes them with its unreported use.
        const marks = local.alerted;
        if (!outcome.lost)
          for (const threshold of marks)
            if (!chain[0]!.alerted[type].includes(threshold)) chain[0]!.alerted[type].push(threshold);
        local.alerted = [];
        taken.set(type, { local, outcome, state, returned, carved, marks, limited: limit !== null });
        local.held -= returned;
        local.pending -= state.used;
        local.overrun = 0;
        local.refused = false;
        if (outcome.lost) this.#forget(type);
        if (outcome.delta < 0) local.held += outcome.delta;
        crossed.push(...crossings(ledger, chain, type));
      }
      // The keys go with the use their commits reported, in the same write.
      const keys = this.#pendingKeys;
      this.#pendingKeys = [];
      this.#writingKeys = keys;
      for (const { type, key } of keys) if (!isSettled(ledger, type, key)) noteSettled(ledger, type, key);
      try {
        await this.documents.write(budget, { updatedAt: now }, encodeLedger(ledger), { fence });
      } catch (error) {
        this.#writingKeys = [];
        this.#pendingKeys = [...keys, ...this.#pendingKeys].slice(-SETTLED_KEYS);
        const reset = this.#resets !== resets;
        const rolled = this.#periodStart !== period;
        for (const { local, outcome, state, returned, marks, limited } of taken.values()) {
          local.held += returned;
          if (outcome.delta < 0) local.held -= outcome.delta;
          // A reset() or a new period during the write held again what the lease still holds, and dropped
          // the counts: the use taken goes back to the lease too.
          if (reset || rolled) {
            if (limited) local.held += state.used;
            continue;
          }
          local.pending += state.used;
          local.overrun += state.overrun;
          local.refused ||= state.refused;
          for (const threshold of marks)
            if (!local.alerted.includes(threshold)) local.alerted.push(threshold);
        }
        throw error;
      }
      for (const { local, outcome, carved } of taken.values()) {
        if (outcome.delta > 0) local.held += outcome.delta - carved;
        local.id = outcome.id;
        local.target = local.held;
      }
      if (resetting) this.#resetsWritten = resets;
      this.#opened = true;
      written = ledger;
    });
    this.#snapshot = written;
    this.#writingKeys = [];
    if (crossed.length > 0) {
      const alerts = crossed.map(({ scope, type, threshold }) => ({
        type,
        threshold,
        used: scope.used[type],
        limit: scope.limits[type] ?? 0,
      }));
      this.#emit(alerts, now);
    }
  }

  // A swept lease took this client's local reservations with it: a later commit settles as expired.
  #forget(type: BudgetType): void {
    const local = this.#local[type];
    this.#host?.scopes.forget(type);
    for (const [id, carve] of this.#carves) if (carve.type === type) this.#carves.delete(id);
    local.held = 0;
    local.carved = 0;
  }

  #created(now: number): Ledger {
    const limits = limitsInUnits(this.lifecycle.provider, this.#profile.budget, 'profile.budget');
    return newLedger(limits, alertsOf(this.#profile), this.#period, now);
  }

  /** Emits the thresholds crossed (of the root scope unless named), `used` and `limit` in units. */
  #emit(
    crossed: { scope?: string; type: BudgetType; threshold: number; used: number; limit: number }[],
    now: number,
  ): void {
    for (const { scope = ROOT, type, threshold, used, limit } of crossed) {
      const alert: BudgetAlert = {
        budget: this.#budget,
        scope,
        type,
        threshold,
        consumed: fromUnits(type, used),
        limit: fromUnits(type, limit),
        at: now,
      };
      for (const listener of this.#listeners) {
        try {
          listener(alert);
        } catch (error) {
          // The sync stands: a listener's failure surfaces as an EventEmitter listener's would.
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    }
  }

  /**
   * The clock of every lease and reservation expiry, period and alert: the store's where it has one
   * (other machines judge these expiries by it), unless a `now` option was given; else `now` or `Date.now`.
   */
  protected override timestamp(name: string): number {
    if (this.#clock?.measured) return this.#clock.now();
    return super.timestamp(name);
  }

  #assertReady(method: string): void {
    this.lifecycle.assertOpen(method);
    if (this.#snapshot !== null) return;
    throw new ConflictError(`RemoteGovernanceProvider.${method} before ready(): await ready() first`, {
      details: { provider: this.lifecycle.provider, kind: KIND, name: this.#budget, method },
    });
  }

  #closingError(method: string): ClosedError {
    return new ClosedError(`RemoteGovernanceProvider.${method}: the client is closing`, {
      details: { provider: this.lifecycle.provider, kind: KIND, name: this.#budget, method },
    });
  }

  #units(method: string, type: BudgetType, amount: number): number {
    const context = { provider: this.lifecycle.provider, kind: KIND, name: this.#budget, method };
    assertBudgetType(type, context);
    return toUnits(type, amount, 'up', context);
  }

  /** What this client could consume of `type`, in units: what it holds plus what the ledger had free. */
  #remaining(method: string, type: BudgetType): number | null {
    this.#assertReady(method);
    assertBudgetType(type, { provider: this.lifecycle.provider, kind: KIND, name: this.#budget, method });
    this.#tick();
    if (this.#limit(type) === null) return null;
    const ledger = this.#view();
    return this.#local[type].held + available(ledger, chainOf(ledger, ROOT, this.#budget), type);
  }

  /**
   * The ledger as last seen, or while a reset is pending, as the reset will leave it: this client's leases
   * holding what it holds, has carved and has consumed since, nothing else used or reserved.
   */
  #view(): Ledger {
    const ledger = this.#snapshot!;
    const resetting = this.#resets !== this.#resetsWritten;
    if (!resetting && this.#periodStart <= ledger.periodStart) return ledger;
    const view = structuredClone(ledger);
    roll(view, this.#periodStart);
    if (!resetting) return view;
    resetScope(view, ROOT);
    for (const type of BUDGET_TYPES) {
      const local = this.#local[type];
      const lease = ledger.reservations.find((record) => record.id === local.id);
      if (lease !== undefined)
        view.reservations.push({ ...lease, amount: local.held + local.carved + local.pending });
    }
    return view;
  }

  // What the clock changes for the reading methods: reservations expired, a period started.
  #tick(): void {
    if (this.#carves.size === 0 && this.#snapshot!.period === null) return;
    const now = this.timestamp(this.#budget);
    this.#rollLocal(now);
    this.#sweepCarves(now);
  }

  #report(method: string): BudgetReport {
    this.#assertReady(method);
    this.#tick();
    const ledger = this.#view();
    const report = reportOf(ledger, ROOT, this.#budget);
    const root = ledger.scopes[ROOT]!;
    for (const type of BUDGET_TYPES) {
      const local = this.#local[type];
      const own = ledger.reservations.find((record) => record.id === local.id)?.amount ?? 0;
      const reserved = (reservedOf(ledger, type).get(root) ?? 0) - own + local.carved;
      report.consumed[type] = fromUnits(type, root.used[type] + local.pending);
      report.reserved[type] = fromUnits(type, reserved);
      report.overruns[type] = fromUnits(type, root.overruns[type] + local.overrun);
      report.expired[type] = fromUnits(type, root.expired[type] + local.expired);
      report.exceeded[type] ||= local.refused || local.overrun > 0;
      report.thresholds[type] = [...new Set([...report.thresholds[type]!, ...local.alerted])].sort(
        (a, b) => a - b,
      );
      const left = this.#remaining(method, type);
      report.remaining[type] = left === null ? null : fromUnits(type, left);
    }
    return report;
  }
}
