import { MemoryStore } from '@omega/core';
import { tempDir } from '@omega/test-kit';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FilesystemGovernanceProvider } from '../src/filesystem.js';
import { GovernanceFront, type GovernanceFrontOptions } from '../src/front.js';
import type { BudgetReport, GovernanceProvider, Reservation, Settlement } from '../src/index.js';

/*
 * Model-based test: random sequences of consume, reserve, commit, release, child, reset, clock advances
 * (reservation expiry) and owner death, run by two owners over one ledger, on each backend and on a small
 * reference model; after every step, every result and every scope's report must agree. Amounts are
 * whole tokens and whole nano-dollars, so the model needs no rounding of its own.
 */

type Type = 'tokens' | 'cost';
const TYPES: readonly Type[] = ['tokens', 'cost'];
const TTL_MS = 1_000;
const ROOT_LIMITS = { tokens: 60, cost: 60 };
const ALERTS = { tokens: [0.5, 0.9], cost: [0.5] };

type Op =
  | { kind: 'consume' | 'reserve'; owner: number; scope: number; type: Type; amount: number }
  | { kind: 'commit'; handle: number; actual: number }
  | { kind: 'release'; handle: number }
  | { kind: 'child'; owner: number; scope: number; tokens: number | null; cost: number | null }
  | { kind: 'reset'; owner: number; scope: number }
  | { kind: 'advance'; ms: number }
  | { kind: 'kill'; owner: number };

const owner = fc.nat(1);
const scope = fc.nat(4);
const type = fc.constantFrom<Type>(...TYPES);
const amount = fc.nat(40);
const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constantFrom('consume' as const, 'reserve' as const),
      owner,
      scope,
      type,
      amount,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('commit' as const), handle: fc.nat(9), actual: fc.nat(80) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('release' as const), handle: fc.nat(9) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('child' as const),
      owner,
      scope,
      tokens: fc.option(fc.nat(60), { nil: null }),
      cost: fc.option(fc.nat(60), { nil: null }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reset' as const), owner, scope }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 700 }) }),
  },
  // Owner 1 dies; owner 0 lives on, so that what follows a death is exercised too.
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('kill' as const), owner: fc.constant(1) }) },
);

const usd = (nano: number) => Number(`${nano}e-9`);
const amountOf = (t: Type, units: number) => (t === 'cost' ? usd(units) : units);

// ─── The reference model ───

interface ModelScope {
  parent: number | null;
  creator: number;
  limits: Record<Type, number | null>;
  used: Record<Type, number>;
  overruns: Record<Type, number>;
  expired: Record<Type, number>;
  refused: Record<Type, boolean>;
  alerted: Record<Type, number[]>;
}

interface ModelReservation {
  scope: number;
  type: Type;
  amount: number;
  owner: number;
  expiresAt: number;
  live: boolean;
  settled: boolean;
}

class Model {
  scopes: ModelScope[] = [this.scope(null, 0, ROOT_LIMITS)];
  reservations: ModelReservation[] = [];
  dead = new Set<number>();
  clock = 0;

  scope(parent: number | null, creator: number, limits: Record<Type, number | null>): ModelScope {
    return {
      parent,
      creator,
      limits: { ...limits },
      used: { tokens: 0, cost: 0 },
      overruns: { tokens: 0, cost: 0 },
      expired: { tokens: 0, cost: 0 },
      refused: { tokens: false, cost: false },
      alerted: { tokens: [], cost: [] },
    };
  }

  chain(index: number): ModelScope[] {
    const chain: ModelScope[] = [];
    for (let at: number | null = index; at !== null; at = this.scopes[at]!.parent)
      chain.push(this.scopes[at]!);
    return chain;
  }

  reserved(target: ModelScope, t: Type): number {
    let sum = 0;
    for (const r of this.reservations)
      if (r.live && r.type === t && this.chain(r.scope).includes(target)) sum += r.amount;
    return sum;
  }

  left(chain: ModelScope[], t: Type): number {
    let least = Number.POSITIVE_INFINITY;
    for (const s of chain) {
      const limit = s.limits[t];
      if (limit !== null) least = Math.min(least, Math.max(0, limit - s.used[t] - this.reserved(s, t)));
    }
    return least;
  }

  sweep(): void {
    for (const r of this.reservations) {
      if (!r.live || (r.expiresAt > this.clock && !this.dead.has(r.owner))) continue;
      r.live = false;
      for (const s of this.chain(r.scope)) s.expired[r.type] += r.amount;
    }
  }

  refuse(chain: ModelScope[], t: Type, units: number): void {
    for (const s of chain) if (units > this.left([s], t)) s.refused[t] = true;
  }

