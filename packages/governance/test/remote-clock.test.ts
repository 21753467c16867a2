import { MemoryStore } from '@omega/core';
import { rejectionOf } from '@omega/core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GovernanceFront } from '../src/front.js';
import type { Profile } from '../src/index.js';
import { type LeaseRecord, LedgerSchema } from '../src/ledger.js';
import { RemoteGovernanceProvider, type RemoteGovernanceProviderOptions } from '../src/remote.js';

const LIMIT = 10_000;
const profile: Profile = { name: 'shared', caps: [], budget: { tokens: LIMIT } };
const HOUR = 3_600_000;
/** This process's clock at the start of every test (faked: only Date, the timers stay real). */
const PROCESS_START = Date.UTC(2026, 0, 1);
/** The store's clock at the start: six hours ahead of this process's. */
const STORE_START = PROCESS_START + 6 * HOUR;

/** A memory store with a clock of its own, as a database server has: set by the test, its reads counted. */
class ClockedStore extends MemoryStore {
  time = STORE_START;
  reads = 0;
  async now(): Promise<number> {
    this.reads += 1;
    return this.time;
  }
}

describe('RemoteGovernanceProvider on a store with a clock', () => {
  let store: ClockedStore;
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
  const leases = async () => {
    const stored = await store.documents(GovernanceFront.DOCUMENTS).read('shared');
    return LedgerSchema.parse(JSON.parse(stored!.body)).reservations.filter(
      (record): record is LeaseRecord => record.kind === 'lease',
    );
  };
  /** Both clocks move on by `ms`, as a machine's and the server's do. */
  const elapse = (ms: number) => {
    vi.setSystemTime(Date.now() + ms);
    store.time += ms;
  };

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(PROCESS_START);
    store = new ClockedStore();
  });

  afterEach(async () => {
    for (const provider of opened.splice(0).reverse()) await provider.close();
    await store.close();
    vi.useRealTimers();
  });

  it('writes lease and reservation expiries on the store clock, hours away from the process clock', async () => {
    const remote = await client({ leaseTtlMs: 60_000, reservationTtlMs: 120_000 });
    const [lease] = await leases();
    expect(lease).toMatchObject({ createdAt: STORE_START, expiresAt: STORE_START + 60_000 });
    const reservation = remote.reserve('tokens', 100)!;
    expect(reservation.expiresAt).toBe(STORE_START + 120_000);
    elapse(1_000);
    expect(reservation.renew()).toBe(true);
    expect(reservation.expiresAt).toBe(STORE_START + 1_000 + 120_000);
    // Expired on the store clock, though the process clock is six hours short of it.
    elapse(120_001);
    expect(reservation.commit(10)).toMatchObject({ expired: true });
    expect(remote.report().expired.tokens).toBe(100);
  });

  it("a machine whose clock is hours behind neither keeps nor forfeits another's lease by its own clock", async () => {
    const first = await client({ leaseTtlMs: 60_000 });
    expect(first.consumeBudget('tokens', 30)).toBe(true);
    // A second machine, its clock three hours behind the first's.
    vi.setSystemTime(PROCESS_START - 3 * HOUR);
    const second = await client({ leaseTtlMs: 2 * HOUR });
    expect((await leases()).map((each) => each.expiresAt)).toEqual([
      STORE_START + 60_000,
      STORE_START + 2 * HOUR,
    ]);
    elapse(59_999);
    await second.sync();
    expect(second.report().forfeited.tokens).toBe(0);
    // Past the first's TTL on the store clock: the second forfeits it at its next sync, though its own
    // clock is still hours before the first lease's expiry.
    elapse(2);
    await second.sync();
    expect(second.report()).toMatchObject({ forfeited: { tokens: 500 }, consumed: { tokens: 500 } });
    expect((await leases()).map((each) => each.expiresAt)).toEqual([STORE_START + 60_001 + 2 * HOUR]);
  });

  it('reads the store clock at ready() and once per heartbeat interval, not per call', async () => {
    const remote = await client({ reservationTtlMs: 60_000 });
    expect(store.reads).toBe(1);
    for (let i = 0; i < 20; i++) remote.consumeBudget('tokens', 3);
    remote.reserve('tokens', 10);
    remote.report();
    await remote.sync();
    await remote.sync();
    expect(store.reads).toBe(1);
    // The server's clock is set two hours forward; the next sync after the heartbeat interval sees it.
    elapse(HOUR);
    store.time += 2 * HOUR;
    await remote.sync();
    expect(store.reads).toBe(2);
    const forward = store.time;
    expect(remote.reserve('tokens', 10)!.expiresAt).toBe(forward + 60_000);
    // Set back by more than the interval: readings never go back, so nothing moves into the past.
    elapse(HOUR);
    store.time -= 2 * HOUR;
    await remote.sync();
    expect(store.reads).toBe(3);
    expect(remote.reserve('tokens', 10)!.expiresAt).toBe(forward + 60_000);
    // They go on from there once the store clock passes the last reading.
    elapse(2 * HOUR);
    await remote.sync();
    expect(store.reads).toBe(4);
    expect(remote.reserve('tokens', 10)!.expiresAt).toBe(store.time + 60_000);
  });

  it('uses the now option, when given, rather than the store clock', async () => {
    const remote = await client({ now: () => 42_000, leaseTtlMs: 60_000 });
    expect(store.reads).toBe(0);
    expect((await leases())[0]).toMatchObject({ createdAt: 42_000, expiresAt: 102_000 });
    expect(remote.reserve('tokens', 1)!.expiresAt).toBe(42_000 + 10 * 60_000);
  });

  it('fails the sync with a StorageFailureError when the store clock reads no time', async () => {
    store.time = Number.NaN;
    const remote = new RemoteGovernanceProvider({ store, budget: 'shared', profile, heartbeatMs: HOUR });
    opened.push(remote);
    const error = await rejectionOf(remote.ready(), 'STORAGE_FAILURE');
    expect(error.message).toContain('NaN');
    expect(await store.documents(GovernanceFront.DOCUMENTS).read('shared')).toBeNull();
    store.time = STORE_START;
    await remote.ready();
    expect((await leases())[0]!.createdAt).toBe(STORE_START);
  });
});
