import { assertValidName, decode, Lifecycle, type SessionData, type SessionInfo } from '@omega/core';
import type { DeleteSessionOptions, SaveSessionOptions, SessionProvider } from './index.js';
import {
  assertVersion,
  expectedVersionOf,
  SESSION_KIND,
  serializeSession,
  sessionNotFound,
  timestampFrom,
} from './session-rules.js';

/** Options of {@link MemorySessionProvider}. */
export interface MemorySessionProviderOptions {
  /** Clock for `createdAt`/`updatedAt`, in milliseconds since the epoch (default `Date.now`). */
  now?: () => number;
}

interface StoredSession {
  text: string;
  size: number;
  createdAt: number;
  updatedAt: number;
  version: number;
}

/**
 * Sessions held in this process. Each session is kept as its serde text, so what a caller saves or loads
 * is never shared with the store, and values behave exactly as on disk.
 */
export class MemorySessionProvider implements SessionProvider {
  readonly #sessions = new Map<string, StoredSession>();
  readonly #lifecycle = new Lifecycle('MemorySessionProvider');
  readonly #now: () => number;

  constructor(options: MemorySessionProviderOptions = {}) {
    this.#now = options.now ?? Date.now;
  }

  async list(): Promise<SessionInfo[]> {
    this.#lifecycle.assertOpen('list');
    const names = [...this.#sessions.keys()].sort();
    return names.map((name) => infoOf(name, this.#sessions.get(name)!));
  }

  async load(name: string): Promise<SessionData | null> {
    this.#lifecycle.assertOpen('load');
    assertValidName(SESSION_KIND, name);
    const stored = this.#sessions.get(name);
    // The text is our own, written by save() after encodeRecord checked it, so decoding it yields SessionData.
    return stored ? (decode(stored.text) as SessionData) : null;
  }

  async save(name: string, data: SessionData, options?: SaveSessionOptions): Promise<void> {
    this.#lifecycle.assertOpen('save');
    assertValidName(SESSION_KIND, name);
    const expectedVersion = expectedVersionOf(name, options);
    const { text, size } = serializeSession(name, data);
    // No await from here on: the version check and the write are one atomic step for concurrent callers.
    const current = this.#sessions.get(name);
    assertVersion(name, expectedVersion, current?.version ?? 0);
    const now = timestampFrom(this.#now);
    this.#sessions.set(name, {
      text,
      size,
      createdAt: current?.createdAt ?? now,
      updatedAt: now,
      version: (current?.version ?? 0) + 1,
    });
  }

  async delete(name: string, options?: DeleteSessionOptions): Promise<void> {
    this.#lifecycle.assertOpen('delete');
    assertValidName(SESSION_KIND, name);
    const expectedVersion = expectedVersionOf(name, options);
    const current = this.#sessions.get(name);
    if (!current) throw sessionNotFound(name);
    assertVersion(name, expectedVersion, current.version);
    this.#sessions.delete(name);
  }

  async exists(name: string): Promise<boolean> {
    this.#lifecycle.assertOpen('exists');
    assertValidName(SESSION_KIND, name);
    return this.#sessions.has(name);
  }

  async info(name: string): Promise<SessionInfo | null> {
    this.#lifecycle.assertOpen('info');
    assertValidName(SESSION_KIND, name);
    const stored = this.#sessions.get(name);
    return stored ? infoOf(name, stored) : null;
  }

  /** Drops every session; later calls reject with `ClosedError`. Idempotent. */
  async close(): Promise<void> {
    if (this.#lifecycle.markClosed()) this.#sessions.clear();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

function infoOf(name: string, stored: StoredSession): SessionInfo {
  return {
    name,
    createdAt: stored.createdAt,
    updatedAt: stored.updatedAt,
    version: stored.version,
    size: stored.size,
  };
}
