import { performance } from 'node:perf_hooks';
import { RemoteGovernanceProvider } from '@omega/governance/front';
import { PostgresStore } from '@omega/postgres';
import { startPostgres } from '@omega/test-kit';
import pg from 'pg';
import type { Row } from './report.js';

// The connection counts, and how long each side runs per round (rounds alternate the sides, so
// the machine's noise hits them alike).
const CONNECTIONS = [1, 8, 64];
const ROUND_MS = 1_500;
const ROUNDS = 3;
/** A limit no run reaches: the bench measures admission, not refusal. */
const LIMIT = 1e12;
const PROFILE = { name: 'bench', caps: [], budget: { tokens: LIMIT } };

/** One side of a row: `connections` workers, each calling `consume` until the round ends. */
interface Side {
  open(
    connections: number,
  ): Promise<{ consume: ((worker: number) => Promise<unknown>)[]; close(): Promise<void> }>;
}

/** How many consumes `consume`'s workers made in `ms`, and per second; a refused one is an error. */
async function throughput(
  consume: ((worker: number) => Promise<unknown>)[],
  ms: number,
): Promise<{ count: number; perSecond: number }> {
  let count = 0;
  const start = performance.now();
  const until = start + ms;
  await Promise.all(
    consume.map(async (one, worker) => {
      while (performance.now() < until) {
        if ((await one(worker)) === false) throw new Error('a bench consume was refused');
        count += 1;
      }
    }),
  );
  return { count, perSecond: count / ((performance.now() - start) / 1000) };
}

/** The baseline: `UPDATE budget SET spent = spent + $1 WHERE spent + $1 <= limit`, one connection per worker. */
function rawUpdate(url: string): Side {
  return {
    async open(connections) {
      const setup = new pg.Client({ connectionString: url });
      await setup.connect();
      await setup.query('CREATE SCHEMA IF NOT EXISTS bench_raw');
      await setup.query(
        'CREATE TABLE IF NOT EXISTS bench_raw.budget (id text PRIMARY KEY, spent bigint NOT NULL, "limit" bigint NOT NULL)',
      );
      await setup.query(
        `INSERT INTO bench_raw.budget VALUES ('shared', 0, $1) ON CONFLICT (id) DO UPDATE SET spent = 0`,
        [LIMIT],
      );
      await setup.end();
      const clients = await Promise.all(
        Array.from({ length: connections }, async () => {
          const client = new pg.Client({ connectionString: url });
          await client.connect();
          return client;
        }),
      );
      return {
        consume: clients.map((client) => async () => {
          const { rowCount } = await client.query(
            `UPDATE bench_raw.budget SET spent = spent + $1 WHERE id = 'shared' AND spent + $1 <= "limit"`,
            [1],
          );
          return rowCount === 1;
        }),
        close: async () => {
          for (const client of clients) await client.end();
        },
      };
    },
  };
}

/**
 * `RemoteGovernanceProvider` over `PostgresStore`s of one connection each, one per worker, on one ledger:
 * `leaseSize` decides how often a consume goes to the ledger (1 token: every consume waits for a sync).
 */
function remote(url: string, schema: string, leaseSize: number): Side {
  return {
    async open(connections) {
      const stores = Array.from(
        { length: connections },
        () => new PostgresStore({ connectionString: url, schema, maxConnections: 1 }),
      );
      await stores[0]!.migrate();
      const budget = `b${connections}`;
      const clients = stores.map(
        (store) => new RemoteGovernanceProvider({ store, budget, profile: PROFILE, leaseSize }),
      );
      for (const client of clients) await client.ready();
      return {
        consume: clients.map((client) => () => client.consumeAsync('tokens', 1)),
        close: async () => {
          for (const client of clients) await client.close();
          for (const store of stores) await store.close();
        },
      };
    },
  };
}

/** How many times ledger `budget` in `schema` was locked for a sync so far: its lock's fence. */
async function syncsOf(url: string, schema: string, budget: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ fence: string }>(
      `SELECT fence FROM "${schema}".document_locks WHERE name = $1`,
      [budget],
    );
    return Number(rows[0]?.fence ?? 0);
  } finally {
    await client.end();
  }
}

