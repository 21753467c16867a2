import type { Closable, SessionData, SessionInfo } from '@omega/core';

export {
  emptyState,
  type SessionData,
  type SessionDataInput,
  SessionDataSchema,
  type SessionInfo,
  SessionInfoSchema,
  type State,
  StateSchema,
  type Val,
} from '@omega/core';

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
