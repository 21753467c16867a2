import { InvalidArgumentError } from '@omega/core';
import type pg from 'pg';
import { DEFAULT_SCHEMA, quotedSchema } from './schema-name.js';

/** Where a {@link PostgresStore} connects: a connection string (it makes and ends its pool) or your pool. */
export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database`: the store makes a `pg.Pool` and ends it on close. */
  connectionString?: string;
  /**
   * A `pg.Pool` of yours (node-postgres), kept open on close. Set `statement_timeout`, `lock_timeout` and
   * `idle_in_transaction_session_timeout` on it yourself: the store sets them only on a pool it makes.
   */
  pool?: pg.Pool;
  /** The schema holding the tables, made by the migrations (default `omega`; `a-z 0-9 _`, at most 48). */
  schema?: string;
  /** Connections of the pool the store makes (default 10). */
  maxConnections?: number;
  /** Longest a statement runs before the server cancels it, in ms (default 30,000). */
  statementTimeoutMs?: number;
  /** Longest a statement waits for a row or table lock, in ms (default 10,000). */
  lockTimeoutMs?: number;
  /** Longest a transaction stays open and idle before the server ends its session, in ms (default 60,000). */
  idleInTransactionTimeoutMs?: number;
  /**
   * Whether statements are named, so each connection prepares them once (default true). A pooler in
   * transaction mode must support protocol-level prepared statements (PgBouncer 1.21+ with
   * `max_prepared_statements` set); set false for one that does not.
   */
  prepare?: boolean;
  /** How long a document lock holder keeps its lock without renewing it, in ms (default 10,000). */
  lockLeaseMs?: number;
  /** How long `withLock` waits for a held document lock before a `ConflictError`, in ms (default 30,000). */
  lockWaitMs?: number;
  /**
   * Called with the error of an idle pooled connection that failed (the server restarted, the backend was
   * terminated); the pool has already dropped it. Default: ignored, as the next statement reconnects.
   */
  onPoolError?: (error: Error) => void;
}

/** {@link PostgresStoreOptions} checked, with defaults. */
export interface CheckedOptions {
  connectionString?: string;
  pool?: pg.Pool;
  schema: string;
  quotedSchema: string;
  maxConnections: number;
  statementTimeoutMs: number;
  lockTimeoutMs: number;
  idleInTransactionTimeoutMs: number;
  lockLeaseMs: number;
  lockWaitMs: number;
  prepare: boolean;
  onPoolError: (error: Error) => void;
}

const KNOWN = new Set([
  'connectionString',
  'pool',
  'schema',
  'maxConnections',
  'statementTimeoutMs',
  'lockTimeoutMs',
  'idleInTransactionTimeoutMs',
  'lockLeaseMs',
  'lockWaitMs',
  'prepare',
  'onPoolError',
]);

function optionError(provider: string, option: string, value: unknown, rule: string): InvalidArgumentError {
  return new InvalidArgumentError(`${provider}: option ${option} ${rule}`, {
    details: { provider, option, value },
  });
}

function positive(
  provider: string,
  options: PostgresStoreOptions,
  option: keyof PostgresStoreOptions,
  fallback: number,
) {
  const value = options[option];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw optionError(provider, option, value, 'must be a positive integer');
  }
  return value;
}

/**
 * Checks a store's options: exactly one of `connectionString` and `pool`, a valid schema name, positive
 * integer limits, and no unknown option (a typo is an `InvalidArgumentError`, not a silent default).
 */
export function checkOptions(provider: string, options: PostgresStoreOptions): CheckedOptions {
  if (typeof options !== 'object' || options === null) {
    throw optionError(provider, 'options', options, 'must be an object with connectionString or pool');
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key))
      throw optionError(provider, key, (options as Record<string, unknown>)[key], 'is not known');
  }
  const { connectionString, pool } = options;
  if ((connectionString === undefined) === (pool === undefined)) {
    throw optionError(provider, 'connectionString', connectionString, 'or pool must be given, and not both');
  }
  if (connectionString !== undefined && (typeof connectionString !== 'string' || connectionString === '')) {
    throw optionError(provider, 'connectionString', '(hidden)', 'must be a non-empty string');
  }
  if (
    pool !== undefined &&
    (typeof pool !== 'object' || pool === null || typeof pool.connect !== 'function')
  ) {
    throw optionError(provider, 'pool', typeof pool, 'must be a pg.Pool');
  }
  const onPoolError = options.onPoolError ?? (() => {});
  if (typeof onPoolError !== 'function')
    throw optionError(provider, 'onPoolError', onPoolError, 'must be a function');
  const prepare = options.prepare ?? true;
  if (typeof prepare !== 'boolean') throw optionError(provider, 'prepare', prepare, 'must be a boolean');
  const schema = options.schema ?? DEFAULT_SCHEMA;
  return {
    connectionString,
    pool,
    schema,
    quotedSchema: quotedSchema(schema),
    maxConnections: positive(provider, options, 'maxConnections', 10),
    statementTimeoutMs: positive(provider, options, 'statementTimeoutMs', 30_000),
    lockTimeoutMs: positive(provider, options, 'lockTimeoutMs', 10_000),
    idleInTransactionTimeoutMs: positive(provider, options, 'idleInTransactionTimeoutMs', 60_000),
    lockLeaseMs: positive(provider, options, 'lockLeaseMs', 10_000),
    lockWaitMs: positive(provider, options, 'lockWaitMs', 30_000),
    prepare,
    onPoolError,
  };
}
