import { StorageFailureError } from '@omega/core';
import type { Database } from './database.js';

/**
 * The database server's clock, `clock_timestamp()` (the time of the call, not of the transaction's start),
 * in whole milliseconds since the epoch: the one clock every process and machine connected to the server
 * agrees on, so lease and reservation expiries written by one are judged the same by all.
 */
export async function databaseNow(db: Database): Promise<number> {
  const { rows } = await db.query<{ ms: number }>(
    'now',
    'SELECT floor(extract(epoch FROM clock_timestamp()) * 1000)::float8 AS ms',
  );
  const ms = rows[0]?.ms;
  if (typeof ms === 'number' && Number.isSafeInteger(ms) && ms >= 0) return ms;
  throw new StorageFailureError(`PostgreSQL clock_timestamp() read as ${String(ms)}, not milliseconds`, {
    details: { provider: db.provider, operation: 'now', schema: db.schemaName, value: ms },
  });
}
