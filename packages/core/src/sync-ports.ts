import type { BlobSpec } from './blobs.js';
import type { DocumentSpec, DocumentWriteOptions, StoredDocument, StoredHeader } from './documents.js';
import { ConflictError, InvalidArgumentError } from './errors.js';
import type { AppendOptions, LogEntry, LogEntryInput, LogReadOptions, LogSpec } from './log.js';
import type { PageOptions } from './pages.js';

/*
 * The synchronous faces of the storage ports, for the families whose seed interface is synchronous
 * (artifact, logic, governance, expert registration). A face keeps its port's contract method for method:
 * the same semantics, the same errors, thrown instead of rejected. A store's synchronous face of a folder
 * and its asynchronous port of that folder are one port: they share the data, the locks and the caches,
 * so fronts of both kinds over one store see each other's writes and exclude each other.
 *
 * What a synchronous call cannot do is wait for this process: one thread cannot let the holder of a lock
 * it needs run to the end. A lock held in this process (by the asynchronous port, or another synchronous
 * holder) is therefore a `ConflictError` at once from a face; a holder in another process is waited for
 * (the filesystem face blocks the thread, without spinning). Locks of a face are for short critical
 * sections: while a synchronous call runs, the event loop is blocked, and other holders wait all that time
 * (a filesystem lock's heartbeat runs on a worker thread, so the holder keeps its lease).
 */

/** A lock a synchronous face handed out: held until `release()`. */
export interface SyncLock {
  /** Fencing token: strictly greater than that of every earlier holder of the lock, through either face. */
  readonly fence: number;
  /**
   * Releases the lock; idempotent. True when this call or an earlier one released it; false when it was
   * lost while held (a filesystem lock taken over meanwhile: what was written stays written).
   */
  release(): boolean;
}

/**
 * The synchronous face of a {@link DocumentBackend}: every method of the port, synchronous, with the same
 * semantics and errors (thrown, never returned as rejected promises).
 */
export interface SyncDocumentBackend<H> {
  /** As {@link DocumentBackend.prevalidated}. */
  readonly prevalidated: boolean;
  /** The whole document `name`, or null when there is none. */
  read(name: string): StoredDocument<H> | null;
  /** Only the header of document `name`, or null when there is none. */
  readHeader(name: string): StoredHeader<H> | null;
  /** The headers of the documents, sorted by name (UTF-16 code units), one page at a time. */
  headers(options?: PageOptions): StoredHeader<H>[];
  /** The names of the stored documents, sorted (UTF-16 code units), one page at a time. */
  names(options?: PageOptions): string[];
  /** Creates or atomically replaces document `name` (fenced: see {@link DocumentWriteOptions}). */
  write(name: string, header: H, body: string, options?: DocumentWriteOptions): void;
  /** Creates document `name` only if there is none: an `AlreadyExistsError` otherwise. */
  create(name: string, header: H, body: string, options?: DocumentWriteOptions): void;
  /** Removes document `name`; false when there was none. */
  remove(name: string, options?: DocumentWriteOptions): boolean;
  /**
   * Read-modify-write of document `name` as one step against every other writer, as
   * {@link DocumentBackend.update}; a `ConflictError` at once when this process holds the lock of `name`.
   */
  update(name: string, next: (current: StoredHeader<H> | null) => { header: H; body: string }): void;
  /**
   * Runs `fn` holding the lock of `name`, passing its fencing token, and releases it. `fn` must be
   * synchronous: a promise (any thenable) it returns is an `InvalidArgumentError`, thrown once the lock
   * is released. A lock held in this process is a `ConflictError` at once.
   */
  withLock<T>(name: string, fn: (fence: number) => T): T;
  /**
   * Takes the lock of `name` until the returned lock's `release()`, which the caller must call (in a
   * `finally`). For code that holds it across steps of its own; prefer {@link withLock}. A lock held in
   * this process is a `ConflictError` at once.
   */
  lock(name: string): SyncLock;
  /** Releases what the face holds (nothing, for memory and filesystem); documents outlive it. */
  close(): void;
  /** As {@link DocumentBackend.contains}. */
  contains?(path: string): boolean;
}

