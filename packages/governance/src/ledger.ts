import { ConflictError, z } from '@omega/core';
import {
  BUDGET_TYPES,
  type BudgetType,
  PeriodSchema,
  SETTLED_KEY_MAX_LENGTH,
  SETTLED_KEYS,
} from './index.js';

/*
 * A ledger: the budget of one name, as one document, changed only by a read-modify-write under the
 * document's lock. Everything here is pure: a function takes the ledger read under the lock and changes
 * it in place, and the front writes it back (or, where nothing changed, does not).
 *
 * Amounts are integers in ledger units (units.ts). A ledger is a tree of scopes: `root`, whose limits are
 * the ledger's, and one per live `child()`, each naming its parent. Use is recorded in every scope of a
 * chain (a child's consume is its parent's too), so a scope's `used` is what it and its descendants spent;
 * what is reserved is not stored per scope but summed from the reservations, which name their scope, so
 * that dropping a reservation can never leave a count behind.
 */

const zeros = (): Record<BudgetType, number> => ({ tokens: 0, cost: 0, time: 0, iterations: 0 });
const Units = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
// `root` or a child's UUID: a key like `__proto__` read from a damaged file would reach the prototype.
const ScopeId = z.string().regex(/^(root|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/);
const perType = <T extends z.ZodType>(value: T) =>
  z.object({ tokens: value, cost: value, time: value, iterations: value }).strict();

/** Who holds a reservation: the holder identity of `@omega/core/fs` locks (empty strings: unknown). */
export const OwnerSchema = z
  .object({
    pid: z.number().int(),
    start: z.string(),
    pidNs: z.string(),
    timeNs: z.string(),
    boot: z.string(),
    host: z.string(),
  })
  .strict();
export type Owner = z.infer<typeof OwnerSchema>;

const ScopeSchema = z
  .object({
    parent: ScopeId.nullable(),
    limits: perType(Units.nullable()),
    used: perType(Units),
    overruns: perType(Units),
    expired: perType(Units),
    /** What leases of clients that stopped heartbeating held when swept: spent, never returned. */
    forfeited: perType(Units).default(zeros),
    /** A consume or reserve was refused, or a commit overran, this period. */
    refused: perType(z.boolean()),
    /** Alert thresholds already emitted this period. */
    alerted: perType(z.array(z.number())),
  })
  .strict();
export type Scope = z.infer<typeof ScopeSchema>;

const reservationFields = {
  id: z.string().min(1),
  scope: ScopeId,
  type: z.enum(BUDGET_TYPES),
  /** What it holds: counted as reserved in its scope and every ancestor. */
  amount: Units,
  owner: OwnerSchema,
  createdAt: z.number().int().nonnegative(),
  expiresAt: z.number().int().nonnegative(),
};

/** Budget held for one call, settled by a commit or a release. */
const HoldSchema = z.object({ kind: z.literal('reservation'), ...reservationFields }).strict();

/**
 * A remote client's lease: budget it consumes from locally. `amount` is what it still holds (used and
 * unreported, or unused: the ledger cannot tell them apart); each report moves what the client used
 * from `amount` to its scopes' `used` and adds it to `reported`.
 */
const LeaseSchema = z.object({ kind: z.literal('lease'), ...reservationFields, reported: Units }).strict();

/** A reservation or a lease as stored (ledgers written before leases existed hold only reservations). */
const ReservationRecordSchema = z.discriminatedUnion('kind', [HoldSchema, LeaseSchema]);
export type ReservationRecord = z.infer<typeof ReservationRecordSchema>;
export type LeaseRecord = z.infer<typeof LeaseSchema>;

/** The key of a keyed commit, settled for one budget type. */
const SettledKeySchema = z
  .object({ type: z.enum(BUDGET_TYPES), key: z.string().min(1).max(SETTLED_KEY_MAX_LENGTH) })
  .strict();
export type SettledKey = z.infer<typeof SettledKeySchema>;

/** The body of a ledger document. */
export const LedgerSchema = z
  .object({
    alerts: perType(z.array(z.number().gt(0).lte(1))),
    period: PeriodSchema.nullable(),
    /** When the current period started (ms since the epoch); 0 without a period. */
    periodStart: z.number().int().nonnegative(),
    scopes: z.record(ScopeId, ScopeSchema).refine((scopes) => Object.hasOwn(scopes, ROOT), {
      message: 'the root scope is missing',
    }),
    reservations: z.array(ReservationRecordSchema),
    /**
     * The keys of the last {@link SETTLED_KEYS} keyed commits, oldest first, kept across resets and
     * periods (a repeated commit must not charge again because the budget was reset in between). Ledgers
     * written before keyed commits have none.
     */
    settledKeys: z.array(SettledKeySchema).default([]),
  })
  .strict();
export type Ledger = z.infer<typeof LedgerSchema>;

/** Limits in ledger units, `null` for unlimited. */
export type UnitLimits = Record<BudgetType, number | null>;

/** The id of a ledger's own scope. */
export const ROOT = 'root';

/** A scope with `limits` under `parent`, nothing used. */
export function newScope(parent: string | null, limits: UnitLimits): Scope {
  return {
    parent,
    limits: { ...limits },
    used: zeros(),
    overruns: zeros(),
    expired: zeros(),
    forfeited: zeros(),
    refused: { tokens: false, cost: false, time: false, iterations: false },
    alerted: { tokens: [], cost: [], time: [], iterations: [] },
  };
}

/** A new ledger: its root scope with `limits`, its alert thresholds and its period. */
export function newLedger(
  limits: UnitLimits,
  alerts: Record<BudgetType, number[]>,
  period: Ledger['period'],
  now: number,
): Ledger {
  return {
    alerts,
    period,
    periodStart: period === null ? 0 : periodStart(period, now),
    scopes: { [ROOT]: newScope(null, limits) },
    reservations: [],
    settledKeys: [],
  };
}

/** Whether a commit of `type` with `key` was settled already (among the keys the ledger remembers). */
export function isSettled(ledger: Ledger, type: BudgetType, key: string): boolean {
  return ledger.settledKeys.some((settled) => settled.key === key && settled.type === type);
}

/**
 * Remembers `key` as settled for `type`, forgetting the oldest keys beyond {@link SETTLED_KEYS}. The array
 * is replaced, never changed in place: `encodeLedger` keeps the text of each array it encoded.
 */
export function noteSettled(ledger: Ledger, type: BudgetType, key: string): void {
  ledger.settledKeys = [...ledger.settledKeys, { type, key }].slice(-SETTLED_KEYS);
}

/** The start (UTC) of the calendar period containing `now`: midnight, Monday midnight, the 1st. */
export function periodStart(period: z.infer<typeof PeriodSchema>, now: number): number {
  const date = new Date(now);
  const day = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  if (period === 'day') return day;
  if (period === 'week') return day - ((date.getUTCDay() + 6) % 7) * 86_400_000;
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
}

/** The scopes from `scope` up to the root. A scope that is gone is a `ConflictError`. */
export function chainOf(ledger: Ledger, scope: string, budget: string): Scope[] {
  const chain: Scope[] = [];
  let id: string | null = scope;
  while (id !== null) {
    const current: Scope | undefined = Object.hasOwn(ledger.scopes, id) ? ledger.scopes[id] : undefined;
    if (current === undefined) {
      throw new ConflictError(`budget "${budget}" has no scope "${id}": it was closed`, {
        details: { kind: 'budget', name: budget, scope: id },
      });
    }
    chain.push(current);
    id = current.parent;
  }
  return chain;
}

/** What is reserved of `type` in each scope (a reservation counts in its scope and every ancestor). */
export function reservedOf(ledger: Ledger, type: BudgetType): Map<Scope, number> {
  const reserved = new Map<Scope, number>();
  for (const reservation of ledger.reservations) {
    if (reservation.type !== type) continue;
    let id: string | null = reservation.scope;
    while (id !== null && Object.hasOwn(ledger.scopes, id)) {
      const scope: Scope = ledger.scopes[id]!;
      reserved.set(scope, (reserved.get(scope) ?? 0) + reservation.amount);
      id = scope.parent;
    }
  }
  return reserved;
}

/** What is left of `type` to a consume in the last scope of `chain`: the least over the chain. */
export function available(ledger: Ledger, chain: Scope[], type: BudgetType): number {
  const reserved = reservedOf(ledger, type);
  let least = Number.POSITIVE_INFINITY;
  for (const scope of chain) {
    const limit = scope.limits[type];
    if (limit === null) continue;
    least = Math.min(least, Math.max(0, limit - scope.used[type] - (reserved.get(scope) ?? 0)));
  }
  return least;
}

/** Consumes `units` in every scope of `chain` if they fit in all: true then, else false, refusals noted. */
export function consume(ledger: Ledger, chain: Scope[], type: BudgetType, units: number): boolean {
  if (units > available(ledger, chain, type)) {
    refuse(ledger, chain, type, units);
    return false;
  }
  for (const scope of chain) scope.used[type] += units;
  return true;
}

/** Notes the refusal of `units` in the scopes of `chain` they did not fit in. */
export function refuse(ledger: Ledger, chain: Scope[], type: BudgetType, units: number): void {
  for (const scope of chain) {
    if (units > available(ledger, [scope], type)) scope.refused[type] = true;
  }
}

/**
 * Settles `actual` units of a reservation already removed from the ledger: what fits is consumed in every
 * scope of `chain`, the rest is an overrun in each of them. Returns `[consumed, overrun]`.
 */
export function settle(ledger: Ledger, chain: Scope[], type: BudgetType, actual: number): [number, number] {
  const fits = Math.min(actual, available(ledger, chain, type));
  const overrun = actual - fits;
  record(chain, type, fits, overrun);
  return [fits, overrun];
}

/** Records a settlement in every scope of `chain`: `fits` used, `overrun` (if any) an overrun. */
export function record(chain: Scope[], type: BudgetType, fits: number, overrun: number): void {
  for (const scope of chain) {
    scope.used[type] += fits;
    if (overrun > 0) {
      scope.overruns[type] += overrun;
      scope.refused[type] = true;
    }
  }
}

/** Removes reservation `id`, returning it (null when it is not there). */
export function takeReservation(ledger: Ledger, id: string): ReservationRecord | null {
  const index = ledger.reservations.findIndex((reservation) => reservation.id === id);
  if (index < 0) return null;
  return ledger.reservations.splice(index, 1)[0]!;
}

/**
 * Releases the reservations whose expiry passed or whose owner is certainly dead, counting them as expired
 * in their scopes. A lease is not released but forfeited: its client may have consumed all of it without
 * reporting, so what it held becomes used (and counted as forfeited), never free again. Returns how many
 * it removed.
 */
export function sweep(ledger: Ledger, now: number, isDead: (owner: Owner) => boolean): number {
  const kept: ReservationRecord[] = [];
  for (const reservation of ledger.reservations) {
    if (reservation.expiresAt > now && !isDead(reservation.owner)) {
      kept.push(reservation);
      continue;
    }
    const lease = reservation.kind === 'lease';
    let id: string | null = reservation.scope;
    while (id !== null && Object.hasOwn(ledger.scopes, id)) {
      const scope: Scope = ledger.scopes[id]!;
      if (lease) {
        scope.used[reservation.type] += reservation.amount;
        scope.forfeited[reservation.type] += reservation.amount;
      } else {
        scope.expired[reservation.type] += reservation.amount;
      }
      id = scope.parent;
    }
  }
  const released = ledger.reservations.length - kept.length;
  ledger.reservations = kept;
  return released;
}

/** Starts a new period when the current one ended: every scope's use, overruns and alerts start over. */
export function roll(ledger: Ledger, now: number): boolean {
  if (ledger.period === null) return false;
  const start = periodStart(ledger.period, now);
  if (start <= ledger.periodStart) return false;
  ledger.periodStart = start;
  for (const scope of Object.values(ledger.scopes)) clearScope(scope);
  return true;
}

function clearScope(scope: Scope): void {
  const fresh = newScope(scope.parent, scope.limits);
  scope.used = fresh.used;
  scope.overruns = fresh.overruns;
  scope.expired = fresh.expired;
  scope.forfeited = fresh.forfeited;
  scope.refused = fresh.refused;
  scope.alerted = fresh.alerted;
}

/** Resets scope `id` and its descendants to nothing used, dropping their reservations. */
export function resetScope(ledger: Ledger, id: string): void {
  const inside = (scope: string | null): boolean => {
    for (let current = scope; current !== null; current = ledger.scopes[current]?.parent ?? null) {
      if (current === id) return true;
    }
    return false;
  };
  for (const [scopeId, scope] of Object.entries(ledger.scopes)) if (inside(scopeId)) clearScope(scope);
  ledger.reservations = ledger.reservations.filter((reservation) => !inside(reservation.scope));
}

/** Removes child scope `id`; its reservations move to its parent, whose use already counts them. */
export function closeScope(ledger: Ledger, id: string): void {
  const scope = ledger.scopes[id];
  if (scope === undefined || scope.parent === null) return;
  for (const reservation of ledger.reservations)
    if (reservation.scope === id) reservation.scope = scope.parent;
  for (const other of Object.values(ledger.scopes)) if (other.parent === id) other.parent = scope.parent;
  delete ledger.scopes[id];
}

/** A threshold newly crossed in a scope. */
export interface Crossing {
  scope: Scope;
  type: BudgetType;
  threshold: number;
}

/** Marks and returns the thresholds of `type` the scopes of `chain` have crossed and not yet emitted. */
export function crossings(ledger: Ledger, chain: Scope[], type: BudgetType): Crossing[] {
  const crossed: Crossing[] = [];
  for (const scope of chain) {
    const limit = scope.limits[type];
    // A limit of 0 has no fractions to cross.
    if (limit === null || limit === 0) continue;
    for (const threshold of ledger.alerts[type]) {
      if (scope.used[type] >= threshold * limit && !scope.alerted[type].includes(threshold)) {
        scope.alerted[type].push(threshold);
        crossed.push({ scope, type, threshold });
      }
    }
  }
  return crossed;
}

/** What is known of a reservation's owner: see `holderState` of `@omega/core/fs`. */
export type OwnerState = 'alive' | 'dead' | 'unknown';

/**
 * What every operation does first, under the lock: a new period if one began, then the sweep of the
 * reservations expired or of dead owners.
 */
export function prepare(ledger: Ledger, now: number, ownerState: (owner: Owner) => OwnerState): void {
  // One verdict per owner per operation: many reservations share an owner, and each check reads /proc.
  const verdicts = new Map<string, boolean>();
  const isDead = (owner: Owner) => {
    const key = `${owner.pid}.${owner.start}.${owner.pidNs}.${owner.boot}.${owner.host}`;
    let dead = verdicts.get(key);
    if (dead === undefined) {
      dead = ownerState(owner) === 'dead';
      verdicts.set(key, dead);
    }
    return dead;
  };
  roll(ledger, now);
  sweep(ledger, now, isDead);
}
