import { resolve } from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import type { LockOptions } from './lock.js';

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
  const { durable, lockTimeoutMs } = options;
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
  return {
    // Resolved now: a later process.chdir must not move the store.
    root: resolve(options.root),
    durable: durable ?? true,
    lock: lockTimeoutMs === undefined ? {} : { timeoutMs: lockTimeoutMs },
  };
}
