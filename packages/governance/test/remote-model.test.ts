import { MemoryStore } from '@omega/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GovernanceFront } from '../src/front.js';
import type { GovernanceProvider, Reservation, Settlement } from '../src/index.js';
import { LocalGovernanceProvider } from '../src/memory.js';
import { RemoteGovernanceProvider } from '../src/remote.js';

/*
 * Model-based tests of the remote client. A single client leasing the whole pool must agree with the
 * local provider (the reference) on every result and on the report of every scope over random sequences
 * of consume, reserve, commit, release, child, reset, owner death, clock advances (reservation expiry) and
 * the alert thresholds these cross. Several clients with small leases cannot agree
 * with it step by step (a consume the lease cannot cover is refused at once), so for them the properties
 * are the ledger's: after every step each client's report adds up to the limit, the ledger never passes
 * it, and at the end every admitted token is in the ledger once (or inside a forfeited lease).
 */

const LIMIT = 200;
const HOUR = 3_600_000;
const profile = { name: 'model', caps: [], budget: { tokens: LIMIT } };

type Op =
  | { kind: 'consume' | 'reserve'; client: number; amount: number }
  | { kind: 'commit'; handle: number; actual: number }
  | { kind: 'release'; handle: number }
  | { kind: 'advance'; ms: number }
  | { kind: 'sync'; client: number }
  | { kind: 'child'; client: number; tokens: number | null }
  | { kind: 'reset'; client: number }
  | { kind: 'kill' };

/**
 * Random sequences over `clients` clients; `scoped`: `client` indexes the scopes (the client and the
 * children made so far, modulo their count), children are made and reset, and the owner dies.
 */
const ops = (clients: number, scoped = false): fc.Arbitrary<Op[]> => {
  const client = fc.nat(scoped ? 5 : clients - 1);
  const handle = fc.nat(scoped ? 9 : 5);
  const scopes: fc.WeightedArbitrary<Op>[] = [
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('child' as const),
        client,
        tokens: fc.option(fc.nat(120), { nil: null }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('reset' as const), client }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('kill' as const) }) },
  ];
  return fc.array(
    fc.oneof(
      ...(scoped ? scopes : []),
      {
        weight: 4,
        arbitrary: fc.record({
          kind: fc.constantFrom('consume' as const, 'reserve' as const),
          client,
          amount: fc.nat(30),
        }),
      },
      {
        weight: 3,
        arbitrary: fc.record({ kind: fc.constant('commit' as const), handle, actual: fc.nat(40) }),
      },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('release' as const), handle }) },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant('advance' as const),
          ms: fc.integer({ min: 1, max: 1_000 }),
        }),
      },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('sync' as const), client }) },
    ),
    { minLength: scoped ? 20 : 1, maxLength: 60 },
  );
};

/** One step on `providers`: its result, as comparable data, and the tokens it admitted. */
function step(op: Op, providers: GovernanceProvider[], handles: (Reservation | null)[]): [unknown, number] {
  const at = (client: number) => providers[client % providers.length]!;
  if (op.kind === 'consume') {
    const done = at(op.client).consumeBudget('tokens', op.amount);
    return [done, done ? op.amount : 0];
  }
  if (op.kind === 'child') {
    providers.push(at(op.client).child({ tokens: op.tokens }));
    return [true, 0];
  }
  if (op.kind === 'reset') {
    at(op.client).reset();
    return [true, 0];
  }
  if (op.kind === 'reserve') {
    const held = at(op.client).reserve('tokens', op.amount);
    handles.push(held);
    return [held === null ? null : held.amount, 0];
  }
  if (op.kind === 'commit' || op.kind === 'release') {
    const held = handles[op.handle];
    if (held === undefined || held === null) return ['none', 0];
    handles[op.handle] = null;
    const settled: Settlement = op.kind === 'commit' ? held.commit(op.actual) : held.release('model');
    return [settled, settled.consumed];
  }
  return [undefined, 0];
}

