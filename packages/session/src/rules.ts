import {
  ConflictError,
  decode,
  decodeRecord,
  documentSpec,
  encodeRecord,
  InvalidArgumentError,
  NotFoundError,
  ShapeParts,
  TimestampSchema,
  z,
} from '@omega/core';
import { type SessionData, type SessionInfo, sessionDataOf } from './index.js';

/** What this family's names name, in every error and name check. */
export const KIND = 'session';

/** Family fields of a stored session's header: what `info()` reports, readable without the body. */
const SessionHeaderSchema = z.object({
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
  sessionVersion: z.number().int().positive(),
});
export type SessionHeader = z.infer<typeof SessionHeaderSchema>;

/** How sessions are stored on any document backend: `sessions/<name>`, format `omega.session` v1. */
export const DOCUMENTS = documentSpec({ kind: KIND, folder: 'sessions', header: SessionHeaderSchema });

// The structure-only twin of SessionDataSchema: serde checks the values in the same walk.
const SessionDataShape = sessionDataOf(ShapeParts);

/**
 * Checks `data` against the session shape (a missing `meta` becomes `{}`) and encodes it, walking each
 * value once. Throws `InvalidArgumentError` naming the session and the first bad path.
 */
export function encodeSession(name: string, data: unknown): string {
  return encodeRecord(SessionDataShape, data, { kind: KIND, name }).text;
}

/**
 * Decodes a stored session body. A `prevalidated` body (written by this process from a checked session) is
 * decoded as is; any other is validated, and a bad one is a `CorruptDataError` naming the file.
 */
export function decodeSession(name: string, body: string, prevalidated: boolean, file?: string): SessionData {
  if (prevalidated) return decode(body) as SessionData;
  return decodeRecord(SessionDataShape, body, { kind: KIND, name, file });
}

/** The {@link SessionInfo} of a stored session's header. */
export function infoOf(stored: { name: string; header: SessionHeader; bodyBytes: number }): SessionInfo {
  const { createdAt, updatedAt, sessionVersion } = stored.header;
  return { name: stored.name, createdAt, updatedAt, version: sessionVersion, size: stored.bodyBytes };
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
      { details: { kind: KIND, name, option: 'expectedVersion', value: expected } },
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
    { details: { kind: KIND, name, expectedVersion, actualVersion } },
  );
}

/** The error of an operation that needs a session that does not exist. */
export function notFound(name: string): NotFoundError {
  return new NotFoundError(`session "${name}" does not exist`, { details: { kind: KIND, name } });
}
