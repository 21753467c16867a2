/** Machine-readable code of every {@link OmegaError}. */
export type OmegaErrorCode =
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'INVALID_NAME'
  | 'INVALID_ARGUMENT'
  | 'CORRUPT_DATA'
  | 'CONFLICT'
  | 'BUDGET_EXCEEDED'
  | 'CAPABILITY_DENIED'
  | 'CLOSED'
  | 'STORAGE_FAILURE'
  /** A failure a test scripted on a mock provider (`MockFailureError` of `@omega/core/testing`). */
  | 'SCRIPTED_FAILURE';

// A registry-wide symbol, so two installed copies of @omega/core recognise each other's errors.
const MARKER = Symbol.for('omega.providers.error');

/** Structured context carried by every error: what was involved and where. */
export type ErrorDetails = Record<string, unknown>;

export interface OmegaErrorOptions {
  cause?: unknown;
  details?: ErrorDetails;
}

/** Base class of every error thrown by Omega providers. Check with {@link isOmegaError}, not `instanceof`. */
export class OmegaError extends Error {
  readonly [MARKER] = true;
  /** Stable machine-readable code. */
  readonly code: OmegaErrorCode;
  /** Structured fields naming the thing and the place (name, path, provider, ...). */
  readonly details: ErrorDetails;

  constructor(code: OmegaErrorCode, message: string, options: OmegaErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options.details ?? {};
  }
}

/** True when `error` is an {@link OmegaError} (from any installed copy), optionally of the given code. */
export function isOmegaError(error: unknown, code?: OmegaErrorCode): error is OmegaError {
  if (typeof error !== 'object' || error === null) return false;
  if ((error as Record<symbol, unknown>)[MARKER] !== true) return false;
  return code === undefined || (error as OmegaError).code === code;
}

/** A thing that an operation needs does not exist. */
export class NotFoundError extends OmegaError {
  constructor(message: string, options?: OmegaErrorOptions) {
    super('NOT_FOUND', message, options);
  }
}

/** A thing to be created exists already. */
export class AlreadyExistsError extends OmegaError {
  constructor(message: string, options?: OmegaErrorOptions) {
    super('ALREADY_EXISTS', message, options);
  }
}

/** A name does not follow the naming rule ({@link NAME_RULE}). */
export class InvalidNameError extends OmegaError {
  constructor(message: string, options?: OmegaErrorOptions) {
    super('INVALID_NAME', message, options);
  }
}

/** An argument cannot be accepted (a value that cannot be stored, a bad option, ...). */
export class InvalidArgumentError extends OmegaError {
  constructor(message: string, options?: OmegaErrorOptions) {
    super('INVALID_ARGUMENT', message, options);
  }
}

/** Stored data failed validation; `details.file` and `details.path` say where. */
export class CorruptDataError extends OmegaError {
  constructor(message: string, options?: OmegaErrorOptions) {
    super('CORRUPT_DATA', message, options);
  }
}

/** A concurrent change won: an expected version did not match, or a lock could not be taken. */
export class ConflictError extends OmegaError {
  constructor(message: string, options?: OmegaErrorOptions) {
    super('CONFLICT', message, options);
  }
}

/** Spending would exceed a budget limit. */
export class BudgetExceededError extends OmegaError {
  constructor(message: string, options?: OmegaErrorOptions) {
    super('BUDGET_EXCEEDED', message, options);
  }
}

/** A capability the operation needs is not granted. */
export class CapabilityDeniedError extends OmegaError {
  constructor(message: string, options?: OmegaErrorOptions) {
    super('CAPABILITY_DENIED', message, options);
  }
}

/** The provider was closed; no further calls are accepted. */
export class ClosedError extends OmegaError {
  constructor(message: string, options?: OmegaErrorOptions) {
    super('CLOSED', message, options);
  }
}

/**
 * The storage under a provider failed: an I/O error, a full disk, a permission or a file-descriptor limit.
 * `details.file` names the path, `details.operation` the provider operation, `details.errno` the system
 * code (`EIO`, `ENOSPC`, ...); `cause` is the system error. What was stored before is intact.
 */
export class StorageFailureError extends OmegaError {
  constructor(message: string, options?: OmegaErrorOptions) {
    super('STORAGE_FAILURE', message, options);
  }
}
