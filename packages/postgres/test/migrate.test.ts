import { isOmegaError } from '@omega/core';
import { DOCUMENT_CONTRACT_SPEC, rejectionOf } from '@omega/core/testing';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { checksumOf } from '../src/migrate.js';
import { MIGRATIONS } from '../src/migrations/index.js';
import { PostgresStore } from '../src/store.js';
import { dropSchema, freshSchema, postgresUrl, sql } from './server.js';

const opened: PostgresStore[] = [];
const schemas: string[] = [];

function storeOn(schema: string): PostgresStore {
  const store = new PostgresStore({ connectionString: postgresUrl(), schema, maxConnections: 2 });
  opened.push(store);
  return store;
}

function newSchema(): string {
  const schema = freshSchema();
  schemas.push(schema);
  return schema;
}

afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
  for (const schema of schemas.splice(0)) await dropSchema(schema);
});

describe('migrations', () => {
  it('of 12 stores starting at once on one schema, each migration is applied exactly once', async () => {
    const schema = newSchema();
    await Promise.all(Array.from({ length: 12 }, () => storeOn(schema).migrate()));
    const { rows } = await sql(
      `SELECT version, name, checksum FROM "${schema}".omega_migrations ORDER BY version`,
    );
    expect(rows).toEqual(
      MIGRATIONS.map((migration) => ({
        version: migration.version,
        name: migration.name,
        checksum: checksumOf(migration),
      })),
    );
  });

  it('a schema with a migration newer than the code is a CorruptDataError naming it, before any statement', async () => {
    const schema = newSchema();
    await storeOn(schema).migrate();
    await sql(
      `INSERT INTO "${schema}".omega_migrations (version, name, checksum) VALUES (999, 'future', 'x')`,
    );
    const store = storeOn(schema);
    const error = await rejectionOf(store.migrate(), 'CORRUPT_DATA');
    expect(error.details).toMatchObject({ schema, version: 999 });
    expect(error.message).toMatch(/newer than/);
    await rejectionOf(store.documents(DOCUMENT_CONTRACT_SPEC).read('a'), 'CORRUPT_DATA');
  });

  it('an applied migration whose checksum changed is a CorruptDataError naming both checksums', async () => {
    const schema = newSchema();
    await storeOn(schema).migrate();
    await sql(`UPDATE "${schema}".omega_migrations SET checksum = 'edited' WHERE version = 1`);
    const error = await rejectionOf(storeOn(schema).migrate(), 'CORRUPT_DATA');
    expect(error.details).toMatchObject({
      schema,
      version: 1,
      applied: 'edited',
      expected: checksumOf(MIGRATIONS[0]!),
    });
  });

  it('a failed migration leaves nothing applied, and a later start applies everything', async () => {
    const schema = newSchema();
    // A table in the way of the first migration: it fails, and its transaction rolls back whole.
    await sql(`CREATE SCHEMA "${schema}"`);
    await sql(`CREATE TABLE "${schema}".documents (x int)`);
    const error = await rejectionOf(storeOn(schema).migrate(), 'STORAGE_FAILURE');
    expect(error.details).toMatchObject({ operation: 'migrate', schema, sqlstate: '42P07' });
    expect((await sql(`SELECT to_regclass('"${schema}".omega_migrations') AS t`)).rows).toEqual([
      { t: null },
    ]);
    await sql(`DROP TABLE "${schema}".documents`);
    await storeOn(schema).migrate();
    expect((await sql(`SELECT count(*)::int AS n FROM "${schema}".omega_migrations`)).rows).toEqual([
      { n: MIGRATIONS.length },
    ]);
  });
});

describe('PostgresStore options', () => {
  it('refuses schema names that are not plain lowercase identifiers, touching nothing', () => {
    for (const schema of ['', 'Omega', '1abc', 'a-b', 'a"b', 'pg_catalog', 'x'.repeat(49), 'a b', 'é']) {
      let error: unknown;
      try {
        new PostgresStore({ connectionString: postgresUrl(), schema });
      } catch (caught) {
        error = caught;
      }
      expect(isOmegaError(error, 'INVALID_ARGUMENT'), schema).toBe(true);
    }
  });

  it('needs exactly one of connectionString and pool, and refuses unknown options and bad limits', () => {
    const refused = [
      {},
      { connectionString: postgresUrl(), pool: new pg.Pool() },
      { connectionString: '' },
      { connectionString: postgresUrl(), maxConections: 3 },
      { connectionString: postgresUrl(), maxConnections: 0 },
      { connectionString: postgresUrl(), statementTimeoutMs: 1.5 },
      { connectionString: postgresUrl(), onPoolError: 'log' },
      { connectionString: postgresUrl(), prepare: 'yes' },
    ];
    for (const options of refused) {
      let error: unknown;
      try {
        new PostgresStore(options as never);
      } catch (caught) {
        error = caught;
      }
      expect(isOmegaError(error, 'INVALID_ARGUMENT'), JSON.stringify(Object.keys(options))).toBe(true);
    }
  });

  it('with prepare: false, runs unnamed statements (for a pooler without prepared statements)', async () => {
    const store = new PostgresStore({ connectionString: postgresUrl(), schema: newSchema(), prepare: false });
    opened.push(store);
    const documents = store.documents(DOCUMENT_CONTRACT_SPEC);
    await documents.write('a', { updatedAt: 1 }, '"one"');
    expect((await documents.read('a'))?.body).toBe('"one"');
    const { rows: named } = await sql(
      `SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name LIKE 'omega_%'`,
    );
    expect(named).toEqual([{ n: 0 }]);
  });

  it('uses a pool it is given, and leaves it open on close', async () => {
    const pool = new pg.Pool({ connectionString: postgresUrl(), max: 2 });
    const schema = newSchema();
    const store = new PostgresStore({ pool, schema });
    await store.migrate();
    await store.close();
    expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await pool.end();
  });

  it('after close, migrate, ports and their methods are a ClosedError', async () => {
    const store = storeOn(newSchema());
    const documents = store.documents(DOCUMENT_CONTRACT_SPEC);
    await store.close();
    await rejectionOf(store.migrate(), 'CLOSED');
    await rejectionOf(documents.read('a'), 'CLOSED');
    expect(() => store.documents(DOCUMENT_CONTRACT_SPEC)).toThrow(/after close/);
    await store.close();
  });
});
