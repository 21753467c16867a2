import { isOmegaError, StorageFailureError } from '@omega/core';

/** SQLSTATE classes and codes after which a transaction may be run again as it was. */
const RETRYABLE = new Set(['40001', '40P01']);

/** SQLSTATEs of a server that went away: the connection is lost, not the statement refused. */
const CONNECTION_LOST = /^(08|57P0[123])/;

/** Messages of node-postgres and Node for a connection that dropped or could not be made. */
const DROPPED =
  /Connection terminated|connection timeout|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|Client has encountered a connection error/i;

/** The SQLSTATE of a server error, if it is one. */
export function sqlstateOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** Whether a transaction that failed with `error` may be run again (a serialization failure or deadlock). */
export function isRetryable(error: unknown): boolean {
  const state = sqlstateOf(error);
  return state !== undefined && RETRYABLE.has(state);
}

/** Whether `error` says the connection is gone (the server restarted, the backend was terminated). */
export function isConnectionLost(error: unknown): boolean {
  const state = sqlstateOf(error);
  if (state !== undefined) return CONNECTION_LOST.test(state);
  return error instanceof Error && DROPPED.test(error.message);
}

/**
 * The typed error of a failed statement: an Omega error passes as it is; anything else becomes a
 * `StorageFailureError` naming the operation, with `details.sqlstate` and `details.outcome`: `'unknown'`
 * when the connection dropped while the statement ran (it may have committed: retry with the family's
 * idempotency key or condition, never blindly), `'not applied'` when the server refused it.
 */
export function storageFailure(
  operation: string,
  error: unknown,
  details: Record<string, unknown> = {},
): Error {
  if (isOmegaError(error)) return error;
  const lost = isConnectionLost(error);
  const sqlstate = sqlstateOf(error);
  const reason = error instanceof Error ? error.message : String(error);
  return new StorageFailureError(
    `PostgreSQL ${operation} failed${lost ? ' (the connection was lost; the outcome is unknown)' : ''}: ${reason}`,
    { cause: error, details: { ...details, operation, sqlstate, outcome: lost ? 'unknown' : 'not applied' } },
  );
}
