import { isOmegaError, StorageFailureError } from '../errors.js';

/** Where a filesystem failure happened: the provider operation, and what it worked on. */
export interface FailureContext {
  /** The record kind, as errors name it (`session`). */
  kind: string;
  /** The provider-level operation (`write`, `read`, `list`, `lock`, ...). */
  operation: string;
  /** The record's name, when the operation has one. */
  name?: string;
  /** The path the operation worked on. */
  file: string;
}

/**
 * What became of a write that failed after it started to land, reported in the storage failure's details
 * (`outcome`) so that a caller does not retry blindly:
 * - `visible`: the new value is in place and readers see it, but it may not survive a crash (the
 *   directory's fsync failed);
 * - `pending`: it is claimed over the state it read, and the next write of the document completes it
 *   (see document-commit.ts); readers may not see it until then.
 */
export type WriteOutcome = 'visible' | 'pending';

const OUTCOMES: Record<WriteOutcome, string> = {
  visible: 'the new value is visible but may not survive a crash',
  pending: 'the write is claimed and the next write of this document completes it',
};
const OUTCOME = Symbol('omega.writeOutcome');

/** Marks a system error with what became of the write it failed: see {@link WriteOutcome}. */
export function withOutcome(error: unknown, outcome: WriteOutcome): unknown {
  if (isSystemError(error)) (error as { [OUTCOME]?: WriteOutcome })[OUTCOME] = outcome;
  return error;
}

/** True for an error a system call raised (it carries an errno code such as `EIO`). */
export function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  return (
    error instanceof Error &&
    typeof (error as NodeJS.ErrnoException).code === 'string' &&
    !isOmegaError(error)
  );
}

/**
 * `error` as the error a store reports: a system error becomes a {@link StorageFailureError} naming the
 * file the caller asked about (`file`; the failing call's own path, such as a temp file, as `path` when it
 * differs), the operation, the errno code and, for a write that failed after it started to land, its
 * `outcome`; the system error is its cause. Anything else is returned as it is.
 */
export function asStorageFailure(error: unknown, context: FailureContext): unknown {
  if (!isSystemError(error)) return error;
  // The document, log or blob the caller asked for; the call's own path (a temp file, a claim) only beside it.
  const file = context.file;
  const path = typeof error.path === 'string' && error.path !== file ? error.path : undefined;
  const subject = context.name === undefined ? context.kind : `${context.kind} "${context.name}"`;
  const outcome = (error as { [OUTCOME]?: WriteOutcome })[OUTCOME];
  const said = outcome === undefined ? '' : ` (${OUTCOMES[outcome]})`;
  return new StorageFailureError(
    `${context.operation} of ${subject} failed: ${error.code} at ${file}${said}`,
    {
      cause: error,
      details: {
        kind: context.kind,
        ...(context.name === undefined ? {} : { name: context.name }),
        operation: context.operation,
        file,
        errno: error.code,
        ...(error.syscall === undefined ? {} : { syscall: error.syscall }),
        ...(path === undefined ? {} : { path }),
        ...(outcome === undefined ? {} : { outcome }),
      },
    },
  );
}