describe('RemoteGovernanceProvider against models', () => {
  it('a single client leasing the whole pool agrees with the local provider on every step (seeded)', async () => {
    const coverage = new Set<string>();
    await fc.assert(
      fc.asyncProperty(ops(1, true), async (sequence) => {
        let clock = 1_000_000;
        let dead = false;
        const options = {
          profile: { ...profile, alerts: { tokens: [0.25, 0.5, 0.9] } },
          now: () => clock,
          reservationTtlMs: 1_000,
          ownerState: () => (dead ? ('dead' as const) : ('alive' as const)),
        };
        const store = new MemoryStore();
        const reference = new LocalGovernanceProvider(options);
        const remote = new RemoteGovernanceProvider({
          store,
          budget: 'model',
          ...options,
          leaseSize: 1,
          leaseTtlMs: HOUR,
          heartbeatMs: HOUR,
        });
        await remote.ready();
        // The alerts each emitted, the scope named only as the client's own or a child's.
        const alerts: [unknown[], unknown[]] = [[], []];
        for (const [k, provider] of [reference, remote].entries()) {
          provider.onAlert(({ scope, type, threshold, consumed, limit }) => {
            alerts[k]!.push({ root: scope === 'root', type, threshold, consumed, limit });
          });
        }
        const handles: [(Reservation | null)[], (Reservation | null)[]] = [[], []];
        // The client and its children, made in the same order on both.
        const scopes: [GovernanceProvider[], GovernanceProvider[]] = [[reference], [remote]];
        try {
          for (const op of sequence) {
            if (op.kind === 'advance') clock += op.ms;
            else if (op.kind === 'kill') dead = true;
            // A dead client's lease is forfeited by the ledger at its next sync (the local provider has
            // none to lose), so the comparison stops syncing there; nothing else waits.
            else if (op.kind === 'sync' && !dead) await remote.sync();
            const [expected] = step(op, scopes[0], handles[0]);
            const [actual] = step(op, scopes[1], handles[1]);
            expect(actual, JSON.stringify(op)).toEqual(expected);
            coverage.add(op.kind);
            for (const [index, scope] of scopes[1].entries()) {
              const report = { ...scopes[0][index]!.report(), forfeited: undefined };
              const where = `${JSON.stringify(op)}, scope ${index}`;
              expect({ ...scope.report(), forfeited: undefined }, where).toEqual(report);
              if (report.thresholds.tokens.length > 0) coverage.add('alerted');
              if (report.expired.tokens > 0) coverage.add('expired');
            }
            // The same alerts; within one operation, a chain's may come in another order.
            const sorted = (list: unknown[]) => list.map((alert) => JSON.stringify(alert)).sort();
            expect(sorted(alerts[1]), JSON.stringify(op)).toEqual(sorted(alerts[0]));
          }
        } finally {
          await remote.close();
          await reference.close();
          await store.close();
        }
      }),
      { seed: 15, numRuns: 100 },
    );
    const kinds = ['consume', 'reserve', 'commit', 'release', 'child', 'reset', 'advance', 'sync', 'kill'];
    for (const kind of [...kinds, 'alerted', 'expired']) expect(coverage, kind).toContain(kind);
  });

  it('several clients with small leases: reports add up, the ledger never overspends, nothing counts twice (seeded)', async () => {
    const CLIENTS = 3;
    let forfeits = 0;
    let refusals = 0;
    await fc.assert(
      fc.asyncProperty(ops(CLIENTS), async (sequence) => {
        let clock = 1_000_000;
        const now = () => clock;
        const store = new MemoryStore();
        const clients = Array.from(
          { length: CLIENTS },
          () =>
            new RemoteGovernanceProvider({
              store,
              budget: 'model',
              profile,
              now,
              leaseSize: 0.1,
              leaseTtlMs: 800,
              heartbeatMs: HOUR,
            }),
        );
        const observer = new GovernanceFront(store, { budget: 'model', profile, now });
        for (const client of clients) await client.ready();
        const handles: (Reservation | null)[] = [];
        let total = 0;
        try {
          for (const op of sequence) {
            if (op.kind === 'advance') clock += op.ms;
            else if (op.kind === 'sync') await clients[op.client]!.sync();
            const [result, admitted] = step(op, clients, handles);
            total += admitted;
            if (result === false || result === null) refusals++;
            for (const client of clients) {
              const report = client.report();
              expect(report.consumed.tokens + report.reserved.tokens + report.remaining.tokens!).toBe(LIMIT);
            }
            const ledger = observer.report();
            expect(ledger.consumed.tokens + ledger.reserved.tokens).toBeLessThanOrEqual(LIMIT);
          }
          for (const client of clients) await client.close();
          const ledger = observer.report();
          if (ledger.forfeited.tokens > 0) forfeits++;
          expect(ledger.reserved.tokens).toBe(0);
          // Reported use is admitted use, once; what a forfeited lease held may hide some of it, never more.
          expect(ledger.consumed.tokens).toBeGreaterThanOrEqual(total);
          expect(ledger.consumed.tokens).toBeLessThanOrEqual(total + ledger.forfeited.tokens);
          if (ledger.forfeited.tokens === 0) expect(ledger.consumed.tokens).toBe(total);
        } finally {
          for (const client of clients) await client.close();
          await observer.close();
          await store.close();
        }
      }),
      { seed: 15, numRuns: 100 },
    );
    // The sequences really reach the cases: leases forfeited at their TTL, and consumes refused.
    expect(forfeits).toBeGreaterThan(5);
    expect(refusals).toBeGreaterThan(50);
  });
});
