import {
  assertValidName,
  DocumentStore,
  decodeRecord,
  InvalidArgumentError,
  Lifecycle,
  RecordShapes,
  type SessionData,
  type SessionInfo,
  TimestampSchema,
  z,
} from '@omega/core';
import type { DeleteSessionOptions, SaveSessionOptions, SessionProvider } from './index.js';
import {
  assertVersion,
  expectedVersionOf,
  SESSION_KIND,
  serializeSession,
  sessionNotFound,
  timestampFrom,
} from './session-rules.js';

/** Options of {@link FilesystemSessionProvider}. */
export interface FilesystemSessionProviderOptions {
  /** Store root; sessions live in `<root>/sessions/`, created on first use. */
  root: string;
  /** fsync files and the folder on every save (default true); false trades crash safety for speed. */
  durable?: boolean;
  /** Clock for `createdAt`/`updatedAt`, in milliseconds since the epoch (default `Date.now`). */
  now?: () => number;
  /**
   * How long a save or delete waits for another live process holding the session's lock before a
   * `ConflictError`, in milliseconds (default 30 000). A holder that died is taken over at once.
   */
  lockTimeoutMs?: number;
}

/** Family fields of the header line of a session file. */
const SessionHeaderSchema = z.object({
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
  sessionVersion: z.number().int().positive(),
});
type SessionHeader = z.infer<typeof SessionHeaderSchema>;

/**
 * Sessions as one framed file each, `<root>/sessions/<name>.jsonl` (format `omega.session`, version 1):
 * a header line with the version and timestamps, then the serde text of the session. Saves are atomic
 * replaces taken under a per-session cross-process lock, so versions are exact across processes and a
 * crash leaves the previous or the new session, never a torn one.
 */
export class FilesystemSessionProvider implements SessionProvider {
  readonly #store: DocumentStore<SessionHeader>;
  readonly #lifecycle = new Lifecycle('FilesystemSessionProvider');
  readonly #now: () => number;

  constructor(options: FilesystemSessionProviderOptions) {
    if (typeof options?.root !== 'string' || options.root === '') {
      throw new InvalidArgumentError('FilesystemSessionProvider needs a root directory', {
        details: { kind: SESSION_KIND, option: 'root', value: options?.root },
      });
    }
    this.#now = options.now ?? Date.now;
    this.#store = new DocumentStore<SessionHeader>({
      root: options.root,
      folder: 'sessions',
      kind: SESSION_KIND,
      format: 'omega.session',
      version: 1,
      header: SessionHeaderSchema,
      durable: options.durable,
      lockTimeoutMs: options.lockTimeoutMs,
    });
  }

  async list(): Promise<SessionInfo[]> {
    this.#lifecycle.assertOpen('list');
    return (await this.#store.headers()).map((document) => infoOf(document.name, document));
  }

  async load(name: string): Promise<SessionData | null> {
    this.#lifecycle.assertOpen('load');
    assertValidName(SESSION_KIND, name);
    const document = await this.#store.read(name);
    if (!document) return null;
    return decodeRecord(RecordShapes.sessionData, document.body, {
      kind: SESSION_KIND,
      name,
      file: document.file,
    });
  }

  async save(name: string, data: SessionData, options?: SaveSessionOptions): Promise<void> {
    this.#lifecycle.assertOpen('save');
    assertValidName(SESSION_KIND, name);
    const expectedVersion = expectedVersionOf(name, options);
    // Serialize before taking the lock, so the lock is held only for the read-check-write.
    const { text } = serializeSession(name, data);
    await this.#store.withLock(name, async () => {
      const current = (await this.#store.readHeader(name))?.header;
      assertVersion(name, expectedVersion, current?.sessionVersion ?? 0);
      const now = timestampFrom(this.#now);
      await this.#store.write(
        name,
        {
          createdAt: current?.createdAt ?? now,
          updatedAt: now,
          sessionVersion: (current?.sessionVersion ?? 0) + 1,
        },
        text,
      );
    });
  }

  /**
   * Deletes a session. Without `expectedVersion` the file is removed without being read, so this is
   * also how a corrupt session is cleared.
   */
  async delete(name: string, options?: DeleteSessionOptions): Promise<void> {
    this.#lifecycle.assertOpen('delete');
    assertValidName(SESSION_KIND, name);
    const expectedVersion = expectedVersionOf(name, options);
    await this.#store.withLock(name, async () => {
      if (expectedVersion !== undefined) {
        const current = await this.#store.readHeader(name);
        if (!current) throw sessionNotFound(name);
        assertVersion(name, expectedVersion, current.header.sessionVersion);
      }
      if (!(await this.#store.remove(name))) throw sessionNotFound(name);
    });
  }

  async exists(name: string): Promise<boolean> {
    this.#lifecycle.assertOpen('exists');
    assertValidName(SESSION_KIND, name);
    return (await this.#store.readHeader(name)) !== null;
  }

  async info(name: string): Promise<SessionInfo | null> {
    this.#lifecycle.assertOpen('info');
    assertValidName(SESSION_KIND, name);
    return this.#info(name);
  }

  /** Later calls reject with `ClosedError`; files stay on disk. Idempotent. */
  async close(): Promise<void> {
    this.#lifecycle.markClosed();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #info(name: string): Promise<SessionInfo | null> {
    const document = await this.#store.readHeader(name);
    return document && infoOf(name, document);
  }
}

function infoOf(name: string, document: { header: SessionHeader; bodyBytes: number }): SessionInfo {
  const { createdAt, updatedAt, sessionVersion } = document.header;
  return { name, createdAt, updatedAt, version: sessionVersion, size: document.bodyBytes };
}
