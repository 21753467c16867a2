import { RemoteGovernanceProvider } from '@omega/governance/front';
import pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { freshStore, postgresUrl } from './server.js';

const HOUR = 3_600_000;
const profile = { name: 'shared', caps: [], budget: { tokens: 10_000 } };

/** The server's clock_timestamp() in whole milliseconds, read on a connection of its own. */
async function serverNow(): Promise<number> {
  const client = new pg.Client({ connectionString: postgresUrl() });
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT floor(extract(epoch FROM clock_timestamp()) * 1000)::float8 AS ms',
    );
    return rows[0].ms as number;
  } finally {
    await client.end();
  }
}

describe('the budget ledger on the database clock', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes lease and reservation expiries on clock_timestamp(), whatever the process clock says', async () => {
    const { store, remove } = await freshStore();
    try {
      // This process's clock is five hours behind the server's (frozen: only Date is faked).
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime((await serverNow()) - 5 * HOUR);
      const client = new RemoteGovernanceProvider({
        store,
        budget: 'shared',
        profile,
        leaseTtlMs: 60_000,
        reservationTtlMs: 120_000,
        heartbeatMs: HOUR,
      });
      const before = await serverNow();
      await client.ready();
      const after = await serverNow();
      const stored = await store.documents(RemoteGovernanceProvider.DOCUMENTS).read('shared');
      const [lease] = JSON.parse(stored!.body).reservations as {
        kind: string;
        createdAt: number;
        expiresAt: number;
      }[];
      expect(lease!.kind).toBe('lease');
      // The server's reading at the measure, carried by the frozen process clock plus its offset.
      expect(lease!.createdAt).toBeGreaterThanOrEqual(before);
      expect(lease!.createdAt).toBeLessThanOrEqual(after);
      expect(lease!.expiresAt).toBe(lease!.createdAt + 60_000);
      const reservation = client.reserve('tokens', 10)!;
      expect(reservation.expiresAt).toBe(lease!.createdAt + 120_000);
      await client.close();
    } finally {
      vi.useRealTimers();
      await store.close();
      await remove();
    }
  });
});