  alert(chain: ModelScope[], t: Type): void {
    for (const s of chain) {
      const limit = s.limits[t];
      if (limit === null || limit === 0) continue;
      for (const threshold of ALERTS[t]) {
        if (s.used[t] >= threshold * limit && !s.alerted[t].includes(threshold)) s.alerted[t].push(threshold);
      }
    }
  }

  consume(index: number, t: Type, units: number): boolean {
    const chain = this.chain(index);
    if (units > this.left(chain, t)) {
      this.refuse(chain, t, units);
      return false;
    }
    for (const s of chain) s.used[t] += units;
    this.alert(chain, t);
    return true;
  }

  reserve(index: number, t: Type, units: number, who: number): number | null {
    const chain = this.chain(index);
    if (units > this.left(chain, t)) {
      this.refuse(chain, t, units);
      return null;
    }
    this.reservations.push({
      scope: index,
      type: t,
      amount: units,
      owner: who,
      expiresAt: this.clock + TTL_MS,
      live: true,
      settled: false,
    });
    return this.reservations.length - 1;
  }

  settle(handle: number, actual: number | null): Settlement {
    const r = this.reservations[handle]!;
    const expired = !r.live;
    r.live = false;
    r.settled = true;
    if (actual === null) return { consumed: 0, overrun: 0, expired };
    const chain = this.chain(r.scope);
    const fits = Math.min(actual, this.left(chain, r.type));
    const overrun = actual - fits;
    for (const s of chain) {
      s.used[r.type] += fits;
      if (overrun > 0) {
        s.overruns[r.type] += overrun;
        s.refused[r.type] = true;
      }
    }
    this.alert(chain, r.type);
    return { consumed: amountOf(r.type, fits), overrun: amountOf(r.type, overrun), expired };
  }

  reset(index: number): void {
    const inside = (at: number) => this.chain(at).includes(this.scopes[index]!);
    this.scopes.forEach((s, at) => {
      if (!inside(at)) return;
      Object.assign(s, this.scope(s.parent, s.creator, s.limits), { creator: s.creator });
    });
    for (const r of this.reservations) if (inside(r.scope)) r.live = false;
  }

  report(index: number): Partial<BudgetReport> {
    const chain = this.chain(index);
    const s = chain[0]!;
    const pick = <T>(f: (t: Type) => T) => ({ tokens: f('tokens'), cost: f('cost') });
    return {
      consumed: { ...pick((t) => amountOf(t, s.used[t])), time: 0, iterations: 0 },
      reserved: { ...pick((t) => amountOf(t, this.reserved(s, t))), time: 0, iterations: 0 },
      remaining: {
        ...pick((t) => {
          const left = this.left(chain, t);
          return left === Number.POSITIVE_INFINITY ? null : amountOf(t, left);
        }),
        time: null,
        iterations: null,
      },
      overruns: { ...pick((t) => amountOf(t, s.overruns[t])), time: 0, iterations: 0 },
      expired: { ...pick((t) => amountOf(t, s.expired[t])), time: 0, iterations: 0 },
      exceeded: { ...pick((t) => s.refused[t]), time: false, iterations: false },
      thresholds: { ...pick((t) => [...s.alerted[t]].sort((a, b) => a - b)), time: [], iterations: [] },
    };
  }
}

// ─── The system under test: two owners' fronts over one ledger ───

interface System {
  roots: GovernanceProvider[];
  close(): Promise<void>;
}

type Open = (options: GovernanceFrontOptions, run: number) => Promise<System>;

const OWNERS = [0, 1].map((k) => ({
  pid: 4_100_000 + k,
  start: '1',
  pidNs: '',
  timeNs: '',
  boot: '',
  host: '',
}));

/** Steps run (not skipped), by kind of operation: the test asserts every kind ran. */
type Coverage = Map<string, number>;

