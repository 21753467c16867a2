import type { z } from 'zod';
import { AlreadyExistsError, ConflictError, InvalidArgumentError } from './errors.js';
import { assertValidName } from './names.js';
import type { PageOptions } from './pages.js';

/**
 * What a family stores as documents: the rules a {@link DocumentBackend} needs, written once in the
 * family's `rules.ts` and handed to whichever backend it runs on.
 */
export interface DocumentSpec<H> {
  /** What the names name, for errors: `session`, `snapshot`, ... */
  kind: string;
  /** The family folder under a store root (or table, or key prefix), e.g. `sessions`. */
  folder: string;
  /** Format tag of every document, e.g. `omega.session`. */
  format: string;
  /** Current format version (documents of versions 1..formatVersion are read). */
  formatVersion: number;
  /** Schema of the family's header fields (small, flat, JSON: versions, timestamps, digests). */
  header: z.ZodType<H>;
}

/** A stored document's header, validated: what `list()` and `info()` are made of. */
export interface StoredHeader<H> {
  /** The name stored in the document. */
  name: string;
  /** The format version the document was written with (at most the reader's). */
  formatVersion: number;
  /** The family's header fields. Shared with the backend: read, never mutate. */
  header: H;
  /** UTF-8 byte length of the body. */
  bodyBytes: number;
  /** Where it was read from, when that is a file: named by errors. */
  file?: string;
}

/** A whole stored document. */
export interface StoredDocument<H> extends StoredHeader<H> {
  /** The body: serde text, as the family wrote it. */
  body: string;
}

/**
 * Largest body of a document, in UTF-8 bytes, in every backend: 256 MiB. A body is read into one buffer and
 * decoded to one string, and V8 caps strings at about 512 Mi UTF-16 units (2^29 - 24); half of that leaves
 * room for the parsed value and for a second copy while re-encoding, and keeps the body well below the
 * engine's limits. Writes refuse a larger body, so a reader never meets one a writer made.
 */
export const MAX_DOCUMENT_BODY_BYTES = 256 * 1024 * 1024;

/**
 * Throws the `InvalidArgumentError` of a body over {@link MAX_DOCUMENT_BODY_BYTES} (details `{ kind, name,
 * path: 'body', limit }`). Measures only a body that may be too large: each UTF-16 unit is 1 to 3 bytes.
 */
export function assertBodySize(kind: string, name: string, body: string): void {
  if (body.length * 3 <= MAX_DOCUMENT_BODY_BYTES) return;
  const bytes = body.length > MAX_DOCUMENT_BODY_BYTES ? body.length : Buffer.byteLength(body, 'utf8');
  if (bytes <= MAX_DOCUMENT_BODY_BYTES) return;
  throw new InvalidArgumentError(
    `body of ${kind} "${name}" is larger than the limit of ${MAX_DOCUMENT_BODY_BYTES} bytes`,
    { details: { kind, name, path: 'body', limit: MAX_DOCUMENT_BODY_BYTES } },
  );
}

/** Options of a document write (`write`, `create`, `remove`). */
export interface DocumentWriteOptions {
  /**
   * The fence of the lock of this name that the caller holds (what `withLock` passed it): the write then
   * lands only if the document is still as the holder last saw it (when it took the lock, or after its own
   * last fenced write), and is a `ConflictError` (details `reason: 'fenced'`) otherwise, whatever became
   * of the lock meanwhile: a holder stalled past its lease never overwrites what a later holder wrote. A
   * fence this port does not hold for the name is a `ConflictError` too (`reason: 'not held'`).
   */
  fence?: number;
}

/**
 * The storage port every document family runs on: named documents made of a small header and a serde
 * body, with a per-name lock for read-modify-write. A backend only stores; the family's rules (closed
 * checks, serde, versions, not-found errors) live once in the family's front over this port. Every method
 * validates the name first (an `InvalidNameError` naming `kind`, nothing touched).
 */
