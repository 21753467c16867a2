import { resolve } from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import type { LockOptions } from './lock.js';

// The bounds acquireLock puts on a lease (lock.ts): five heartbeats per lease, setInterval's largest delay.
const MIN_LEASE_MS = 5;
const MAX_LEASE_MS = 2 ** 31 - 1;

/** Options of a filesystem store and of each filesystem port. */
export interface FilesystemOptions {
  /** Store root directory (created with missing parents on first use); resolved to an absolute path at construction. */
  root: string;
  /** fsync writes and removals (default true); false keeps them atomic but not power-loss safe. A boolean. */
  durable?: boolean;
  /**
   * How long a write waits for another live process holding the lock it needs (default 30 000 ms): a
   * number >= 0 (`Infinity` waits as long as the holder lives). A holder that died is taken over at once.
   */
  lockTimeoutMs?: number;
  /**
   * The lease of this store's lock holders (default 10 000 ms, see `LockOptions.leaseMs`): how long a
   * contender that cannot check a holder (another pid namespace or host) waits for its next heartbeat
   * before taking the lock over. Writes stay exact whatever the lease: it only decides who waits.
   */
  lockLeaseMs?: number;
}

/** {@link FilesystemOptions} checked, with defaults. */
export interface CheckedFilesystemOptions {
  /** The absolute root. */
  root: string;
  durable: boolean;
  lock: LockOptions;
}

/**
 * Checks the options of a filesystem store or port at construction, so a bad one fails where it was given:
 * an `InvalidArgumentError` naming `subject` (what is being built: `a filesystem session store`) and the option.
 */
export function checkFilesystemOptions(
  subject: string,
  kind: string,
  options: FilesystemOptions,
): CheckedFilesystemOptions {
  if (typeof options?.root !== 'string' || options.root === '') {
    throw new InvalidArgumentError(`${subject} needs a non-empty root directory`, {
      details: { kind, option: 'root', value: options?.root },
    });
  }
  const { durable, lockTimeoutMs, lockLeaseMs } = options;
  if (durable !== undefined && typeof durable !== 'boolean') {
    throw new InvalidArgumentError(`option durable of ${subject} must be a boolean`, {
      details: { kind, option: 'durable', value: durable },
    });
  }
  // Infinity is allowed: wait for a live holder as long as it lives.
  if (lockTimeoutMs !== undefined && (typeof lockTimeoutMs !== 'number' || !(lockTimeoutMs >= 0))) {
    throw new InvalidArgumentError(
      `option lockTimeoutMs of ${subject} must be a number >= 0, got ${String(lockTimeoutMs)}`,
      { details: { kind, option: 'lockTimeoutMs', value: lockTimeoutMs } },
    );
  }
  if (
    lockLeaseMs !== undefined &&
    (!Number.isSafeInteger(lockLeaseMs) || lockLeaseMs < MIN_LEASE_MS || lockLeaseMs > MAX_LEASE_MS)
  ) {
    throw new InvalidArgumentError(
      `option lockLeaseMs of ${subject} must be an integer from ${MIN_LEASE_MS} to ${MAX_LEASE_MS}, got ${String(lockLeaseMs)}`,
      { details: { kind, option: 'lockLeaseMs', value: lockLeaseMs } },
    );
  }
  const lock: LockOptions = {};
  if (lockTimeoutMs !== undefined) lock.timeoutMs = lockTimeoutMs;
  if (lockLeaseMs !== undefined) lock.leaseMs = lockLeaseMs;
  return {
    // Resolved now: a later process.chdir must not move the store.
    root: resolve(options.root),
    durable: durable ?? true,
    lock,
  };
}
