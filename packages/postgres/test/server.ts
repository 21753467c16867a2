import { randomBytes } from 'node:crypto';
import type { PortFixture, PortSuiteOptions } from '@omega/core/testing';
import pg from 'pg';
import { inject } from 'vitest';
import type { PostgresStoreOptions } from '../src/options.js';
import { PostgresStore } from '../src/store.js';

/** The connection string of this run's server (test/global-setup.ts). */
export const postgresUrl = (): string => inject('postgresUrl');

/** A schema name no other test uses. */
export const freshSchema = (): string => `t_${randomBytes(6).toString('hex')}`;

/** Runs one statement on a connection of its own, outside any store (to damage rows, read the catalog). */
export async function sql(text: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: postgresUrl() });
  await client.connect();
  try {
    return await client.query(text, params);
  } finally {
    await client.end();
  }
}

/** Drops `schema` and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  await sql(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

/** A store over a schema of its own, and how to remove it: what every conformance test opens. */
export async function freshStore(
  options: Omit<PostgresStoreOptions, 'connectionString' | 'pool'> = {},
): Promise<{ store: PostgresStore; schema: string; remove(): Promise<void> }> {
  const schema = options.schema ?? freshSchema();
  const store = new PostgresStore({ connectionString: postgresUrl(), maxConnections: 4, ...options, schema });
  return { store, schema, remove: () => dropSchema(schema) };
}

/**
 * What a port contract (`describeDocumentBackend`, ...) needs to run a port of `PostgresStore`: `open`, a
 * port over a fresh schema (its stores closed and the schema dropped by the cleanup), and `reopen`, the
 * same port of a second store on that schema, as another process would open it.
 */
export function portOnPostgres<P extends object>(
  port: (store: PostgresStore) => P,
): { open: () => Promise<PortFixture<P>>; options: PortSuiteOptions<P> } {
  const opened = new WeakMap<object, { schema: string; stores: PostgresStore[] }>();
  return {
    open: async () => {
      const { store, schema, remove } = await freshStore();
      const stores = [store];
      const made = port(store);
      opened.set(made, { schema, stores });
      const cleanup = async () => {
        for (const each of stores) await each.close();
        await remove();
      };
      return { port: made, cleanup };
    },
    options: {
      reopen: async (made) => {
        const entry = opened.get(made);
        if (entry === undefined) throw new Error('reopen of a port this test did not open');
        const store = new PostgresStore({
          connectionString: postgresUrl(),
          schema: entry.schema,
          maxConnections: 2,
        });
        entry.stores.push(store);
        const again = port(store);
        opened.set(again, entry);
        return again;
      },
    },
  };
}
