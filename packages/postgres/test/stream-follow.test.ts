import { StreamFront } from '@omega/stream/front';
import pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import { PostgresStore } from '../src/store.js';
import { freshStore, postgresUrl } from './server.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const CHUNKS = 40;
const CUT_AFTER = 15;

it('a follower on another store gets every chunk in order, though its listening connection is terminated mid-stream', async () => {
  const { store, schema, remove } = await freshStore();
  cleanups.push(remove);
  const writer = new StreamFront(store, {}, { provider: 'PostgresStreamProvider', ownsStore: true });
  cleanups.push(() => writer.close());
  const other = new PostgresStore({ connectionString: postgresUrl(), schema, maxConnections: 2 });
  const reader = new StreamFront(other, {}, { provider: 'PostgresStreamProvider', ownsStore: true });
  cleanups.push(() => reader.close());
  await writer.create('s');

  let reachedCut: () => void = () => {};
  const cut = new Promise<void>((resolve) => {
    reachedCut = resolve;
  });
  const following = (async () => {
    const seen: unknown[] = [];
    for await (const { index, chunk } of reader.read('s', { follow: true })) {
      expect(index).toBe(seen.length);
      seen.push(chunk);
      if (seen.length === CUT_AFTER) reachedCut();
    }
    return seen;
  })();

  for (let i = 0; i < CUT_AFTER; i++) await writer.append('s', { i, text: `token ${i}` });
  await cut;
  const admin = new pg.Client({ connectionString: postgresUrl() });
  await admin.connect();
  try {
    // The follower has read what there was and now waits: once its listening connection is up, end it.
    const listening = `LISTEN "omega:${schema}"`;
    for (let seen = 0; seen === 0; ) {
      const found = await admin.query('SELECT 1 FROM pg_stat_activity WHERE query = $1', [listening]);
      seen = found.rowCount ?? 0;
      if (seen === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const { rows } = await admin.query(
      'SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE query = $1',
      [listening],
    );
    // Both stores listen on the schema's channel: the reader's connection is among those ended.
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(rows.every((row) => row.ended === true)).toBe(true);
  } finally {
    await admin.end();
  }
  for (let i = CUT_AFTER; i < CHUNKS; i++) await writer.append('s', { i, text: `token ${i}` });
  await writer.end('s');
  expect(await following).toEqual(Array.from({ length: CHUNKS }, (_, i) => ({ i, text: `token ${i}` })));
});
