import { fileURLToPath } from 'node:url';
import { assertBuilt, spawnChild, tempDir } from '@omega/test-kit';
import { beforeAll, describe, expect, it } from 'vitest';
import { FilesystemGovernanceProvider } from '../src/filesystem.js';

const PROCESSES = 8;
const SEEDS = 50;
const STEPS = 6;
const LIMITS = { tokens: 2_000, cost: 0.02 };
const profile = { name: 'shared', caps: [], budget: LIMITS };

const fixture = (file: string) => fileURLToPath(new URL(`./fixtures/${file}`, import.meta.url));

describe('FilesystemGovernanceProvider across processes', () => {
  beforeAll(() => assertBuilt(fileURLToPath(new URL('../dist/filesystem.js', import.meta.url))));

  it(`never overspends: ${PROCESSES} processes × 4 workers over ${SEEDS} seeded ledgers`, async () => {
    const { dir, remove } = await tempDir('omega-governance-');
    try {
      const children = Array.from({ length: PROCESSES }, (_, index) =>
        spawnChild(fixture('ledger-worker.mjs'), [dir, String(index), String(SEEDS), String(STEPS)]),
      );
      // Start barrier: no process begins before all are up, so they contend from the first seed.
      for (const child of children) expect(await child.nextLine()).toBe('ready');
      for (const child of children) child.child.stdin.end('go\n');
      const exits = await Promise.all(children.map((child) => child.exited));
      for (const exit of exits) expect(exit, exit.stderr).toMatchObject({ code: 0, signal: null });

      const totals = Array.from({ length: SEEDS }, () => ({ tokens: 0, cost: 0 }));
      for (const child of children) {
        const lines = child.lines.slice(1).map((line) => JSON.parse(line));
        expect(lines).toHaveLength(SEEDS);
        for (const { seed, consumed, violations } of lines) {
          expect(violations, `seed ${seed}`).toEqual([]);
          totals[seed]!.tokens += consumed.tokens;
          totals[seed]!.cost += consumed.cost;
        }
      }
      let exhausted = 0;
      for (let seed = 0; seed < SEEDS; seed++) {
        const ledger = new FilesystemGovernanceProvider({ root: dir, budget: `seed-${seed}`, profile });
        const report = ledger.report();
        await ledger.close();
        for (const type of ['tokens', 'cost'] as const) {
          expect(report.consumed[type], `seed ${seed} ${type}`).toBeLessThanOrEqual(LIMITS[type]);
          const whole = type === 'cost' ? Math.round(report.consumed[type] * 1e6) : report.consumed[type];
          // Every consume a process saw succeed is in the ledger, once: no update was lost.
          expect(whole, `seed ${seed} ${type}`).toBe(totals[seed]![type]);
          const sum = report.consumed[type] + report.reserved[type] + (report.remaining[type] ?? 0);
          expect(sum, `seed ${seed} ${type}`).toBeCloseTo(LIMITS[type], 9);
          if (report.remaining[type] === 0 || report.exceeded[type]) exhausted++;
        }
      }
      // The amounts are drawn so that most ledgers run out: the limits were really contended.
      expect(exhausted).toBeGreaterThan(SEEDS);
    } finally {
      await remove();
    }
    // 8 processes over 50 ledgers: about 20 s on an idle 2-core machine, and three times that on a busy one.
  }, 180_000);

  it('charges each key once: 4 processes committing the same 200 keys in different orders', async () => {
    const { dir, remove } = await tempDir('omega-governance-');
    try {
      const children = Array.from({ length: 4 }, (_, index) =>
        spawnChild(fixture('keyed-committer.mjs'), [dir, String(index), '200']),
      );
      for (const child of children) expect(await child.nextLine()).toBe('ready');
      for (const child of children) child.child.stdin.end('go\n');
      const exits = await Promise.all(children.map((child) => child.exited));
      for (const exit of exits) expect(exit, exit.stderr).toMatchObject({ code: 0, signal: null });
      const charged = children.flatMap((child) => JSON.parse(child.lines[1]!) as number[]);
      expect(charged.sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, key) => key));
      const ledger = new FilesystemGovernanceProvider({
        root: dir,
        budget: 'keyed',
        profile: { name: 'shared', caps: [], budget: { tokens: 1_000_000 } },
      });
      expect(ledger.report()).toMatchObject({ consumed: { tokens: 200 }, reserved: { tokens: 0 } });
      await ledger.close();
    } finally {
      await remove();
    }
  }, 120_000);

  for (const [title, ownerState, ttlMs] of [
    ['a dead owner is seen dead: freed at the next operation', undefined, 60_000],
    ['an owner that cannot be checked: freed once the expiry passed', () => 'unknown' as const, 1_500],
  ] as const) {
    it(`frees the reservations of a process killed with kill -9: ${title}`, async () => {
      const { dir, remove } = await tempDir('omega-governance-');
      const watcher = new FilesystemGovernanceProvider({
        root: dir,
        budget: 'killed',
        profile: { name: 'shared', caps: [], budget: { cost: 1 } },
        ...(ownerState === undefined ? {} : { ownerState }),
      });
      try {
        const holder = spawnChild(fixture('reservation-holder.mjs'), [dir, 'killed', String(ttlMs)]);
        expect(await holder.nextLine()).toBe('0.75');
        expect(watcher.report().reserved.cost).toBe(0.75);
        holder.child.kill('SIGKILL');
        await holder.exited;
        // Polled, with a bound: the reservations must be freed within their expiry.
        const deadline = Date.now() + ttlMs + 5_000;
        let report = watcher.report();
        while (report.reserved.cost > 0 && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 25));
          report = watcher.report();
        }
        expect(report.reserved.cost).toBe(0);
        expect(report.expired.cost).toBe(0.75);
        expect(watcher.consumeBudget('cost', 1)).toBe(true);
      } finally {
        await watcher.close();
        await remove();
      }
    });
  }
});
