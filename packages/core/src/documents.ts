import type { z } from 'zod';
import { AlreadyExistsError, InvalidArgumentError } from './errors.js';
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
  /** Creates or atomically replaces document `name`. */
  write(name: string, header: H, body: string): Promise<void>;
  /** Creates document `name` only if there is none: an `AlreadyExistsError` otherwise (one of concurrent creators wins). */
  create(name: string, header: H, body: string): Promise<void>;
  /** Removes document `name`; false when there was none. */
  remove(name: string): Promise<boolean>;
  /**
   * Read-modify-write as one step against every other writer: writes document `name` with what `next`
   * makes of its current header (null when there is none). A throw from `next` aborts, changing nothing.
   * {@link updateUnderLock} is the implementation over `withLock`; a backend may have a cheaper one.
   */
  update(name: string, next: (current: StoredHeader<H> | null) => { header: H; body: string }): Promise<void>;
  /**
   * Runs `fn` holding the lock of `name` against every other holder of this store (other processes too,
   * where the backend is shared), passing a fencing token greater than every earlier holder's.
   */
  withLock<T>(name: string, fn: (fence: number) => Promise<T>): Promise<T>;
  /** Releases what the port holds; documents outlive it (its store owns them). */
  close(): Promise<void>;
  /**
   * For backends that keep files: whether `path` (a caller's file, such as an export target) lies inside
   * the folder of the documents, where writing it would put a foreign file among them. Absent: it cannot.
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
  return backend.withLock(name, async () => {
    const { header, body } = next(await backend.readHeader(name));
    await backend.write(name, header, body);
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

/** The error of {@link DocumentBackend.create} when the document exists. */
export function documentExists(kind: string, name: string, file?: string): AlreadyExistsError {
  const details: Record<string, unknown> = { kind, name };
  if (file !== undefined) details.file = file;
  return new AlreadyExistsError(`${kind} ${JSON.stringify(name)} already exists`, { details });
}
