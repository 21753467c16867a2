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
 * path (the failing call's own path when it has one), the operation and the errno code, with the system
 * error as its cause; anything else is returned as it is.
 */
export function asStorageFailure(error: unknown, context: FailureContext): unknown {
  if (!isSystemError(error)) return error;
  const file = typeof error.path === 'string' ? error.path : context.file;
  const subject = context.name === undefined ? context.kind : `${context.kind} "${context.name}"`;
  return new StorageFailureError(`${context.operation} of ${subject} failed: ${error.code} at ${file}`, {
    cause: error,
    details: {
      kind: context.kind,
      ...(context.name === undefined ? {} : { name: context.name }),
      operation: context.operation,
      file,
      errno: error.code,
      ...(error.syscall === undefined ? {} : { syscall: error.syscall }),
    },
  });
}