async function check(open: Open, ops: Op[], run: number, coverage: Coverage): Promise<void> {
  const model = new Model();
  const options = (k: number): GovernanceFrontOptions => ({
    profile: {
      name: 'model',
      caps: [],
      budget: { tokens: ROOT_LIMITS.tokens, cost: usd(ROOT_LIMITS.cost) },
      alerts: ALERTS,
    },
    now: () => model.clock,
    reservationTtlMs: TTL_MS,
    owner: OWNERS[k],
    ownerState: (who) => (model.dead.has(who.pid - 4_100_000) ? 'dead' : 'alive'),
  });
  const systems = await Promise.all([0, 1].map((k) => open(options(k), run)));
  const scopes: GovernanceProvider[] = [systems[0]!.roots[0]!];
  const scopeOf = (index: number, who: number) => (index === 0 ? systems[who]!.roots[0]! : scopes[index]!);
  const handles: Reservation[] = [];
  try {
    for (const [step, op] of ops.entries()) {
      const where = `step ${step}: ${JSON.stringify(op)}`;
      let expected: unknown;
      let actual: unknown;
      if (op.kind === 'advance') {
        model.clock += op.ms;
        coverage.set('advance', (coverage.get('advance') ?? 0) + 1);
        continue;
      }
      if (op.kind === 'kill') {
        model.dead.add(op.owner);
        coverage.set('kill', (coverage.get('kill') ?? 0) + 1);
        continue;
      }
      if (op.kind === 'commit' || op.kind === 'release') {
        if (handles.length === 0) continue;
        const at = op.handle % handles.length;
        const r = model.reservations[at]!;
        if (model.dead.has(r.owner)) continue;
        if (r.settled) {
          expect(
            () => (op.kind === 'commit' ? handles[at]!.commit(1) : handles[at]!.release('again')),
            where,
          ).toThrow();
          continue;
        }
        model.sweep();
        const units = op.kind === 'commit' ? amountOf(r.type, op.actual) : null;
        expected = model.settle(at, op.kind === 'commit' ? op.actual : null);
        actual = units === null ? handles[at]!.release('model') : handles[at]!.commit(units);
      } else {
        const index = op.scope % model.scopes.length;
        const who = index === 0 ? op.owner : model.scopes[index]!.creator;
        if (model.dead.has(who)) continue;
        const provider = scopeOf(index, who);
        model.sweep();
        if (op.kind === 'consume') {
          expected = model.consume(index, op.type, op.amount);
          actual = provider.consumeBudget(op.type, amountOf(op.type, op.amount));
        } else if (op.kind === 'reserve') {
          const handle = model.reserve(index, op.type, op.amount, who);
          const reservation = provider.reserve(op.type, amountOf(op.type, op.amount));
          expected = handle !== null;
          actual = reservation !== null;
          if (reservation !== null) handles.push(reservation);
        } else if (op.kind === 'child') {
          model.scopes.push(
            model.scope(index, who, { tokens: op.tokens, cost: op.cost === null ? null : op.cost }),
          );
          scopes.push(provider.child({ tokens: op.tokens, cost: op.cost === null ? null : usd(op.cost) }));
          expected = actual = true;
        } else {
          model.reset(index);
          provider.reset();
          expected = actual = true;
        }
      }
      expect(actual, where).toEqual(expected);
      const kind =
        op.kind === 'commit' && (expected as Settlement).overrun > 0 ? 'commit with overrun' : op.kind;
      coverage.set(kind, (coverage.get(kind) ?? 0) + 1);
      model.sweep();
      const root = model.scopes[0]!;
      if (root.expired.tokens + root.expired.cost > 0)
        coverage.set('expired', (coverage.get('expired') ?? 0) + 1);
      if (root.alerted.tokens.length + root.alerted.cost.length > 0) {
        coverage.set('alerted', (coverage.get('alerted') ?? 0) + 1);
      }
      for (let index = 0; index < model.scopes.length; index++) {
        const report = scopeOf(index, model.scopes[index]!.creator).report();
        expect(report, `${where}, scope ${index}`).toMatchObject(model.report(index));
      }
    }
  } finally {
    for (const system of systems) await system.close();
  }
}

describe('governance backends against a reference model', () => {
  let dir = '';
  let remove: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    ({ dir, remove } = await tempDir('omega-governance-model-'));
  });
  afterAll(async () => remove());

  const store = new MemoryStore();
  const backends: Array<[string, Open, number]> = [
    [
      'local (fronts over one memory store)',
      async (options, run) => {
        const front = new GovernanceFront(store, { ...options, budget: `run-${run}` });
        return { roots: [front], close: () => front.close() };
      },
      150,
    ],
    [
      'filesystem (two providers over one ledger)',
      async (options, run) => {
        const provider = new FilesystemGovernanceProvider({
          root: dir,
          budget: `run-${run}`,
          durable: false,
          ...options,
        });
        return { roots: [provider], close: () => provider.close() };
      },
      40,
    ],
  ];

  for (const [name, open, numRuns] of backends) {
    it(`${name} agrees with the model on every step (seeded)`, async () => {
      let run = 0;
      const coverage: Coverage = new Map();
      await fc.assert(
        fc.asyncProperty(fc.array(opArbitrary, { minLength: 15, maxLength: 40 }), (ops) =>
          check(open, ops, run++, coverage),
        ),
        { seed: 15, numRuns },
      );
      const kinds = [
        ...[
          'consume',
          'reserve',
          'commit',
          'commit with overrun',
          'release',
          'child',
          'reset',
          'advance',
          'kill',
        ],
        // Steps after which something had expired (or died) and a threshold had been crossed.
        ...['expired', 'alerted'],
      ];
      for (const kind of kinds) expect(coverage.get(kind) ?? 0, kind).toBeGreaterThan(numRuns / 10);
    }, 60_000);
  }
});
