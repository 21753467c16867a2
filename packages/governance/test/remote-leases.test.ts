import { MemoryStore } from '@omega/core';
import { FilesystemStore } from '@omega/core/fs';
import { mulberry32, rejectionOf, thrownBy } from '@omega/core/testing';
import { tempDir } from '@omega/test-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GovernanceFront } from '../src/front.js';
import type { BudgetAlert, Profile } from '../src/index.js';
import { type LeaseRecord, LedgerSchema } from '../src/ledger.js';
import { RemoteGovernanceProvider, type RemoteGovernanceProviderOptions } from '../src/remote.js';

const LIMIT = 10_000;
const profile: Profile = { name: 'shared', caps: [], budget: { tokens: LIMIT } };
// The heartbeat is driven by hand (sync()) in these tests: an hour keeps the timer out of them.
const HOUR = 3_600_000;

describe('RemoteGovernanceProvider', () => {
  let store: MemoryStore;
  const opened: { close(): Promise<void> }[] = [];
  const client = async (options: Partial<RemoteGovernanceProviderOptions> = {}) => {
    const provider = new RemoteGovernanceProvider({
      store,
      budget: 'shared',
      profile,
      heartbeatMs: HOUR,
      ...options,
    });
    opened.push(provider);
    await provider.ready();
    return provider;
  };
  // The ledger as any synchronous provider of it sees it.
  const observer = (now?: () => number) => {
    const front = new GovernanceFront(store, { budget: 'shared', profile, ...(now ? { now } : {}) });
    opened.push(front);
    return front;
  };
  const leases = async () => {
    const stored = await store.documents(GovernanceFront.DOCUMENTS).read('shared');
    return LedgerSchema.parse(JSON.parse(stored!.body)).reservations.filter(
      (record): record is LeaseRecord => record.kind === 'lease',
    );
  };

  beforeEach(() => {
    store = new MemoryStore();
  });

  afterEach(async () => {
    for (const provider of opened.splice(0).reverse()) await provider.close();
    await store.close();
  });

  it('writes its lease to the ledger before any use: what it holds is spent for everyone else', async () => {
    const remote = await client({ leaseSize: 0.05 });
    const [lease] = await leases();
    expect(lease).toMatchObject({ kind: 'lease', type: 'tokens', amount: 500, reported: 0 });
    expect(observer().report()).toMatchObject({ consumed: { tokens: 0 }, reserved: { tokens: 500 } });
    expect(remote.remaining('tokens')).toBe(LIMIT);
    expect(remote.consumeBudget('tokens', 500)).toBe(true);
  });

  it('refuses at once what its lease cannot cover; consumeAsync waits for the refill', async () => {
    const remote = await client({ leaseSize: 0.05 });
    expect(remote.consumeBudget('tokens', 400)).toBe(true);
    expect(remote.consumeBudget('tokens', 200)).toBe(false);
    // Refused by the lease, not by the budget: nothing is exceeded.
    expect(remote.report().exceeded.tokens).toBe(false);
    expect(await remote.consumeAsync('tokens', 200)).toBe(true);
    await remote.sync();
    const [lease] = await leases();
    expect(lease!.reported).toBe(600);
    expect(observer().report().consumed.tokens).toBe(600);
    expect(remote.report().consumed.tokens).toBe(600);
    expect(await remote.consumeAsync('tokens', LIMIT)).toBe(false);
    expect(remote.report().exceeded.tokens).toBe(true);
    await remote.sync();
    expect(observer().report().exceeded.tokens).toBe(true);
  });

  it('reports what it consumed at every sync, and returns the rest on close', async () => {
    const remote = await client({ leaseSize: 0.05 });
    remote.consumeBudget('tokens', 30);
    const reservation = remote.reserve('tokens', 100)!;
    expect(reservation.commit(70)).toEqual({ consumed: 70, overrun: 0, expired: false });
    expect(remote.report()).toMatchObject({ consumed: { tokens: 100 }, reserved: { tokens: 0 } });
    await remote.sync();
    expect(observer().report()).toMatchObject({ consumed: { tokens: 100 }, reserved: { tokens: 500 } });
    remote.consumeBudget('tokens', 5);
    await remote.close();
    expect(await leases()).toEqual([]);
    expect(observer().report()).toMatchObject({
      consumed: { tokens: 105 },
      reserved: { tokens: 0 },
      remaining: { tokens: LIMIT - 105 },
      forfeited: { tokens: 0 },
    });
  });

  it('returns every lease on close, even with ready() in flight; a refill asked for while closing is refused', async () => {
    const early = new RemoteGovernanceProvider({ store, budget: 'shared', profile, heartbeatMs: HOUR });
    opened.push(early);
    const ready = early.ready();
    await early.close();
    await ready;
    expect(await leases()).toEqual([]);
    const remote = await client({ leaseSize: 0.05 });
    expect(remote.consumeBudget('tokens', 400)).toBe(true);
    const closing = remote.close();
    await rejectionOf(remote.consumeAsync('tokens', 200), 'CLOSED');
    await closing;
    expect(await leases()).toEqual([]);
    expect(observer().report()).toMatchObject({ consumed: { tokens: 400 }, reserved: { tokens: 0 } });
  });

  it('reports and renews in the background, on its heartbeat', async () => {
    const remote = await client({ leaseSize: 0.05, heartbeatMs: 10 });
    const [granted] = await leases();
    expect(remote.consumeBudget('tokens', 5)).toBe(true);
    // Polled, with a bound: the heartbeat runs on real timers.
    const deadline = Date.now() + 5_000;
    let [lease] = await leases();
    while (lease!.reported < 5 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      [lease] = await leases();
    }
    expect(lease).toMatchObject({ id: granted!.id, reported: 5 });
    expect(lease!.expiresAt).toBeGreaterThan(granted!.expiresAt);
  });

  it('loses its lease after the TTL without a sync: the unreported part stays spent, counted once', async () => {
    let clock = 1_000_000;
    const now = () => clock;
    const remote = await client({ leaseSize: 0.05, leaseTtlMs: 1_000, now });
    expect(remote.consumeBudget('tokens', 30)).toBe(true);
    clock += 1_000;
    const watcher = observer(now);
    expect(watcher.report()).toMatchObject({
      consumed: { tokens: 500 },
      reserved: { tokens: 0 },
      forfeited: { tokens: 500 },
    });
    // The client comes back: its 30 unreported tokens were inside the forfeited 500, not counted again.
    await remote.sync();
    expect(watcher.report()).toMatchObject({ consumed: { tokens: 500 }, reserved: { tokens: 500 } });
    expect(remote.report().consumed.tokens).toBe(500);
    await remote.close();
    expect(watcher.report()).toMatchObject({ consumed: { tokens: 500 }, remaining: { tokens: LIMIT - 500 } });
  });

  it('settles a reservation carved from a forfeited lease as expired, from its new lease', async () => {
    let clock = 0;
    const remote = await client({ leaseSize: 0.05, leaseTtlMs: 1_000, now: () => clock });
    const held = remote.reserve('tokens', 100)!;
    clock += 1_000;
    await remote.sync();
    expect(remote.report()).toMatchObject({ reserved: { tokens: 0 }, forfeited: { tokens: 500 } });
    expect(held.commit(30)).toEqual({ consumed: 30, overrun: 0, expired: true });
    await remote.close();
    expect(observer(() => clock).report()).toMatchObject({
      consumed: { tokens: 530 },
      reserved: { tokens: 0 },
    });
  });

  it('keeps its lease past the TTL while it syncs', async () => {
    let clock = 0;
    const remote = await client({ leaseSize: 0.05, leaseTtlMs: 1_000, now: () => clock });
    for (let step = 0; step < 5; step++) {
      clock += 900;
      await remote.sync();
    }
    expect(observer(() => clock).report()).toMatchObject({
      reserved: { tokens: 500 },
      forfeited: { tokens: 0 },
    });
  });

  it('shrinks leases as the pool drains: at exhaustion live leases strand at most 1% of the limit', async () => {
    const clients = await Promise.all(Array.from({ length: 4 }, () => client({ leaseSize: 0.05 })));
    const [drainer, ...idle] = clients;
    let consumed = 0;
    for (let round = 0; round < 10_000; round++) {
      if (!(await drainer!.consumeAsync('tokens', 7))) break;
      consumed += 7;
      if (round % 10 === 0) for (const other of idle) await other.sync();
    }
    // Once nothing is free, every live lease converges to its share of 1% within a few syncs.
    for (let round = 0; round < 10; round++) for (const each of clients) await each.sync();
    const held = (await leases()).reduce((sum, lease) => sum + lease.amount, 0);
    expect(held).toBeLessThanOrEqual(LIMIT / 100);
    expect(consumed).toBeGreaterThanOrEqual(LIMIT * 0.99 - 7);
    const report = observer().report();
    expect(report.consumed.tokens).toBe(consumed);
    expect(report.consumed.tokens + report.reserved.tokens + report.remaining.tokens!).toBe(LIMIT);
  });

  it('never overspends with two clients on one filesystem ledger (seeded)', async () => {
    const { dir, remove } = await tempDir('omega-governance-remote-');
    const disk = new FilesystemStore({ root: dir, durable: false });
    try {
      for (const seed of [1, 2, 3]) {
        const random = mulberry32(seed);
        const budget = `seed-${seed}`;
        const pair = [0, 1].map(
          () =>
            new RemoteGovernanceProvider({ store: disk, budget, profile, leaseSize: 0.1, heartbeatMs: HOUR }),
        );
        await Promise.all(pair.map((each) => each.ready()));
        let admitted = 0;
        for (let step = 0; step < 400; step++) {
          const each = pair[Math.floor(random() * 2)]!;
          const amount = 1 + Math.floor(random() * 60);
          const roll = random();
          if (roll < 0.4) {
            if (each.consumeBudget('tokens', amount)) admitted += amount;
          } else if (roll < 0.7) {
            if (await each.consumeAsync('tokens', amount)) admitted += amount;
          } else if (roll < 0.9) {
            const held = each.reserve('tokens', amount);
            if (held !== null) admitted += held.commit(Math.floor(random() * amount)).consumed;
          } else {
            await each.sync();
          }
        }
        for (const each of pair) await each.close();
        const ledger = new GovernanceFront(disk, { budget, profile });
        const report = ledger.report();
        await ledger.close();
        expect(report.consumed.tokens, `seed ${seed}`).toBeLessThanOrEqual(LIMIT);
        expect(report.consumed.tokens, `seed ${seed}`).toBe(admitted);
        expect(report.reserved.tokens, `seed ${seed}`).toBe(0);
      }
    } finally {
      await disk.close();
      await remove();
    }
  });

  it("resets the shared ledger at its next sync: another client's unreported use goes with it, nothing overspent or counted twice", async () => {
    const a = await client({ leaseSize: 0.05 });
    const b = await client({ leaseSize: 0.05 });
    const watcher = observer();
    expect(a.consumeBudget('tokens', 100)).toBe(true);
    await a.sync();
    expect(b.consumeBudget('tokens', 40)).toBe(true);
    const held = a.reserve('tokens', 50)!;
    expect(a.consumeBudget('tokens', 30)).toBe(true);
    expect(watcher.report()).toMatchObject({ consumed: { tokens: 100 }, reserved: { tokens: 1_000 } });
    a.reset();
    // At once: a sees the reset, its whole lease (500) held again, its local reservation gone.
    expect(a.report()).toMatchObject({
      consumed: { tokens: 0 },
      reserved: { tokens: 0 },
      exceeded: { tokens: false },
    });
    expect(a.remaining('tokens')).toBe(LIMIT);
    expect(held.commit(20)).toEqual({ consumed: 20, overrun: 0, expired: true });
    // Until the reset lands a consumes within the lease it held: 480 left of it, nothing more.
    expect(a.consumeBudget('tokens', 481)).toBe(false);
    expect(a.report().exceeded.tokens).toBe(false);
    expect(a.consumeBudget('tokens', 10)).toBe(true);
    expect(a.report().consumed.tokens).toBe(30);
    await a.sync();
    // The reset dropped every lease and all use; a's 30 since are the new period's first use, counted once,
    // settled before its new lease is taken.
    expect(watcher.report()).toMatchObject({ consumed: { tokens: 30 }, reserved: { tokens: 500 } });
    expect((await leases()).map((lease) => [lease.amount, lease.reported])).toEqual([[500, 0]]);
    // b consumes from the lease it still believes it holds: use from before it learns of the reset.
    expect(b.consumeBudget('tokens', 60)).toBe(true);
    await b.sync();
    expect(watcher.report()).toMatchObject({
      consumed: { tokens: 30 },
      reserved: { tokens: 1_000 },
      forfeited: { tokens: 0 },
    });
    expect(b.report().consumed.tokens).toBe(30);
    expect(b.remaining('tokens')).toBe(LIMIT - 30 - 500);
    expect(b.consumeBudget('tokens', 5)).toBe(true);
    await b.close();
    await a.close();
    expect(watcher.report()).toMatchObject({
      consumed: { tokens: 35 },
      reserved: { tokens: 0 },
      remaining: { tokens: LIMIT - 35 },
    });
  });

  it('writes a pending reset on close, with the use since; consumeAsync after a reset takes a new lease', async () => {
    const a = await client({ leaseSize: 0.05 });
    const watcher = observer();
    expect(a.consumeBudget('tokens', 400)).toBe(true);
    await a.sync();
    a.reset();
    // More than the lease it held: the sync that writes the reset grants it.
    expect(await a.consumeAsync('tokens', 600)).toBe(true);
    expect(a.report()).toMatchObject({ consumed: { tokens: 600 }, remaining: { tokens: LIMIT - 600 } });
    await a.sync();
    expect(watcher.report()).toMatchObject({ consumed: { tokens: 600 }, reserved: { tokens: 500 } });
    a.reset();
    expect(a.consumeBudget('tokens', 7)).toBe(true);
    await a.close();
    expect(watcher.report()).toMatchObject({ consumed: { tokens: 7 }, reserved: { tokens: 0 } });
    thrownBy(() => a.reset(), 'CLOSED');
  });

  it('keeps a reset pending when the sync writing it fails, with the use since; the next sync writes it', async () => {
    let failures = 0;
    // The store's document port, whose next `failures` writes fail.
    const faulty = new Proxy(store, {
      get(target, key) {
        if (key !== 'documents') return Reflect.get(target, key, target);
        return (spec: Parameters<MemoryStore['documents']>[0]) => {
          const port = target.documents(spec);
          return new Proxy(port, {
            get(inner, name) {
              if (name === 'write' && failures > 0) {
                failures -= 1;
                return async () => {
                  throw new Error('injected write failure');
                };
              }
              const value = Reflect.get(inner, name, inner);
              return typeof value === 'function' ? value.bind(inner) : value;
            },
          });
        };
      },
    });
    const a = await client({ store: faulty, leaseSize: 0.05 });
    const watcher = observer();
    expect(a.consumeBudget('tokens', 100)).toBe(true);
    await a.sync();
    // Both the sync reset() starts and the one sync() queues behind it fail; sync() then reports the first.
    failures = 2;
    a.reset();
    expect(a.consumeBudget('tokens', 10)).toBe(true);
    await expect(a.sync()).rejects.toThrow('injected write failure');
    await expect(a.sync()).rejects.toThrow('injected write failure');
    expect(watcher.report()).toMatchObject({ consumed: { tokens: 100 }, reserved: { tokens: 500 } });
    expect(a.report()).toMatchObject({ consumed: { tokens: 10 }, remaining: { tokens: LIMIT - 10 } });
    expect(a.consumeBudget('tokens', 491)).toBe(false);
    expect(a.consumeBudget('tokens', 490)).toBe(true);
    await a.sync();
    expect(watcher.report()).toMatchObject({ consumed: { tokens: 500 }, reserved: { tokens: 500 } });
    expect(a.report()).toMatchObject({ consumed: { tokens: 500 }, remaining: { tokens: LIMIT - 500 } });
  });

  it('emits a threshold at the local consume that crosses it, once per ledger: its mark is written at the next sync', async () => {
    const alerting: Profile = { ...profile, alerts: { tokens: [0.5] } };
    const seen: [string, number, number][] = [];
    const a = await client({ profile: alerting, leaseSize: 0.5 });
    const b = await client({ profile: alerting, leaseSize: 0.5 });
    a.onAlert((alert) => seen.push(['a', alert.threshold, alert.consumed]));
    b.onAlert((alert) => seen.push(['b', alert.threshold, alert.consumed]));
    expect(a.consumeBudget('tokens', 4_999)).toBe(true);
    expect(seen).toEqual([]);
    expect(a.consumeBudget('tokens', 1)).toBe(true);
    expect(seen).toEqual([['a', 0.5, 5_000]]);
    expect(a.report().thresholds.tokens).toEqual([0.5]);
    // b has not seen a's use: its own crosses nothing.
    expect(b.consumeBudget('tokens', 100)).toBe(true);
    await a.sync();
    await b.sync();
    // a's mark reached the ledger before b's use did: neither sync emits the threshold again.
    expect(b.report()).toMatchObject({ consumed: { tokens: 5_100 }, thresholds: { tokens: [0.5] } });
    expect(b.consumeBudget('tokens', 100)).toBe(true);
    await a.sync();
    expect(seen).toEqual([['a', 0.5, 5_000]]);
  });

  it('drops at a new period the use it had not reported, and consumes again from the lease that held it', async () => {
    let clock = Date.UTC(2026, 0, 31, 23, 0);
    const a = await client({ leaseSize: 0.05, period: 'month', now: () => clock });
    await a.sync();
    expect(a.consumeBudget('tokens', 300)).toBe(true);
    clock = Date.UTC(2026, 1, 1, 0, 0);
    expect(a.report()).toMatchObject({ consumed: { tokens: 0 }, period: { start: clock } });
    // The lease of 500 the ledger still holds is held again whole.
    expect(a.consumeBudget('tokens', 500)).toBe(true);
    expect(a.consumeBudget('tokens', 1)).toBe(false);
    await a.sync();
    const stored = await store.documents(GovernanceFront.DOCUMENTS).read('shared');
    const ledger = LedgerSchema.parse(JSON.parse(stored!.body));
    expect(ledger).toMatchObject({ periodStart: clock, scopes: { root: { used: { tokens: 500 } } } });
    expect(a.report().consumed.tokens).toBe(500);
  });

  it('needs ready() before its budget methods and child()', async () => {
    const remote = new RemoteGovernanceProvider({ store, budget: 'shared', profile, heartbeatMs: HOUR });
    opened.push(remote);
    expect(thrownBy(() => remote.consumeBudget('tokens', 1), 'CONFLICT').details).toMatchObject({
      method: 'consumeBudget',
    });
    await rejectionOf(remote.sync(), 'CONFLICT');
    expect(remote.checkCap('eval')).toBe(false);
    thrownBy(() => remote.reset(), 'CONFLICT');
    thrownBy(() => remote.child({ tokens: 1 }), 'CONFLICT');
    thrownBy(() => new RemoteGovernanceProvider({ store, leaseSize: 2 }), 'INVALID_ARGUMENT');
    thrownBy(() => new RemoteGovernanceProvider({ store, leaseTtlMs: 0 }), 'INVALID_ARGUMENT');
  });

  it("pays a child's use from its lease: the ledger sees it as the client's, and other clients not at all", async () => {
    const alerts: BudgetAlert[] = [];
    const a = await client({ leaseSize: 0.05, profile: { ...profile, alerts: { tokens: [0.1] } } });
    a.onAlert((alert) => alerts.push(alert));
    const child = a.child({ tokens: 1_000 });
    const grandchild = child.child({});
    expect(grandchild.consumeBudget('tokens', 150)).toBe(true);
    expect(alerts).toEqual([
      expect.objectContaining({ type: 'tokens', threshold: 0.1, consumed: 150, limit: 1_000 }),
    ]);
    expect(alerts[0]!.scope).not.toBe('root');
    const held = child.reserve('tokens', 50)!;
    expect(a.report()).toMatchObject({ consumed: { tokens: 150 }, reserved: { tokens: 50 } });
    // The lease (500, of which 300 left) bounds the child, not the ledger's free 9,500 or the child's 800.
    expect(child.consumeBudget('tokens', 301)).toBe(false);
    expect(child.report()).toMatchObject({ consumed: { tokens: 150 }, exceeded: { tokens: false } });
    expect(held.commit(20)).toEqual({ consumed: 20, overrun: 0, expired: false });
    await a.sync();
    const b = await client({ adoptLimits: true });
    expect(b.report().consumed.tokens).toBe(170);
    await child.close();
    expect(a.report().consumed.tokens).toBe(170);
    expect(grandchild.consumeBudget('tokens', 1)).toBe(true);
    thrownBy(() => child.consumeBudget('tokens', 1), 'CLOSED');
  });

  it('counts a child refused by the whole budget as the client exceeded, and one refused by its own limit not', async () => {
    const a = await client({ leaseSize: 1 });
    const child = a.child({ tokens: 20 });
    expect(child.consumeBudget('tokens', 21)).toBe(false);
    expect(a.report().exceeded.tokens).toBe(false);
    expect(a.consumeBudget('tokens', LIMIT - 10)).toBe(true);
    expect(child.consumeBudget('tokens', 11)).toBe(false);
    expect(a.report().exceeded.tokens).toBe(true);
    expect(child.report()).toMatchObject({ exceeded: { tokens: true }, remaining: { tokens: 10 } });
  });

  it("drops its children's use and reservations at reset(), and refuses them once closed", async () => {
    const a = await client({ leaseSize: 1 });
    const child = a.child({ tokens: 100 });
    child.consumeBudget('tokens', 60);
    const held = child.reserve('tokens', 30)!;
    expect(a.report()).toMatchObject({ consumed: { tokens: 60 }, reserved: { tokens: 30 } });
    a.reset();
    expect(child.report()).toMatchObject({
      consumed: { tokens: 0 },
      reserved: { tokens: 0 },
      remaining: { tokens: 100 },
    });
    expect(a.report()).toMatchObject({
      consumed: { tokens: 0 },
      reserved: { tokens: 0 },
      remaining: { tokens: LIMIT },
    });
    expect(held.commit(5)).toEqual({ consumed: 5, overrun: 0, expired: true });
    expect(a.report().consumed.tokens).toBe(5);
    await a.close();
    thrownBy(() => child.consumeBudget('tokens', 1), 'CLOSED');
    thrownBy(() => child.child({}), 'CLOSED');
  });

  it('shares keyed commits through the ledger: written at the next sync, seen by other clients after theirs', async () => {
    const a = await client({ leaseSize: 0.05 });
    const b = await client({ leaseSize: 0.05 });
    const watcher = observer();
    const commit = (provider: { reserve: RemoteGovernanceProvider['reserve'] }, key: string) =>
      provider.reserve('tokens', 10)!.commit(10, { key });
    expect(commit(a, 'k1').duplicate).toBe(false);
    expect(commit(a, 'k1').duplicate).toBe(true);
    // Until a syncs, neither the ledger nor b knows k1: a commit of it elsewhere charges again.
    expect(commit(b, 'k1').duplicate).toBe(false);
    expect(commit(a, 'k2').duplicate).toBe(false);
    await a.sync();
    await b.sync();
    expect(commit(b, 'k2').duplicate).toBe(true);
    expect(commit(watcher, 'k2').duplicate).toBe(true);
    expect(commit(watcher, 'k3').duplicate).toBe(false);
    await a.sync();
    expect(commit(a, 'k3').duplicate).toBe(true);
    // A closing client writes its keys with its last report; a new client reads them at ready().
    expect(commit(a, 'k4').duplicate).toBe(false);
    await a.close();
    const c = await client({ leaseSize: 0.05 });
    expect(commit(c, 'k4').duplicate).toBe(true);
    await b.sync();
    await c.sync();
    // k1 twice (a before its sync, b), k2, k3 and k4 once.
    expect(watcher.report().consumed.tokens).toBe(50);
  });

  it('keeps the keys a sync is writing known while it writes, and again when the write fails', async () => {
    let failures = 0;
    let gate: Promise<void> | null = null;
    let writing: () => void = () => undefined;
    // The store's document port, whose writes wait for `gate` when set and whose next `failures` fail.
    const faulty = new Proxy(store, {
      get(target, key) {
        if (key !== 'documents') return Reflect.get(target, key, target);
        return (spec: Parameters<MemoryStore['documents']>[0]) => {
          const port = target.documents(spec);
          return new Proxy(port, {
            get(inner, name) {
              const value = Reflect.get(inner, name, inner);
              if (name !== 'write') return typeof value === 'function' ? value.bind(inner) : value;
              return async (...args: Parameters<typeof port.write>) => {
                writing();
                if (gate !== null) await gate;
                if (failures > 0) {
                  failures -= 1;
                  throw new Error('injected write failure');
                }
                return inner.write(...args);
              };
            },
          });
        };
      },
    });
    const a = await client({ store: faulty, leaseSize: 0.05 });
    const watcher = observer();
    expect(a.reserve('tokens', 5)!.commit(5, { key: 'in-flight' }).duplicate).toBe(false);
    let open: () => void = () => undefined;
    gate = new Promise((resolve) => {
      open = resolve;
    });
    const started = new Promise<void>((resolve) => {
      writing = resolve;
    });
    const sync = a.sync();
    await started;
    expect(a.reserve('tokens', 5)!.commit(5, { key: 'in-flight' }).duplicate).toBe(true);
    failures = 1;
    open();
    await expect(sync).rejects.toThrow('injected write failure');
    gate = null;
    expect(a.reserve('tokens', 5)!.commit(5, { key: 'in-flight' }).duplicate).toBe(true);
    expect(watcher.reserve('tokens', 5)!.commit(5, { key: 'in-flight' }).duplicate).toBe(false);
    await a.sync();
    expect(watcher.reserve('tokens', 5)!.commit(5, { key: 'in-flight' }).duplicate).toBe(true);
    expect(watcher.report().consumed.tokens).toBe(10);
  });

  it('opens a ledger written before leases existed (no forfeited counts), and refuses other limits', async () => {
    const { dir, remove } = await tempDir('omega-governance-remote-');
    // A filesystem store, whose reads are validated: a memory store only holds what this version wrote.
    const disk = new FilesystemStore({ root: dir, durable: false });
    try {
      const before = new GovernanceFront(disk, { budget: 'shared', profile });
      before.consumeBudget('tokens', 3);
      await before.close();
      const documents = disk.documentsSync(GovernanceFront.DOCUMENTS);
      const stored = documents.read('shared')!;
      const body = JSON.parse(stored.body);
      delete body.scopes.root.forfeited;
      delete body.settledKeys;
      documents.write('shared', stored.header, JSON.stringify(body));
      const remote = new RemoteGovernanceProvider({
        store: disk,
        budget: 'shared',
        profile,
        heartbeatMs: HOUR,
      });
      await remote.ready();
      expect(remote.report()).toMatchObject({ consumed: { tokens: 3 }, forfeited: { tokens: 0 } });
      await remote.close();
      const other = new RemoteGovernanceProvider({
        store: disk,
        budget: 'shared',
        profile: { ...profile, budget: { tokens: 1 } },
      });
      await rejectionOf(other.ready(), 'CONFLICT');
      await other.close();
    } finally {
      await disk.close();
      await remove();
    }
  });
});
