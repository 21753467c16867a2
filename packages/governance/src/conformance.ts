import { isOmegaError, type OmegaErrorCode } from '@omega/core';
import {
  CAPABILITY_CASES,
  type ConformanceOptions,
  describeConformance,
  type ProviderFixture,
  thrownBy,
} from '@omega/core/testing';
import * as vitest from 'vitest';
import { expect, it, onTestFinished } from 'vitest';
import type { OwnerState } from './front.js';
import {
  BUDGET_TYPES,
  type BudgetAlert,
  type GovernanceProvider,
  PROFILES,
  type Profile,
  SETTLED_KEY_MAX_LENGTH,
} from './index.js';
import { METHODS } from './methods.js';
import { KIND } from './rules.js';

/** What a conformance factory returns: a fresh provider over a fresh ledger, and how to dispose of it. */
export type GovernanceProviderFixture<P extends GovernanceProvider = GovernanceProvider> = ProviderFixture<P>;

/**
 * What the suite asks of a factory beyond a default provider: these options, passed to the backend's
 * constructor as given (every backend takes them).
 */
export interface GovernanceFixtureOptions {
  profile?: Profile;
  now?: () => number;
  period?: 'day' | 'week' | 'month';
  reservationTtlMs?: number;
  owner?: { pid: number; start: string; pidNs: string; timeNs: string; boot: string; host: string };
  ownerState?: (owner: { pid: number }) => OwnerState;
}

/** Options of {@link describeGovernanceProvider}: `reopen`, `timeoutMs`, `skip`. */
export type GovernanceConformanceOptions<P extends GovernanceProvider = GovernanceProvider> =
  ConformanceOptions<P>;

/** A profile with `budget` and the given alert thresholds, granting `caps`. */
function profile(budget: Profile['budget'], extra: Partial<Profile> = {}): Profile {
  return { name: 'test', caps: ['eval'], budget, ...extra };
}

function refused(run: () => unknown, code: OmegaErrorCode = 'INVALID_ARGUMENT') {
  return thrownBy(run, code);
}

/**
 * The `GovernanceProvider` contract as a vitest suite: the units and arithmetic of budgets, reservations,
 * scoped children, alerts and periods, reset and reports, the lineage's profiles, and every row of the
 * capability table of `@omega/core/testing`. Call it at the top level of a test file; `factory(options)`
 * must return a provider over a fresh ledger, built with `options` (a clock, a profile, ...).
 *
 * @example
 * describeGovernanceProvider('local', async (options) => ({ provider: new LocalGovernanceProvider(options) }));
 */
