import { createHash } from 'node:crypto';
import { CorruptDataError } from '@omega/core';
import { storageFailure } from './failures.js';
import { MIGRATIONS, type Migration } from './migrations/index.js';
import type { MigrationTarget, Queryable } from './queryable.js';

/** The SHA-256 of a migration's SQL, as recorded when it was applied. */
export function checksumOf(migration: Migration): string {
  return createHash('sha256').update(migration.sql).digest('hex');
}

interface Applied {
  version: number;
  name: string;
  checksum: string;
}

/**
 * Throws unless what the schema records applying agrees with this code: no version this code does not
 * know (a newer package migrated it), and the same checksum for each one it does.
 */
function checkApplied(schema: string, applied: Applied[], migrations: readonly Migration[]): void {
  const known = new Map(migrations.map((migration) => [migration.version, migration]));
  const newest = migrations.at(-1)?.version ?? 0;
  for (const row of applied) {
    const migration = known.get(row.version);
    if (migration === undefined) {
      throw new CorruptDataError(
        `PostgreSQL schema ${schema} has migration ${row.version} ("${row.name}") applied, newer than ${newest}, the newest this version of @omega/postgres knows: upgrade the package`,
        { details: { schema, version: row.version, newest } },
      );
    }
    const checksum = checksumOf(migration);
    if (row.checksum !== checksum) {
      throw new CorruptDataError(
        `PostgreSQL schema ${schema}: migration ${row.version} ("${row.name}") was applied with checksum ${row.checksum}, but this version of @omega/postgres has ${checksum}: the schema was made by other code`,
        { details: { schema, version: row.version, applied: row.checksum, expected: checksum } },
      );
    }
  }
}

async function appliedIn(client: Queryable, schema: string): Promise<Applied[]> {
  const { rows } = await client.query<Applied>(
    `SELECT version, name, checksum FROM ${schema}.omega_migrations ORDER BY version`,
  );
  return rows;
}

/**
 * Brings the database's schema up to this code's migrations. A process that finds every one applied
 * checks their checksums and returns, taking no lock. Otherwise, in one transaction under a
 * transaction-scoped advisory lock (never a session lock: those leak through a transaction-mode pooler
 * such as PgBouncer), it creates the schema and the migrations table if missing, reads what is applied,
 * and applies the rest in order, each recorded with its checksum: of many processes starting at once,
 * exactly one applies each migration, and the others see it applied.
 */
export async function migrate(
  db: MigrationTarget,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<void> {
  const { schema, schemaName } = db;
  try {
    const applied = await appliedIn(db.pool, schema);
    checkApplied(schemaName, applied, migrations);
    if (applied.length === migrations.length) return;
  } catch (error) {
    // 42P01 and 3F000: no migrations table or no schema yet, so migrate under the lock.
    const state = (error as { code?: string }).code;
    if (state !== '42P01' && state !== '3F000')
      throw storageFailure('migrate', error, { schema: schemaName });
  }
  try {
    await db.rawTransaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
        `omega.migrate:${schemaName}`,
      ]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${schema}.omega_migrations (
          version integer PRIMARY KEY,
          name text NOT NULL,
          checksum text NOT NULL,
          applied_at timestamptz NOT NULL DEFAULT clock_timestamp()
        )`,
      );
      const applied = await appliedIn(client, schema);
      checkApplied(schemaName, applied, migrations);
      const done = new Set(applied.map((row) => row.version));
      for (const migration of migrations) {
        if (done.has(migration.version)) continue;
        await client.query(migration.sql.replaceAll('{schema}', schema));
        await client.query(
          `INSERT INTO ${schema}.omega_migrations (version, name, checksum) VALUES ($1, $2, $3)`,
          [migration.version, migration.name, checksumOf(migration)],
        );
      }
    });
  } catch (error) {
    throw storageFailure('migrate', error, { schema: schemaName });
  }
}