export interface DocumentBackend<H> {
  /**
   * True when every body was encoded by a front of this process from a record it validated (memory):
   * the front may then decode bodies without validating them again. False for anything read from outside.
   */
  readonly prevalidated: boolean;
  /** The whole document `name`, or null when there is none. */
  read(name: string): Promise<StoredDocument<H> | null>;
  /** Only the header of document `name`, or null when there is none. */
  readHeader(name: string): Promise<StoredHeader<H> | null>;
  /** The headers of the documents, sorted by name (UTF-16 code units), one page at a time. */
  headers(options?: PageOptions): Promise<StoredHeader<H>[]>;
  /** The names of the stored documents, sorted (UTF-16 code units), one page at a time. */
  names(options?: PageOptions): Promise<string[]>;
  /** Creates or atomically replaces document `name` (fenced: see {@link DocumentWriteOptions}). */
  write(name: string, header: H, body: string, options?: DocumentWriteOptions): Promise<void>;
  /** Creates document `name` only if there is none: an `AlreadyExistsError` otherwise (one of concurrent creators wins). */
  create(name: string, header: H, body: string, options?: DocumentWriteOptions): Promise<void>;
  /** Removes document `name`; false when there was none. */
  remove(name: string, options?: DocumentWriteOptions): Promise<boolean>;
  /**
   * Read-modify-write as one step against every other writer: writes document `name` with what `next`
   * makes of its current header (null when there is none). A throw from `next` aborts, changing nothing.
   * It resolves only once its write is part of the history every later reader sees, whatever its stalls:
   * `next` may then be called again, with the newer header, when another writer's write landed first.
   * {@link updateUnderLock} is the implementation over `withLock`; a backend may have a cheaper one.
   */
  update(name: string, next: (current: StoredHeader<H> | null) => { header: H; body: string }): Promise<void>;
  /**
   * Runs `fn` holding the lock of `name` against every other holder of this store (other processes too,
   * where the backend is shared), passing a fencing token greater than every earlier holder's. Writes
   * `fn` makes with that fence ({@link DocumentWriteOptions}) land only while nobody else wrote the
   * document: the lock is how writers wait for each other, the fence is what keeps them exact.
   */
  withLock<T>(name: string, fn: (fence: number) => Promise<T>): Promise<T>;
  /** Releases what the port holds; documents outlive it (its store owns them). */
  close(): Promise<void>;
  /**
   * For backends that keep files: whether `path` (a caller's file, such as an export target) lies inside
   * the store's root, where writing it would put a foreign file among the store's own. Absent: it cannot.
   */
  contains?(path: string): Promise<boolean>;
}

/**
 * A family's {@link DocumentSpec} by the convention every family follows: format tag `omega.<kind>`,
 * format version 1 unless given.
 */
export function documentSpec<H>(spec: {
  kind: string;
  folder: string;
  header: z.ZodType<H>;
  formatVersion?: number;
}): DocumentSpec<H> {
  const { kind, folder, header } = spec;
  return { kind, folder, format: `omega.${kind}`, formatVersion: spec.formatVersion ?? 1, header };
}

/** {@link DocumentBackend.update} over the backend's own `withLock`, `readHeader` and `write`. */
export function updateUnderLock<H>(
  backend: DocumentBackend<H>,
  name: string,
  next: (current: StoredHeader<H> | null) => { header: H; body: string },
): Promise<void> {
  return backend.withLock(name, async (fence) => {
    const { header, body } = next(await backend.readHeader(name));
    await backend.write(name, header, body, { fence });
  });
}

/** Validates the parts of a {@link DocumentSpec} every backend relies on. */
export function checkDocumentSpec<H>(spec: DocumentSpec<H>): void {
  if (!Number.isSafeInteger(spec.formatVersion) || spec.formatVersion < 1) {
    throw new InvalidArgumentError('a document format version must be a positive integer', {
      details: { kind: spec.kind, folder: spec.folder, formatVersion: spec.formatVersion },
    });
  }
  assertValidName('folder', spec.folder);
}

/** The `ConflictError` of a write passing a fence its port does not hold for `name` (`reason: 'not held'`). */
export function fenceNotHeld(kind: string, name: string, fence: unknown): ConflictError {
  return new ConflictError(`${kind} "${name}" is not locked here with fence ${String(fence)}`, {
    details: { kind, name, fence, reason: 'not held' },
  });
}

/** The `ConflictError` of a fenced write over a document that changed since its holder saw it (`reason: 'fenced'`). */
export function fencedOut(kind: string, name: string, fence: number): ConflictError {
  return new ConflictError(
    `${kind} "${name}" changed since the holder of lock fence ${fence} read it: the write is refused`,
    { details: { kind, name, fence, reason: 'fenced' } },
  );
}

/** The error of {@link DocumentBackend.create} when the document exists. */
export function documentExists(kind: string, name: string, file?: string): AlreadyExistsError {
  const details: Record<string, unknown> = { kind, name };
  if (file !== undefined) details.file = file;
  return new AlreadyExistsError(`${kind} ${JSON.stringify(name)} already exists`, { details });
}