export function describeGovernanceProvider<P extends GovernanceProvider>(
  name: string,
  factory: (options?: GovernanceFixtureOptions) => Promise<GovernanceProviderFixture<P>>,
  options: GovernanceConformanceOptions<P> = {},
): void {
  const suite = { family: 'GovernanceProvider', kind: KIND, methods: METHODS };
  describeConformance(
    vitest,
    suite,
    name,
    () => factory(),
    options,
    ({ provider: current, group }) => {
      // A provider of the running test with `fixture` options, closed and cleaned up when the test ends.
      const open = async (fixture: GovernanceFixtureOptions): Promise<P> => {
        const { provider, cleanup } = await factory(fixture);
        onTestFinished(async () => {
          await provider.close();
          await cleanup?.();
        });
        return provider;
      };

      group('units and arithmetic', () => {
        it('admits 1,000 consumes of 1.5e-7 USD against 1.5e-4 and refuses the 1,001st', async () => {
          const provider = await open({ profile: profile({ cost: 1.5e-4 }) });
          for (let i = 0; i < 1000; i++) expect(provider.consumeBudget('cost', 1.5e-7)).toBe(true);
          expect(provider.consumeBudget('cost', 1.5e-7)).toBe(false);
          expect(provider.report().consumed.cost).toBe(1.5e-4);
          expect(provider.remaining('cost')).toBe(0);
          expect(provider.hasRemaining('cost')).toBe(false);
        });

        it('charges 1e-12 USD as one nano-dollar, never zero', async () => {
          const provider = await open({ profile: profile({ cost: 2e-9 }) });
          expect(provider.consumeBudget('cost', 1e-12)).toBe(true);
          expect(provider.report().consumed.cost).toBe(1e-9);
          expect(provider.consumeBudget('cost', 1e-12)).toBe(true);
          expect(provider.consumeBudget('cost', 1e-12)).toBe(false);
        });

        it('admits reaching the limit exactly; then nothing remains', async () => {
          const provider = await open({ profile: profile({ tokens: 100 }) });
          expect(provider.hasRemaining('tokens')).toBe(true);
          expect(provider.consumeBudget('tokens', 60)).toBe(true);
          expect(provider.consumeBudget('tokens', 40)).toBe(true);
          expect(provider.hasRemaining('tokens')).toBe(false);
          expect(provider.remaining('tokens')).toBe(0);
          expect(provider.consumeBudget('tokens', 0)).toBe(true);
          expect(provider.consumeBudget('tokens', 1)).toBe(false);
          expect(provider.report().consumed.tokens).toBe(100);
        });

        it('consumes nothing when an amount does not fit, and reports the type exceeded', async () => {
          const provider = await open({ profile: profile({ iterations: 10 }) });
          expect(provider.report().exceeded.iterations).toBe(false);
          expect(provider.consumeBudget('iterations', 11)).toBe(false);
          expect(provider.report().consumed.iterations).toBe(0);
          expect(provider.report().exceeded.iterations).toBe(true);
          expect(provider.remaining('iterations')).toBe(10);
        });

        it('rounds every amount up: 1.5 tokens are 2, 0.0001 s of time is 1 ms', async () => {
          const provider = await open({ profile: profile({ tokens: 3, time: 0.002 }) });
          expect(provider.consumeBudget('tokens', 1.5)).toBe(true);
          expect(provider.report().consumed.tokens).toBe(2);
          expect(provider.consumeBudget('tokens', 1.5)).toBe(false);
          expect(provider.consumeBudget('time', 0.0001)).toBe(true);
          expect(provider.consumeBudget('time', 0.0001)).toBe(true);
          expect(provider.consumeBudget('time', 0.0001)).toBe(false);
          expect(provider.report().consumed.time).toBe(0.002);
        });

        it('treats absent and null limits as unlimited', async () => {
          const provider = await open({ profile: profile({ tokens: null }) });
          expect(provider.consumeBudget('tokens', 1e12)).toBe(true);
          expect(provider.consumeBudget('cost', 1e6)).toBe(true);
          expect(provider.remaining('tokens')).toBeNull();
          expect(provider.hasRemaining('cost')).toBe(true);
          expect(provider.remainingAll()).toEqual({ tokens: null, cost: null, time: null, iterations: null });
          expect(provider.report().limits).toEqual({
            tokens: null,
            cost: null,
            time: null,
            iterations: null,
          });
        });

        it('refuses a negative, NaN, infinite or non-number amount and an unknown type, consuming nothing', async () => {
          const provider = await open({ profile: profile({ tokens: 100 }) });
          for (const amount of [
            -1,
            -0.5,
            Number.NaN,
            Number.POSITIVE_INFINITY,
            Number.NEGATIVE_INFINITY,
            '5',
            null,
          ]) {
            const error = refused(() => provider.consumeBudget('tokens', amount as number));
            expect(error.details).toMatchObject({ kind: KIND, option: 'amount' });
            refused(() => provider.reserve('tokens', amount as number));
          }
          for (const type of ['money', '', 'TOKENS', '__proto__', 7]) {
            const error = refused(() => provider.consumeBudget(type as 'tokens', 1));
            expect(error.details).toMatchObject({ kind: KIND, option: 'type' });
            refused(() => provider.remaining(type as 'tokens'));
            refused(() => provider.hasRemaining(type as 'tokens'));
            refused(() => provider.reserve(type as 'tokens', 1));
          }
          expect(provider.report().consumed.tokens).toBe(0);
          expect(provider.report().reserved.tokens).toBe(0);
        });

        it('reports remainingAll as remaining() of each type', async () => {
          const provider = await open({ profile: profile({ tokens: 10, cost: 1, time: 60, iterations: 5 }) });
          provider.consumeBudget('tokens', 3);
          provider.consumeBudget('cost', 0.25);
          provider.consumeBudget('iterations', 5);
          const all = provider.remainingAll();
          for (const type of BUDGET_TYPES) expect(all[type]).toBe(provider.remaining(type));
          expect(all).toEqual({ tokens: 7, cost: 0.75, time: 60, iterations: 0 });
          expect(provider.getBudget()).toEqual({
            limits: { tokens: 10, cost: 1, time: 60, iterations: 5 },
            consumed: { tokens: 3, cost: 0.25, time: 0, iterations: 5 },
            reserved: { tokens: 0, cost: 0, time: 0, iterations: 0 },
          });
        });
      });

      group('reservations', () => {
        it('counts what is reserved as spent for everyone else', async () => {
          const provider = await open({ profile: profile({ tokens: 100 }) });
          const reservation = provider.reserve('tokens', 60);
          expect(reservation).not.toBeNull();
          expect(reservation?.amount).toBe(60);
          expect(provider.consumeBudget('tokens', 41)).toBe(false);
          expect(provider.consumeBudget('tokens', 40)).toBe(true);
          expect(provider.reserve('tokens', 1)).toBeNull();
          expect(provider.report().reserved.tokens).toBe(60);
          expect(provider.remaining('tokens')).toBe(0);
        });

        it('returns null for a reservation that does not fit, holding nothing', async () => {
          const provider = await open({ profile: profile({ cost: 1 }) });
          expect(provider.reserve('cost', 1.5)).toBeNull();
          expect(provider.report().reserved.cost).toBe(0);
          expect(provider.report().exceeded.cost).toBe(true);
        });

        it('commits at the actual amount below the reservation, returning the rest', async () => {
          const provider = await open({ profile: profile({ cost: 1 }) });
          const reservation = provider.reserve('cost', 0.5)!;
          expect(reservation.commit(0.2)).toEqual({ consumed: 0.2, overrun: 0, expired: false });
          expect(provider.report().reserved.cost).toBe(0);
          expect(provider.report().consumed.cost).toBe(0.2);
          expect(provider.remaining('cost')).toBe(0.8);
        });

        it('commits above the reservation: consumes what fits, records the overrun, never passes the limit', async () => {
          const provider = await open({ profile: profile({ tokens: 100 }) });
          expect(provider.consumeBudget('tokens', 50)).toBe(true);
          const reservation = provider.reserve('tokens', 30)!;
          expect(reservation.commit(45)).toEqual({ consumed: 45, overrun: 0, expired: false });
          const second = provider.reserve('tokens', 5)!;
          expect(second.commit(20)).toEqual({ consumed: 5, overrun: 15, expired: false });
          const report = provider.report();
          expect(report.consumed.tokens).toBe(100);
          expect(report.overruns.tokens).toBe(15);
          expect(report.exceeded.tokens).toBe(true);
        });

        it('releases a reservation whole, and refuses to settle one twice', async () => {
          const provider = await open({ profile: profile({ tokens: 100 }) });
          const reservation = provider.reserve('tokens', 70)!;
          expect(reservation.release('cancelled before the call')).toEqual({
            consumed: 0,
            overrun: 0,
            expired: false,
          });
          expect(provider.remaining('tokens')).toBe(100);
          refused(() => reservation.commit(1), 'CONFLICT');
          refused(() => reservation.release('again'), 'CONFLICT');
          expect(reservation.renew()).toBe(false);
          expect(provider.report().consumed.tokens).toBe(0);
        });

        it('refuses a bad actual amount at commit, leaving the reservation held', async () => {
          const provider = await open({ profile: profile({ tokens: 100 }) });
          const reservation = provider.reserve('tokens', 10)!;
          for (const actual of [-1, Number.NaN, Number.POSITIVE_INFINITY])
            refused(() => reservation.commit(actual));
          expect(provider.report().reserved.tokens).toBe(10);
          expect(reservation.commit(10).consumed).toBe(10);
        });

        it('releases an expired reservation at the next operation and reports it as expired', async () => {
          let clock = 1_000_000;
          const provider = await open({
            profile: profile({ tokens: 100 }),
            now: () => clock,
            reservationTtlMs: 1_000,
          });
          const reservation = provider.reserve('tokens', 80)!;
          expect(reservation.expiresAt).toBe(1_001_000);
          clock += 999;
          expect(provider.remaining('tokens')).toBe(20);
          clock += 1;
          expect(provider.remaining('tokens')).toBe(100);
          expect(provider.report().expired.tokens).toBe(80);
          expect(reservation.renew()).toBe(false);
          // Its call spent anyway: a late commit consumes what fits, on its own.
          expect(reservation.commit(30)).toEqual({ consumed: 30, overrun: 0, expired: true });
          expect(provider.report().consumed.tokens).toBe(30);
        });

        it('keeps a renewed reservation past its first expiry', async () => {
          let clock = 5_000;
          const provider = await open({
            profile: profile({ tokens: 100 }),
            now: () => clock,
            reservationTtlMs: 1_000,
          });
          const reservation = provider.reserve('tokens', 50)!;
          clock += 900;
          expect(reservation.renew()).toBe(true);
          expect(reservation.expiresAt).toBe(6_900);
          clock += 900;
          expect(provider.report().reserved.tokens).toBe(50);
          expect(reservation.renew(10_000)).toBe(true);
          expect(reservation.expiresAt).toBe(16_800);
          refused(() => reservation.renew(0));
          refused(() => reservation.renew(1.5));
        });
      });

      group('keyed commits', () => {
        it('charges a key once: a second commit with it consumes nothing and reports duplicate', async () => {
          const provider = await open({ profile: profile({ tokens: 100 }) });
          expect(provider.reserve('tokens', 20)!.commit(15, { key: 'run-1:3:0' })).toEqual({
            consumed: 15,
            overrun: 0,
            expired: false,
            duplicate: false,
          });
          expect(provider.reserve('tokens', 20)!.commit(15, { key: 'run-1:3:0' })).toEqual({
            consumed: 0,
            overrun: 0,
            expired: false,
            duplicate: true,
          });
          expect(provider.report().consumed.tokens).toBe(15);
          expect(provider.remaining('tokens')).toBe(85);
        });

        it('charges different keys, and one key of different budget types, each once', async () => {
          const provider = await open({ profile: profile({ tokens: 100, cost: 1 }) });
          expect(provider.reserve('tokens', 10)!.commit(10, { key: 'a' }).duplicate).toBe(false);
          expect(provider.reserve('tokens', 10)!.commit(10, { key: 'b' }).duplicate).toBe(false);
          expect(provider.reserve('cost', 0.5)!.commit(0.25, { key: 'a' }).duplicate).toBe(false);
          expect(provider.reserve('cost', 0.5)!.commit(0.25, { key: 'a' }).duplicate).toBe(true);
          expect(provider.report().consumed).toMatchObject({ tokens: 20, cost: 0.25 });
        });

        it('releases the reservation of a duplicate whole', async () => {
          const provider = await open({ profile: profile({ tokens: 100 }) });
          provider.reserve('tokens', 30)!.commit(30, { key: 'k' });
          const again = provider.reserve('tokens', 70)!;
          expect(provider.remaining('tokens')).toBe(0);
          expect(again.commit(70, { key: 'k' })).toMatchObject({ consumed: 0, overrun: 0, duplicate: true });
          expect(provider.report().reserved.tokens).toBe(0);
          expect(provider.remaining('tokens')).toBe(70);
          refused(() => again.commit(1), 'CONFLICT');
          expect(provider.consumeBudget('tokens', 70)).toBe(true);
        });

        it('reports no duplicate field on an unkeyed commit, and charges unkeyed commits every time', async () => {
          const provider = await open({ profile: profile({ tokens: 100 }) });
          const settlement = provider.reserve('tokens', 10)!.commit(10);
          expect(Object.hasOwn(settlement, 'duplicate')).toBe(false);
          provider.reserve('tokens', 10)!.commit(10, {});
          provider.reserve('tokens', 10)!.commit(10, { key: undefined });
          expect(provider.report().consumed.tokens).toBe(30);
        });

        it('remembers keys across reset(), and a duplicate of an expired reservation still charges nothing', async () => {
          let clock = 1_000_000;
          const provider = await open({
            profile: profile({ tokens: 100 }),
            now: () => clock,
            reservationTtlMs: 1_000,
          });
          provider.reserve('tokens', 10)!.commit(10, { key: 'before-reset' });
          provider.reset();
          const late = provider.reserve('tokens', 40)!;
          clock += 1_000;
          expect(provider.remaining('tokens')).toBe(100);
          expect(late.commit(40, { key: 'before-reset' })).toEqual({
            consumed: 0,
            overrun: 0,
            expired: true,
            duplicate: true,
          });
          expect(provider.report().consumed.tokens).toBe(0);
        });

        it('shares keys between a provider and its children', async () => {
          const parent = await open({ profile: profile({ tokens: 100 }) });
          const child = parent.child({ tokens: 50 });
          expect(child.reserve('tokens', 10)!.commit(10, { key: 'shared' }).duplicate).toBe(false);
          expect(parent.reserve('tokens', 10)!.commit(10, { key: 'shared' }).duplicate).toBe(true);
          expect(parent.reserve('tokens', 10)!.commit(5, { key: 'parent' }).duplicate).toBe(false);
          expect(child.reserve('tokens', 10)!.commit(5, { key: 'parent' }).duplicate).toBe(true);
          expect(parent.report().consumed.tokens).toBe(15);
          expect(child.report()).toMatchObject({ consumed: { tokens: 10 }, reserved: { tokens: 0 } });
        });

        it('refuses a key that is not a non-empty string of bounded length, leaving the reservation held', async () => {
          const provider = await open({ profile: profile({ tokens: 100 }) });
          const reservation = provider.reserve('tokens', 10)!;
          for (const options of [
            { key: '' },
            { key: 'k'.repeat(SETTLED_KEY_MAX_LENGTH + 1) },
            { key: 7 },
            { key: null },
            null,
            'key',
          ]) {
            const error = refused(() => reservation.commit(10, options as never));
            expect(error.details).toMatchObject({ kind: KIND, reservation: reservation.id });
          }
          expect(provider.report().reserved.tokens).toBe(10);
          const longest = 'k'.repeat(SETTLED_KEY_MAX_LENGTH);
          expect(reservation.commit(10, { key: longest }).consumed).toBe(10);
          expect(provider.reserve('tokens', 10)!.commit(10, { key: longest }).duplicate).toBe(true);
        });
      });

      group('dead owners', () => {
        it('releases the reservations of a dead owner at the next operation, whatever their expiry', async () => {
          const dead = new Set<number>();
          const owner = { pid: 4_000_001, start: '1', pidNs: '', timeNs: '', boot: '', host: '' };
          const ownerState = (who: { pid: number }): OwnerState => (dead.has(who.pid) ? 'dead' : 'alive');
          const provider = await open({ profile: profile({ cost: 1 }), owner, ownerState });
          provider.reserve('cost', 0.75);
          expect(provider.remaining('cost')).toBe(0.25);
          dead.add(owner.pid);
          expect(provider.remaining('cost')).toBe(1);
          expect(provider.report().expired.cost).toBe(0.75);
        });
      });

      group('scoped budgets', () => {
        it('debits the parent for every use of a child', async () => {
          const parent = await open({ profile: profile({ tokens: 100 }) });
          const child = parent.child({ tokens: 30 });
          expect(child.consumeBudget('tokens', 20)).toBe(true);
          expect(child.consumeBudget('tokens', 11)).toBe(false);
          expect(child.remaining('tokens')).toBe(10);
          expect(parent.report().consumed.tokens).toBe(20);
          expect(parent.remaining('tokens')).toBe(80);
          expect(child.getProfile().budget).toEqual({ tokens: 30 });
        });

        it('is all or nothing: what the parent cannot pay, the child does not consume', async () => {
          const parent = await open({ profile: profile({ tokens: 100 }) });
          const child = parent.child({ tokens: 50 });
          expect(parent.consumeBudget('tokens', 70)).toBe(true);
          expect(child.remaining('tokens')).toBe(30);
          expect(child.consumeBudget('tokens', 40)).toBe(false);
          expect(child.report().consumed.tokens).toBe(0);
          expect(parent.report().consumed.tokens).toBe(70);
          expect(child.reserve('tokens', 31)).toBeNull();
          const reservation = child.reserve('tokens', 30)!;
          expect(parent.report().reserved.tokens).toBe(30);
          expect(parent.consumeBudget('tokens', 1)).toBe(false);
          reservation.commit(10);
          expect(parent.report().consumed.tokens).toBe(80);
          expect(child.report().consumed.tokens).toBe(10);
        });

        it('leaves the parent unlimited where the child is, and bounds an unlimited child by its parent', async () => {
          const parent = await open({ profile: profile({ cost: 1 }) });
          const child = parent.child({ tokens: 5 });
          expect(child.remaining('cost')).toBe(1);
          expect(child.consumeBudget('cost', 1.01)).toBe(false);
          expect(parent.remaining('tokens')).toBeNull();
          expect(child.remaining('tokens')).toBe(5);
          const grandchild = child.child({});
          expect(grandchild.consumeBudget('tokens', 5)).toBe(true);
          expect(parent.report().consumed.tokens).toBe(5);
          expect(child.hasRemaining('tokens')).toBe(false);
        });

        it("resets a child's use without refunding its parent; closing it keeps the parent's use", async () => {
          const parent = await open({ profile: profile({ tokens: 100 }) });
          const child = parent.child({ tokens: 10 });
          child.consumeBudget('tokens', 10);
          child.reset();
          expect(child.remaining('tokens')).toBe(10);
          expect(parent.report().consumed.tokens).toBe(10);
          child.consumeBudget('tokens', 4);
          const held = child.reserve('tokens', 3)!;
          await child.close();
          expect(parent.report()).toMatchObject({ consumed: { tokens: 14 }, reserved: { tokens: 3 } });
          expect(held.release('child closed').expired).toBe(false);
          refused(() => child.consumeBudget('tokens', 1), 'CLOSED');
        });

        it('refuses limits that are not limits', async () => {
          const parent = await open({});
          for (const limits of [
            { tokens: -1 },
            { cost: Number.NaN },
            { money: 1 },
            { tokens: Number.POSITIVE_INFINITY },
            null,
          ]) {
            refused(() => parent.child(limits as never));
          }
        });
      });

      group('alerts and periods', () => {
        it('emits each threshold once, when use crosses it', async () => {
          const provider = await open({
            profile: profile({ tokens: 100 }, { alerts: { tokens: [0.5, 0.8] } }),
          });
          const alerts: BudgetAlert[] = [];
          provider.onAlert((alert) => alerts.push(alert));
          provider.consumeBudget('tokens', 49);
          expect(alerts).toEqual([]);
          provider.consumeBudget('tokens', 1);
          expect(
            alerts.map((alert) => [alert.scope, alert.type, alert.threshold, alert.consumed, alert.limit]),
          ).toEqual([['root', 'tokens', 0.5, 50, 100]]);
          provider.reserve('tokens', 40)?.commit(40);
          provider.consumeBudget('tokens', 5);
          expect(alerts.map((alert) => alert.threshold)).toEqual([0.5, 0.8]);
          expect(provider.report().thresholds.tokens).toEqual([0.5, 0.8]);
          provider.reset();
          expect(provider.report().thresholds.tokens).toEqual([]);
          provider.consumeBudget('tokens', 60);
          expect(alerts.map((alert) => alert.threshold)).toEqual([0.5, 0.8, 0.5]);
        });

        it('stops emitting to a removed listener', async () => {
          const provider = await open({
            profile: profile({ iterations: 2 }, { alerts: { iterations: [0.5, 1] } }),
          });
          const seen: number[] = [];
          const remove = provider.onAlert((alert) => seen.push(alert.threshold));
          provider.consumeBudget('iterations', 1);
          remove();
          provider.consumeBudget('iterations', 1);
          expect(seen).toEqual([0.5]);
          expect(provider.report().thresholds.iterations).toEqual([0.5, 1]);
        });

        it('starts a new period at the calendar boundary: use and alerts reset, reservations stay', async () => {
          let clock = Date.UTC(2026, 0, 31, 23, 0);
          const provider = await open({
            profile: profile({ cost: 1 }, { alerts: { cost: [0.5] } }),
            now: () => clock,
            period: 'month',
            reservationTtlMs: 7_200_000,
          });
          const alerts: number[] = [];
          provider.onAlert((alert) => alerts.push(alert.at));
          provider.consumeBudget('cost', 0.6);
          const held = provider.reserve('cost', 0.3)!;
          expect(provider.report().period).toEqual({ kind: 'month', start: Date.UTC(2026, 0, 1) });
          clock = Date.UTC(2026, 1, 1, 0, 0);
          expect(provider.report()).toMatchObject({
            consumed: { cost: 0 },
            reserved: { cost: 0.3 },
            thresholds: { cost: [] },
            period: { kind: 'month', start: Date.UTC(2026, 1, 1) },
          });
          held.commit(0.3);
          provider.consumeBudget('cost', 0.2);
          expect(alerts).toEqual([Date.UTC(2026, 0, 31, 23, 0), Date.UTC(2026, 1, 1)]);
        });

        it('refuses a period that is not one', async () => {
          const error = await factory({ period: 'year' as 'day' }).then(
            () => null,
            (caught: unknown) => caught,
          );
          expect(isOmegaError(error, 'INVALID_ARGUMENT')).toBe(true);
        });
      });

      group('reset and report', () => {
        it('restores the initial budget; a reservation from before settles as expired', async () => {
          const provider = await open({ profile: profile({ tokens: 100 }) });
          provider.consumeBudget('tokens', 100);
          const held = provider.reserve('tokens', 0)!;
          provider.reset();
          expect(provider.remaining('tokens')).toBe(100);
          expect(provider.report().exceeded.tokens).toBe(false);
          expect(held.commit(5)).toEqual({ consumed: 5, overrun: 0, expired: true });
        });

        it('reports a snapshot: later use and changes to it alter nothing', async () => {
          const provider = await open({ profile: profile({ tokens: 100 }) });
          provider.consumeBudget('tokens', 10);
          const report = provider.report();
          const profileCopy = provider.getProfile();
          provider.consumeBudget('tokens', 10);
          expect(report.consumed.tokens).toBe(10);
          report.consumed.tokens = 99;
          report.limits.tokens = 1;
          profileCopy.budget.tokens = 1;
          profileCopy.caps.push('*');
          expect(provider.report().consumed.tokens).toBe(20);
          expect(provider.remaining('tokens')).toBe(80);
          expect(provider.checkCap('shell')).toBe(false);
        });
      });

      group('profiles', () => {
        it('uses pragmatic by default', async () => {
          expect(current().getProfile()).toEqual(PROFILES.pragmatic);
        });

        it("ships the lineage's profiles with finite budgets", async () => {
          for (const [key, shipped] of Object.entries(PROFILES)) {
            expect(shipped.name).toBe(key);
            for (const type of BUDGET_TYPES)
              expect(Number.isFinite(shipped.budget[type]), `${key} ${type}`).toBe(true);
            const provider = await open({ profile: shipped });
            expect(provider.getProfile()).toEqual(shipped);
            expect(provider.remainingAll()).toEqual(shipped.budget);
          }
        });

        it("grants the lineage's capabilities in both spellings", async () => {
          const pragmatic = await open({ profile: PROFILES.pragmatic });
          for (const cap of [
            'cap.eval',
            'eval',
            'cap.commit.rewrite',
            'commit.rewrite',
            'shell',
            'file.read',
            'file.write',
          ]) {
            expect(pragmatic.checkCap(cap), cap).toBe(true);
          }
          expect(pragmatic.checkCap('tool.read')).toBe(false);
          const airgap = await open({ profile: PROFILES.airgap });
          expect(airgap.checkCap('infer')).toBe(true);
          expect(airgap.checkCap('shell')).toBe(false);
          expect(airgap.consumeBudget('cost', 1e-9)).toBe(false);
        });

        it('refuses a profile whose capabilities are malformed, naming the pattern', async () => {
          const error = await factory({ profile: profile({}, { caps: ['eval', 'tool.*x'] }) }).then(
            () => null,
            (caught: unknown) => caught,
          );
          expect(isOmegaError(error, 'INVALID_ARGUMENT')).toBe(true);
          expect((error as { details: Record<string, unknown> }).details).toMatchObject({
            pattern: 'tool.*x',
            position: 5,
          });
        });
      });

      group('capabilities', () => {
        for (const { patterns, cap, allowed, why } of CAPABILITY_CASES) {
          it(`${JSON.stringify(patterns)} ${allowed ? 'grants' : 'does not grant'} ${cap} (${why})`, async () => {
            const provider = await open({ profile: profile({}, { caps: [...patterns] }) });
            expect(provider.checkCap(cap)).toBe(allowed);
          });
        }

        it('reports the granted and denied patterns apart', async () => {
          const provider = await open({ profile: profile({}, { caps: ['eval', '!shell', 'tool.*'] }) });
          expect(provider.getCaps()).toEqual({ granted: ['eval', 'tool.*'], denied: ['shell'] });
          refused(() => provider.checkCap('tool.*'));
        });
      });
    },
  );
}
