import { DocumentFront, type FrontInit, type FrontOptions, type Store } from '@omega/core';
import type {
  DeleteSessionOptions,
  SaveSessionOptions,
  SessionData,
  SessionInfo,
  SessionProvider,
} from './index.js';
import {
  assertVersion,
  DOCUMENTS,
  decodeSession,
  encodeSession,
  expectedVersionOf,
  infoOf,
  notFound,
  type SessionHeader,
} from './rules.js';

/** Options every session backend takes: `now`, the clock of `createdAt`/`updatedAt` (default `Date.now`). */
export type SessionFrontOptions = FrontOptions;

/**
 * The session family's rules, written once over the document port of any {@link Store}: every provider
 * (memory, filesystem, PostgreSQL) is this front over its own store, and a store from another package
 * gets a session provider as `new SessionFront(store)`. A save is the port's read-modify-write
 * (`update`) and a delete runs under its per-name lock, so versions are exact across every process the
 * store is shared with.
 */
export class SessionFront extends DocumentFront<SessionHeader> implements SessionProvider {
  /** Where and how sessions are stored in a store: `sessions/<name>`, format `omega.session`. */
  static readonly DOCUMENTS = DOCUMENTS;

  /** A session provider over `store`'s documents; `init` is for provider classes (their name, the store's ownership). */
  constructor(store: Store, options?: SessionFrontOptions, init?: FrontInit) {
    super(DOCUMENTS, store, options, init);
  }

  async list(): Promise<SessionInfo[]> {
    this.lifecycle.assertOpen('list');
    return (await this.documents.headers({ limit: Number.POSITIVE_INFINITY })).map(infoOf);
  }

  async load(name: string): Promise<SessionData | null> {
    this.lifecycle.assertNamed('load', name);
    const document = await this.documents.read(name);
    return document && decodeSession(name, document.body, this.documents.prevalidated, document.file);
  }

  async save(name: string, data: SessionData, options?: SaveSessionOptions): Promise<void> {
    this.lifecycle.assertNamed('save', name);
    const expectedVersion = expectedVersionOf(name, options);
    // Encoded before taking the lock, so the lock is held only for the read-check-write.
    const body = encodeSession(name, data);
    await this.documents.update(name, (stored) => {
      const current = stored?.header;
      assertVersion(name, expectedVersion, current?.sessionVersion ?? 0);
      const now = this.timestamp(name);
      const header = {
        createdAt: current?.createdAt ?? now,
        updatedAt: now,
        sessionVersion: (current?.sessionVersion ?? 0) + 1,
      };
      return { header, body };
    });
  }

  /**
   * Deletes a session. Without `expectedVersion` the stored session is removed without being read, so
   * this is also how a corrupt one is cleared.
   */
  async delete(name: string, options?: DeleteSessionOptions): Promise<void> {
    this.lifecycle.assertNamed('delete', name);
    const expectedVersion = expectedVersionOf(name, options);
    // The fence makes the remove land only over the session this holder checked, even if it stalls past
    // the lock's lease and another writer saves meanwhile (a ConflictError then).
    await this.documents.withLock(name, async (fence) => {
      if (expectedVersion !== undefined) {
        const current = await this.documents.readHeader(name);
        if (!current) throw notFound(name);
        assertVersion(name, expectedVersion, current.header.sessionVersion);
      }
      if (!(await this.documents.remove(name, { fence }))) throw notFound(name);
    });
  }

  async exists(name: string): Promise<boolean> {
    this.lifecycle.assertNamed('exists', name);
    return (await this.documents.readHeader(name)) !== null;
  }

  async info(name: string): Promise<SessionInfo | null> {
    this.lifecycle.assertNamed('info', name);
    const stored = await this.documents.readHeader(name);
    return stored && infoOf(stored);
  }
}