/**
 * Budget consumes per second on one PostgreSQL server (its own, fsync on, stopped at the end) at 1, 8 and
 * 64 connections: through `RemoteGovernanceProvider` against a raw conditional `UPDATE` on the same
 * server, rounds alternating. The ratio depends on how often a consume goes to the ledger, so three
 * lease sizes are rows: the default (a consume is local while the lease covers it: the ratio then
 * measures local admission, not PostgreSQL), leases of 1,000 tokens (a refill sync every few hundred
 * consumes), and leases of 1 token (each consume waits for a locked read-modify-write of the ledger
 * document: the per-statement cost). The notes count the syncs (the ledger lock's fence).
 */
export async function postgresBudgetOperations(): Promise<{ rows: Row[]; notes: string[] }> {
  const server = await startPostgres({ fsync: true });
  const rows: Row[] = [];
  const notes: string[] = [];
  try {
    const url = server.connectionString;
    const raw = rawUpdate(url);
    const variants = [
      {
        label: 'leased as by default (5% of the limit: a consume is local while its lease covers it)',
        schema: 'bench_leased',
        side: remote(url, 'bench_leased', 0.05),
      },
      {
        label: 'leases of 1,000 tokens (a consume of 1 is local; a refill sync every few hundred consumes)',
        schema: 'bench_refilled',
        side: remote(url, 'bench_refilled', 1_000 / LIMIT),
      },
      {
        label:
          'leases of 1 token (every consume waits for the ledger: about 2 syncs each, lock, read, fenced write)',
        schema: 'bench_synced',
        side: remote(url, 'bench_synced', 1 / LIMIT),
      },
    ];
    for (const connections of CONNECTIONS) {
      const baseline: number[] = [];
      const candidates = variants.map(() => [] as number[]);
      const opened = [
        await raw.open(connections),
        ...(await Promise.all(variants.map((v) => v.side.open(connections)))),
      ];
      const before = await Promise.all(variants.map((v) => syncsOf(url, v.schema, `b${connections}`)));
      const consumed = variants.map(() => 0);
      let after: number[];
      try {
        for (let round = 0; round < ROUNDS; round++) {
          baseline.push((await throughput(opened[0]!.consume, ROUND_MS)).perSecond);
          for (const [i] of variants.entries()) {
            const { count, perSecond } = await throughput(opened[i + 1]!.consume, ROUND_MS);
            candidates[i]!.push(perSecond);
            consumed[i]! += count;
          }
        }
        // Before close, whose syncs return the leases: only the syncs the consumes (and heartbeats) made.
        after = await Promise.all(variants.map((v) => syncsOf(url, v.schema, `b${connections}`)));
      } finally {
        for (const each of opened) await each.close();
      }
      const base = median(baseline);
      for (const [i, variant] of variants.entries()) {
        const ours = median(candidates[i]!);
        rows.push({
          bench: `postgres budget consume via RemoteGovernanceProvider, ${variant.label}, vs raw conditional UPDATE`,
          size: `${connections} connection${connections === 1 ? '' : 's'}`,
          candidateMs: 1000 / ours,
          baselineMs: 1000 / base,
          target: 0.5,
          sense: 'speed',
        });
        const syncs = after[i]! - before[i]!;
        const perSync = consumed[i]! / Math.max(1, syncs);
        notes.push(
          `- postgres budget, ${connections} connection(s), ${variant.schema.slice(6)}: ${Math.round(ours).toLocaleString('en')} consumes/s (raw UPDATE ${Math.round(base).toLocaleString('en')}/s); ${syncs.toLocaleString('en')} ledger syncs for about ${Math.round(consumed[i]!).toLocaleString('en')} consumes (${perSync >= 10 ? Math.round(perSync).toLocaleString('en') : perSync.toFixed(2)} consumes per sync)`,
        );
      }
    }
  } finally {
    await server.stop();
  }
  return { rows, notes };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}
