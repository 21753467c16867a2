import { emptyState, isOmegaError, type OmegaError } from '@omega/core';
import { DOCUMENT_CONTRACT_SPEC, rejectionOf } from '@omega/core/testing';
import { SessionFront } from '@omega/session/front';
import { type PostgresServer, startPostgres } from '@omega/test-kit';
import pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import { PostgresStore } from '../src/store.js';
import { freshStore, postgresUrl } from './server.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

// Saves session `name` until `until()` says stop, each with the version it last read, reading it again
// after any failure: what a careful caller does. Returns the versions acknowledged and the failures seen.
async function saveLoop(sessions: SessionFront, name: string, until: () => boolean) {
  const acknowledged: number[] = [];
  const failures: OmegaError[] = [];
  let version: number | null = null;
  while (!until()) {
    try {
      version ??= (await sessions.info(name))?.version ?? 0;
      await sessions.save(
        name,
        { state: emptyState(), meta: { count: version + 1 } },
        { expectedVersion: version },
      );
      version += 1;
      acknowledged.push(version);
    } catch (error) {
      if (!isOmegaError(error)) throw error;
      failures.push(error);
      version = null;
    }
  }
  return { acknowledged, failures };
}

it('a server restarted mid-run: in-flight calls fail typed, the pool reconnects, nothing acknowledged is lost', async () => {
  const server: PostgresServer = await startPostgres();
  cleanups.push(() => server.stop());
  const poolErrors: Error[] = [];
  const store = new PostgresStore({
    connectionString: server.connectionString,
    schema: 'restart',
    maxConnections: 4,
    onPoolError: (error) => poolErrors.push(error),
  });
  cleanups.push(() => store.close());
  const sessions = new SessionFront(store);
  let stop = false;
  const loops = ['a', 'b', 'c'].map((name) => saveLoop(sessions, name, () => stop));
  // Restart once every loop has saved, then let them go on until each saved again after it.
  const saved = async (name: string, at: number) => {
    for (;;) {
      const version = await sessions.info(name).then(
        (info) => info?.version ?? 0,
        () => 0,
      );
      if (version >= at) return version;
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  await Promise.all(['a', 'b', 'c'].map((name) => saved(name, 5)));
  await server.restart();
  const after = await Promise.all(['a', 'b', 'c'].map((name) => saved(name, 1)));
  await Promise.all(['a', 'b', 'c'].map((name, i) => saved(name, after[i]! + 5)));
  stop = true;
  const results = await Promise.all(loops);
  const failures = results.flatMap((result) => result.failures);
  for (const failure of failures) {
    expect(['STORAGE_FAILURE', 'CONFLICT'], failure.message).toContain(failure.code);
  }
  expect(failures.some((failure) => failure.code === 'STORAGE_FAILURE')).toBe(true);
  for (const [i, name] of ['a', 'b', 'c'].entries()) {
    const { acknowledged } = results[i]!;
    const info = await sessions.info(name);
    const data = await sessions.load(name);
    // Every acknowledged save is there; an unacknowledged one may have committed too (its outcome was unknown).
    expect(info!.version).toBeGreaterThanOrEqual(acknowledged.at(-1)!);
    expect(data!.meta.count).toBe(info!.version);
  }
});

it('a connection killed with pg_terminate_backend mid-transaction: a typed failure, nothing applied, the store goes on', async () => {
  const { store, schema, remove } = await freshStore();
  cleanups.push(remove, () => store.close());
  const documents = store.documents(DOCUMENT_CONTRACT_SPEC);
  await documents.write('kept', { updatedAt: 1 }, '1');
  const killer = new pg.Client({ connectionString: postgresUrl() });
  await killer.connect();
  cleanups.push(() => killer.end());
  const failure = await rejectionOf(
    store.database.transaction('test', async (client) => {
      await client.query(`UPDATE "${schema}".documents SET body = '\\x32'::bytea WHERE name = 'kept'`);
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await killer.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
      await client.query('SELECT 1');
    }),
    'STORAGE_FAILURE',
  );
  expect(failure.details).toMatchObject({ operation: 'test', outcome: 'unknown' });
  expect((await documents.read('kept'))?.body).toBe('1');
  await documents.update('kept', (current) => ({
    header: { updatedAt: (current?.header.updatedAt ?? 0) + 1 },
    body: '2',
  }));
  expect((await documents.read('kept'))?.body).toBe('2');
});
