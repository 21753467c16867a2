import {
  ConflictError,
  encodeRecord,
  InvalidArgumentError,
  NotFoundError,
  RecordShapes,
  TimestampSchema,
} from '@omega/core';

/** The kind every error and name check of this family reports. */
export const SESSION_KIND = 'session';

/** A session validated and serialized for storage: the serde text and its UTF-8 byte length. */
export interface SerializedSession {
  text: string;
  size: number;
}

/**
 * Checks `data` against the session shape (so a missing `meta` becomes `{}`) and encodes it, walking each
 * value once. Throws `InvalidArgumentError` naming the session and the first bad path; nothing is stored
 * by then.
 */
export function serializeSession(name: string, data: unknown): SerializedSession {
  const { text } = encodeRecord(RecordShapes.sessionData, data, { kind: SESSION_KIND, name });
  return { text, size: Buffer.byteLength(text, 'utf8') };
}

/** Validates `options.expectedVersion`: absent, or a non-negative safe integer. */
export function expectedVersionOf(
  name: string,
  options: { expectedVersion?: number } | undefined,
): number | undefined {
  const expected = options?.expectedVersion;
  if (expected === undefined) return undefined;
  if (!Number.isSafeInteger(expected) || expected < 0) {
    throw new InvalidArgumentError(
      `expectedVersion for session "${name}" must be a non-negative integer, got ${String(expected)}`,
      { details: { kind: SESSION_KIND, name, option: 'expectedVersion', value: expected } },
    );
  }
  return expected;
}

/** Throws `ConflictError` when an expected version was given and the stored one (0 = none) differs. */
export function assertVersion(
  name: string,
  expectedVersion: number | undefined,
  actualVersion: number,
): void {
  if (expectedVersion === undefined || expectedVersion === actualVersion) return;
  throw new ConflictError(
    `session "${name}" is at version ${actualVersion}, expected version ${expectedVersion}`,
    { details: { kind: SESSION_KIND, name, expectedVersion, actualVersion } },
  );
}

/** The error of an operation that needs a session that does not exist. */
export function sessionNotFound(name: string): NotFoundError {
  return new NotFoundError(`session "${name}" does not exist`, { details: { kind: SESSION_KIND, name } });
}

/** Reads the clock, refusing what is not a timestamp (it would make an unreadable record). */
export function timestampFrom(now: () => number): number {
  const value = now();
  if (!TimestampSchema.safeParse(value).success) {
    throw new InvalidArgumentError(
      `now() returned ${String(value)}, not a non-negative integer of milliseconds`,
      {
        details: { kind: SESSION_KIND, option: 'now', value },
      },
    );
  }
  return value;
}
