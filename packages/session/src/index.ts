import { CheckedParts, type Closable, NameSchema, type RecordParts, TimestampSchema, z } from '@omega/core';

export { emptyState, type State, StateSchema, type Val } from '@omega/core';

/** The session record over a set of record parts (checked ones for the public schema). */
export function sessionDataOf(parts: RecordParts) {
  return z.object({ state: parts.state, meta: parts.valRecord.default({}) });
}

/** What a session persists: the machine state and free-form metadata. */
export const SessionDataSchema = sessionDataOf(CheckedParts);
export type SessionData = z.infer<typeof SessionDataSchema>;
/** {@link SessionData} as a caller may pass it (fields with defaults may be left out). */
export type SessionDataInput = z.input<typeof SessionDataSchema>;

/** What `list()` and `info()` report of a stored session. */
export const SessionInfoSchema = z.object({
  name: NameSchema,
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
  /** Bumped by every save; a new session starts at 1. */
  version: z.number().int().positive(),
  /** Bytes of the serialized {@link SessionData}. */
  size: z.number().int().nonnegative(),
});
export type SessionInfo = z.infer<typeof SessionInfoSchema>;

/** Options of {@link SessionProvider.save}. */
export interface SaveSessionOptions {
  /**
   * Reject with `ConflictError` unless the stored version equals this (0 = the session must not exist).
   * Left out, the save is last-writer-wins.
   */
  expectedVersion?: number;
}

/** Options of {@link SessionProvider.delete}. */
export interface DeleteSessionOptions {
  /** Reject with `ConflictError` unless the stored version equals this. */
  expectedVersion?: number;
}

/**
 * Persistence of named sessions: a machine state plus free-form metadata, with a version that every save
 * bumps so concurrent writers can use optimistic concurrency (`expectedVersion`).
 */
export interface SessionProvider extends Closable {
  /** List all sessions, sorted by name. */
  list(): Promise<SessionInfo[]>;

  /** Load session by name; `null` when there is none. */
  load(name: string): Promise<SessionData | null>;

  /**
   * Save session (create or replace). The new version is the stored one plus 1 (a new session starts at 1);
   * `createdAt` is kept across saves and `updatedAt` set to now. A `meta` left out is stored as `{}`.
   */
  save(name: string, data: SessionData, options?: SaveSessionOptions): Promise<void>;

  /** Delete session; `NotFoundError` when there is none. */
  delete(name: string, options?: DeleteSessionOptions): Promise<void>;

  /** Check if session exists. */
  exists(name: string): Promise<boolean>;

  /** One session's info, or `null` when there is none. */
  info(name: string): Promise<SessionInfo | null>;
}