/**
 * The synchronous face of a {@link LogBackend}: every method but `wait` (a follower waits through the
 * asynchronous port), synchronous, with the same semantics and errors.
 */
export interface SyncLogBackend<H> {
  /** As {@link LogBackend.prevalidated}. */
  readonly prevalidated: boolean;
  /** Appends `entries` (at least one) in order; returns the position of the first once they are stored. */
  append(log: string, entries: readonly LogEntryInput<H>[], options?: AppendOptions): number;
  /** Entries from position `from` on, at most `limit`: an empty page past the end (or of a missing log). */
  read(log: string, options?: LogReadOptions): LogEntry<H>[];
  /** How many entries the log holds (0 when there is none). */
  size(log: string): number;
  /** The last entry, or null when the log is empty or missing. */
  last(log: string): LogEntry<H> | null;
  /** Names of the non-empty logs, sorted (UTF-16 code units), one page at a time. */
  logs(options?: PageOptions): string[];
  /** Removes a whole log; false when there was none. */
  drop(log: string): boolean;
  /** Releases what the face holds; later calls are a `ClosedError`. Entries outlive it. */
  close(): void;
}

/** The synchronous face of a {@link BlobBackend}, with the same semantics and errors. */
export interface SyncBlobBackend {
  /** Stores `bytes` and returns their digest once they are stored; the caller may reuse its buffer then. */
  put(bytes: Uint8Array): string;
  /** The bytes of blob `digest`, verified, or null when there is none. */
  get(digest: string): Uint8Array | null;
  /** Whether blob `digest` is stored (not verified: `get` does that). */
  has(digest: string): boolean;
  /** Removes blob `digest`; false when there was none. */
  remove(digest: string): boolean;
  /** The stored digests, sorted, one page at a time. */
  digests(options?: PageOptions): string[];
  /** Releases what the face holds; blobs outlive it. */
  close(): void;
}

/**
 * A store that also hands out the synchronous faces of its folders (memory and filesystem; not
 * PostgreSQL, whose driver has no synchronous calls). The face of a folder shares data, locks and caches
 * with the asynchronous port the store hands out for it: both are one port, of one kind and one spec.
 */
export interface SyncStore {
  /** The synchronous face of the document port of `spec`'s folder. */
  documentsSync<H>(spec: DocumentSpec<H>): SyncDocumentBackend<H>;
  /** The synchronous face of the log port of `spec`'s folder. */
  logSync<H>(spec: LogSpec<H>): SyncLogBackend<H>;
  /** The synchronous face of the blob port of `spec`'s folder. */
  blobsSync(spec: BlobSpec): SyncBlobBackend;
}

/**
 * {@link SyncDocumentBackend.withLock} over a face's own `lock`: runs `fn` holding the lock of `name` and
 * always releases it. A thenable `fn` returned is refused once the lock is released (its rejection, if
 * any, is handled, so it does not also surface as an unhandled one).
 */
export function runUnderSyncLock<T>(
  lock: (name: string) => SyncLock,
  kind: string,
  name: string,
  fn: (fence: number) => T,
): T {
  const held = lock(name);
  let result: T;
  try {
    result = fn(held.fence);
  } finally {
    held.release();
  }
  if (isThenable(result)) {
    result.then(undefined, () => undefined);
    throw new InvalidArgumentError(
      `withLock of ${kind} "${name}" on a synchronous face needs a synchronous fn: it returned a promise`,
      { details: { kind, name, option: 'fn', reason: 'returned a promise' } },
    );
  }
  return result;
}

/**
 * The `ConflictError` of a synchronous face asked for a lock this process holds (through the asynchronous
 * port or another synchronous holder): one thread cannot wait for a holder that needs it to finish.
 * Details `{ kind, name, reason: 'held in this process', ...place }`.
 */
export function heldInThisProcess(kind: string, name: string, place: Record<string, unknown> = {}) {
  return new ConflictError(
    `the lock of ${kind} "${name}" is held in this process: a synchronous face cannot wait for it`,
    { details: { kind, name, reason: 'held in this process', ...place } },
  );
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  );
}
