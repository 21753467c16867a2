import { type DocumentBackend, DocumentFront, type FrontOptions } from '@omega/core';
import type {
  DeleteSessionOptions,
  SaveSessionOptions,
  SessionData,
  SessionInfo,
  SessionProvider,
} from './index.js';
import {
  assertVersion,
  decodeSession,
  encodeSession,
  expectedVersionOf,
  infoOf,
  KIND,
  notFound,
  type SessionHeader,
} from './rules.js';

/** Options every session backend takes: `now`, the clock of `createdAt`/`updatedAt` (default `Date.now`). */
export type SessionFrontOptions = FrontOptions;

/**
 * The session family's rules, written once over a {@link DocumentBackend}: every backend (memory,
 * filesystem, PostgreSQL) is this front over its own port. A save is the port's read-modify-write
 * (`update`) and a delete runs under its per-name lock, so versions are exact across every process the
 * backend is shared with.
 */
export class SessionFront extends DocumentFront<SessionHeader> implements SessionProvider {
  /** @param provider The provider's class name, for errors. */
  constructor(provider: string, backend: DocumentBackend<SessionHeader>, options?: SessionFrontOptions) {
    super(provider, KIND, backend, options);
  }

  async list(): Promise<SessionInfo[]> {
    this.lifecycle.assertOpen('list');
    return (await this.backend.headers()).map(infoOf);
  }

  async load(name: string): Promise<SessionData | null> {
    this.lifecycle.assertNamed('load', name);
    const document = await this.backend.read(name);
    return document && decodeSession(name, document.body, this.backend.trusted, document.file);
  }

  async save(name: string, data: SessionData, options?: SaveSessionOptions): Promise<void> {
    this.lifecycle.assertNamed('save', name);
    const expectedVersion = expectedVersionOf(name, options);
    // Encoded before taking the lock, so the lock is held only for the read-check-write.
    const body = encodeSession(name, data);
    await this.backend.update(name, (stored) => {
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
    await this.backend.withLock(name, async () => {
      if (expectedVersion !== undefined) {
        const current = await this.backend.readHeader(name);
        if (!current) throw notFound(name);
        assertVersion(name, expectedVersion, current.header.sessionVersion);
      }
      if (!(await this.backend.remove(name))) throw notFound(name);
    });
  }

  async exists(name: string): Promise<boolean> {
    this.lifecycle.assertNamed('exists', name);
    return (await this.backend.readHeader(name)) !== null;
  }

  async info(name: string): Promise<SessionInfo | null> {
    this.lifecycle.assertNamed('info', name);
    const stored = await this.backend.readHeader(name);
    return stored && infoOf(stored);
  }
}
