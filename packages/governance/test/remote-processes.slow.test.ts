import { fileURLToPath } from 'node:url';
import { FilesystemStore } from '@omega/core/fs';
import { assertBuilt, spawnChild, tempDir } from '@omega/test-kit';
import { describe, expect, it } from 'vitest';
import { FilesystemGovernanceProvider } from '../src/filesystem.js';
import { GovernanceFront } from '../src/front.js';
import { LedgerSchema } from '../src/ledger.js';

const CLIENTS = 8;
const LIMIT = 20_000;
/** The victim's lease TTL: short, so that its forfeit comes soon after the kill. */
const TTL_MS = 1_500;
/**
 * The workers' lease TTL: long, so that a worker stalled by a busy machine never loses its lease, which
 * would be forfeited too and counted with the victim's.
 */
const WORKER_TTL_MS = 60_000;
const profile = { name: 'shared', caps: [], budget: { tokens: LIMIT } };

const fixture = fileURLToPath(new URL('./fixtures/remote-client.mjs', import.meta.url));

describe('RemoteGovernanceProvider across processes', () => {
  it(`never overspends: ${CLIENTS} clients on one filesystem ledger, one killed with kill -9 holding a lease`, async () => {
    await assertBuilt(fileURLToPath(new URL('../dist/front.js', import.meta.url)));
    const { dir, remove } = await tempDir('omega-governance-remote-');
    const budget = 'shared';
    try {
      const victim = spawnChild(fixture, [dir, budget, 'hold', '0', String(TTL_MS)]);
      expect(await victim.nextLine()).toBe('holding 300');
      // Killed before any other client opens the ledger: a lease past its TTL is forfeited at the next
      // ledger operation, so a worker starting meanwhile on a busy machine could forfeit it first.
      victim.child.kill('SIGKILL');
      expect((await victim.exited).signal).toBe('SIGKILL');
      const killedAt = Date.now();
      // The victim's lease as it died: found by its owner's pid. Its heartbeats may have reported its use.
      const store = new FilesystemStore({ root: dir, durable: false });
      const stored = store.documentsSync(GovernanceFront.DOCUMENTS).read(budget)!;
      await store.close();
      const lease = LedgerSchema.parse(JSON.parse(stored.body)).reservations.find(
        (record) => record.kind === 'lease' && record.owner.pid === victim.child.pid,
      );
      expect(lease?.kind).toBe('lease');
      const stranded = lease!.amount;
      const reported = lease!.kind === 'lease' ? lease!.reported : 0;
      expect(stranded + reported).toBeGreaterThanOrEqual(300);

      const workers = Array.from({ length: CLIENTS - 1 }, (_, index) =>
        spawnChild(fixture, [dir, budget, 'consume', String(index + 1), String(WORKER_TTL_MS)]),
      );
      for (const worker of workers) expect(await worker.nextLine()).toBe('ready');
      for (const worker of workers) worker.child.stdin.end('go\n');
      const exits = await Promise.all(workers.map((worker) => worker.exited));
      for (const exit of exits) expect(exit, exit.stderr).toMatchObject({ code: 0, signal: null });
      const admitted = workers.reduce((sum, worker) => sum + JSON.parse(worker.lines[1]!).consumed, 0);

      // Polled, with a bound: the lease is forfeited once its TTL passed, at the next ledger operation.
      const watcher = new FilesystemGovernanceProvider({ root: dir, budget, profile, durable: false });
      try {
        let report = watcher.report();
        while (report.forfeited.tokens === 0 && Date.now() < killedAt + TTL_MS + 5_000) {
          await new Promise((resolve) => setTimeout(resolve, 25));
          report = watcher.report();
        }
        expect(report.forfeited.tokens).toBe(stranded);
        expect(report.reserved.tokens).toBe(0);
        // Every token admitted to a worker is in the ledger once; the victim's lease, used or not, is spent.
        expect(report.consumed.tokens).toBe(admitted + reported + stranded);
        expect(report.consumed.tokens).toBeLessThanOrEqual(LIMIT);
        // The workers drained the pool down to what leases strand at exhaustion (1% of the limit).
        expect(report.remaining.tokens).toBeLessThanOrEqual(LIMIT / 100);
        // Never returned: what is left is exactly the limit less what was spent, once.
        const left = report.remaining.tokens!;
        expect(watcher.consumeBudget('tokens', left)).toBe(true);
        expect(watcher.consumeBudget('tokens', 1)).toBe(false);
        expect(watcher.report().forfeited.tokens).toBe(stranded);
      } finally {
        await watcher.close();
      }
    } finally {
      await remove();
    }
  });

  it('never keeps a process alive: a client left open ends with its script', async () => {
    await assertBuilt(fileURLToPath(new URL('../dist/front.js', import.meta.url)));
    const { dir, remove } = await tempDir('omega-governance-remote-');
    try {
      const idle = spawnChild(fixture, [dir, 'idle', 'idle', '0', '60000']);
      expect(await idle.nextLine()).toBe('idle');
      const exit = await idle.exited;
      expect(exit, exit.stderr).toMatchObject({ code: 0, signal: null });
    } finally {
      await remove();
    }
  });
});
