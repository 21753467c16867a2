import { fileURLToPath } from 'node:url';
import { RemoteGovernanceProvider } from '@omega/governance/front';
import { assertBuilt, type ChildProcessLines, spawnChild } from '@omega/test-kit';
import { describe, expect, it } from 'vitest';
import { PostgresStore } from '../src/store.js';
import { dropSchema, freshSchema, postgresUrl } from './server.js';

const PROCESSES = 8;
const CLIENTS = 8;
const SEEDS = Number(process.env.OMEGA_BUDGET_SEEDS ?? 20);
const LIMIT = 2_000;
const profile = { name: 'shared', caps: [], budget: { tokens: LIMIT } };

const fixture = fileURLToPath(new URL('./fixtures/budget-clients.mjs', import.meta.url));

interface SeedResult {
  seed: number;
  admitted: number;
  overruns: number;
  open: number;
  checks: number;
  refused: number;
}

/** A client of ledger `seed-<seed>` over its own store: what the ledger holds, as any machine reads it. */
async function reader(url: string, schema: string, seed: number) {
  const store = new PostgresStore({ connectionString: url, schema, maxConnections: 1 });
  // A lease of one token: a reader takes (almost) nothing from the pool it checks.
  const provider = new RemoteGovernanceProvider({
    store,
    budget: `seed-${seed}`,
    profile,
    leaseSize: 1 / LIMIT,
  });
  await provider.ready();
  return {
    provider,
    close: async () => {
      await provider.close();
      await store.close();
    },
  };
}

/** Sends `line` to every process and collects the line each answers. */
async function ask(children: ChildProcessLines[], line: string): Promise<string[]> {
  for (const child of children) child.child.stdin.write(`${line}\n`);
  return Promise.all(children.map((child) => child.nextLine()));
}

describe('the budget ledger on PostgreSQL across processes', () => {
  it(`never overspends: ${PROCESSES} processes × ${CLIENTS} connections on one ledger, over ${SEEDS} seeds`, async () => {
    await assertBuilt(fileURLToPath(new URL('../dist/index.js', import.meta.url)));
    await assertBuilt(fileURLToPath(new URL('../../governance/dist/front.js', import.meta.url)));
    const url = postgresUrl();
    const schema = freshSchema();
    const setup = new PostgresStore({ connectionString: url, schema, maxConnections: 1 });
    await setup.migrate();
    await setup.close();
    const children = Array.from({ length: PROCESSES }, (_, index) =>
      spawnChild(fixture, [url, schema, String(index), String(CLIENTS), String(LIMIT)]),
    );
    try {
      for (const child of children) expect(await child.nextLine()).toBe('ready');
      for (let seed = 0; seed < SEEDS; seed++) {
        const results = (await ask(children, `run ${seed}`)).map((line) => JSON.parse(line) as SeedResult);
        const sum = (key: Exclude<keyof SeedResult, 'seed'>) =>
          results.reduce((total, result) => total + result[key], 0);

        // Each client checked the ledger it saw after each of its syncs: spent ≤ limit each time.
        expect(sum('checks'), `seed ${seed}`).toBeGreaterThanOrEqual(PROCESSES * CLIENTS);
        // Contended to the end: every client ran until the ledger refused it.
        expect(sum('refused'), `seed ${seed}`).toBe(PROCESSES * CLIENTS);

        // The processes still hold their leases (their unreported use inside) and open reservations.
        const during = await reader(url, schema, seed);
        const live = during.provider.report();
        await during.close();
        expect(live.consumed.tokens, `seed ${seed}`).toBeLessThanOrEqual(Math.min(LIMIT, sum('admitted')));
        expect(live.reserved.tokens, `seed ${seed}`).toBeGreaterThanOrEqual(sum('open'));
        expect(live.consumed.tokens + live.reserved.tokens + live.remaining.tokens!, `seed ${seed}`).toBe(
          LIMIT,
        );
        expect(live.forfeited.tokens, `seed ${seed}`).toBe(0);

        expect(await ask(children, `close ${seed}`)).toEqual(children.map(() => `closed ${seed}`));
        const after = await reader(url, schema, seed);
        const final = after.provider.report();
        await after.close();
        expect(final.consumed.tokens, `seed ${seed}`).toBeLessThanOrEqual(LIMIT);
        // Every token a client was granted is in the ledger, once: no sync lost an update.
        expect(final.consumed.tokens, `seed ${seed}`).toBe(sum('admitted'));
        expect(final.overruns.tokens, `seed ${seed}`).toBe(sum('overruns'));
        expect(final.reserved.tokens, `seed ${seed}`).toBe(0);
        expect(final.consumed.tokens + final.reserved.tokens + final.remaining.tokens!, `seed ${seed}`).toBe(
          LIMIT,
        );
      }
      const exits = await Promise.all(
        children.map((child) => {
          child.child.stdin.end('exit\n');
          return child.exited;
        }),
      );
      for (const exit of exits) expect(exit, exit.stderr).toMatchObject({ code: 0, signal: null });
    } finally {
      for (const child of children) if (child.child.exitCode === null) child.child.kill('SIGKILL');
      await Promise.all(children.map((child) => child.exited));
      await dropSchema(schema);
    }
    // About 2 s a seed on an idle 2-core machine (44 s in all): each seed's ~450 ledger syncs take the
    // ledger's document lock in turn. A busy machine takes three times that.
  }, 180_000);
});
