import { randomUUID } from 'node:crypto';
import type { BudgetType } from './index.js';
import { available, chainOf, type LeaseRecord, type Ledger, type Owner, ROOT, settle } from './ledger.js';

/*
 * Leases, the remote client's side of a ledger: pure functions over a ledger read under its lock, as in
 * ledger.ts. A lease is a reservation of kind `lease` in the root scope, so everything a lease holds
 * counts as spent for every other holder, exactly like a reservation, and the ledger's arithmetic needs
 * no other rule to never overspend.
 */

/** Under what the pool holds at exhaustion, in hundredths of the limit, shared by the live leases. */
const STRANDED_PERCENT = 1;

/**
 * How much a client should hold of a type: an equal share of what is free to it (the pool's free part
 * plus what it holds), at most `cap`, at least its share of 1% of the limit. As the pool drains the share
 * shrinks; once nothing is free, each of `clients` converges (halving at each sync while two or more
 * share the pool) to at most 1% / `clients` of the limit, so live leases strand at most 1% of it.
 */
export function leaseTarget(limit: number, free: number, held: number, clients: number, cap: number): number {
  const basis = free + held;
  const share = Math.floor(basis / clients);
  const floor = Math.floor((limit * STRANDED_PERCENT) / (100 * clients));
  return Math.min(cap, Math.max(share, floor), basis);
}

/** The live leases of `type` in `ledger`. */
export function leasesOf(ledger: Ledger, type: BudgetType): LeaseRecord[] {
  return ledger.reservations.filter(
    (record): record is LeaseRecord => record.kind === 'lease' && record.type === type,
  );
}

/** What a client brings to a sync of its lease of one type. */
export interface LeaseState {
  /** Its lease's id, or null when it has none yet. */
  id: string | null;
  /** Units consumed since its last report (settled reservations included). */
  used: number;
  /** Units commits spent beyond what fitted, since its last report. */
  overrun: number;
  /** Whether a consume or reserve was refused since its last report, the ledger as last seen not covering it either. */
  refused: boolean;
  /** Units it holds unconsumed and not carved into reservations. */
  held: number;
  /** Units it wants to hold at least after the sync (a waiting `consumeAsync`); 0 for none. */
  need: number;
  /** Return the lease: report the use, give back everything else (a `close()`). */
  release: boolean;
}

/** What a sync did to a client's lease of one type. */
export interface LeaseOutcome {
  /** Its lease now (null after a release, or for an unlimited type, which needs none). */
  id: string | null;
  /** The lease had been swept (its client stopped heartbeating): what it held and its reservations are gone. */
  lost: boolean;
  /** Units added to what it holds (negative: trimmed back to the pool). */
  delta: number;
  /** When the lease now expires unless synced again. */
  expiresAt: number;
}

/** Where and as whom a client syncs. */
export interface LeaseContext {
  budget: string;
  owner: Owner;
  now: number;
  ttlMs: number;
  /** The largest lease, in units. */
  cap: number;
}

/**
 * One sync of a client's lease of `type`: reports its use (moved from the lease to the root's `used`),
 * its overruns and refusals, then renews the lease and resizes it to {@link leaseTarget} (or `need`),
 * within what is free; or, with `release`, removes it. A lease swept meanwhile reports nothing: what it
 * held, the unreported use included, was counted as used when it was forfeited.
 */
export function syncLease(
  ledger: Ledger,
  type: BudgetType,
  state: LeaseState,
  context: LeaseContext,
): LeaseOutcome {
  const { budget, owner, now, ttlMs } = context;
  const chain = chainOf(ledger, ROOT, budget);
  const root = chain[0]!;
  const index = ledger.reservations.findIndex((record) => record.id === state.id && record.kind === 'lease');
  const record = index < 0 ? null : (ledger.reservations[index] as LeaseRecord);
  const lost = state.id !== null && record === null;
  if (record !== null) {
    // What the lease holds covers what its client used; any excess (a lease resized by hand) settles as a commit would.
    const covered = Math.min(state.used, record.amount);
    record.amount -= covered;
    record.reported += covered;
    for (const scope of chain) scope.used[type] += covered;
    if (state.used > covered) settle(ledger, chain, type, state.used - covered);
  } else if (!lost && state.used > 0) {
    settle(ledger, chain, type, state.used);
  }
  if (state.overrun > 0 || state.refused) {
    for (const scope of chain) {
      scope.overruns[type] += state.overrun;
      scope.refused[type] = true;
    }
  }
  const held = lost ? 0 : state.held;
  const expiresAt = now + ttlMs;
  const limit = root.limits[type];
  if (state.release || limit === null) {
    if (record !== null) ledger.reservations.splice(index, 1);
    return { id: null, lost, delta: -held, expiresAt };
  }
  const free = available(ledger, chain, type);
  const clients = leasesOf(ledger, type).length + (record === null ? 1 : 0);
  const target = leaseTarget(limit, free, held, clients, context.cap);
  const next = Math.min(Math.max(target, state.need), free + held);
  const delta = next - held;
  if (record !== null) {
    record.amount += delta;
    record.expiresAt = expiresAt;
    return { id: record.id, lost, delta, expiresAt };
  }
  const lease: LeaseRecord = {
    id: randomUUID(),
    kind: 'lease',
    scope: ROOT,
    type,
    amount: next,
    owner,
    createdAt: now,
    expiresAt,
    reported: 0,
  };
  ledger.reservations.push(lease);
  return { id: lease.id, lost, delta, expiresAt };
}
