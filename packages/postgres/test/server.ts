import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import type { PostgresStoreOptions } from '../src/options.js';
import { PostgresStore } from '../src/store.js';

/** The connection string of this run's server (test/global-setup.ts). */
export const postgresUrl = (): string => inject('postgresUrl');

/** A schema name no other test uses. */
export const freshSchema = (): string => `t_${randomBytes(6).toString('hex')}`;

/** Drops `schema` and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl() });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** A store over a schema of its own, and how to remove it: what every conformance test opens. */
export async function freshStore(
  options: Omit<PostgresStoreOptions, 'connectionString' | 'pool'> = {},
): Promise<{ store: PostgresStore; schema: string; remove(): Promise<void> }> {
  const schema = options.schema ?? freshSchema();
  const store = new PostgresStore({ connectionString: postgresUrl(), maxConnections: 4, ...options, schema });
  return { store, schema, remove: () => dropSchema(schema) };
}
