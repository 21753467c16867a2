import { dirname } from 'node:path';
import { type DocumentBackend, type DocumentSpec, documentExists, type StoredHeader } from '../documents.js';
import { assertValidName } from '../names.js';
import { type PageOptions, pageOf } from '../pages.js';
import { DIRENTS, missingAsEmpty, syncDirectory } from './dirs.js';
import { DocumentFolder, EXTENSION } from './document-folder.js';
import { FilesystemSyncDocumentBackend } from './document-sync.js';
import { encodeFrame } from './frame.js';
import type { FramedDocument, FramedHeader } from './framed.js';
import { readFramedFile, writeFramedFile } from './framed.js';
import { io } from './io.js';
import { acquireLock, type FileLock, runHolding } from './lock.js';
import type { FilesystemOptions } from './options.js';
import { refuseNonFile } from './root.js';
import { linkTemp, writeTempFile } from './temp.js';
import { unlinkIfPresent } from './unlink.js';

/** Options of a {@link FilesystemDocumentBackend}: see {@link FilesystemOptions}. */
export type FilesystemDocumentOptions = FilesystemOptions;

// Headers a listing reads between two turns of the event loop (about 10 ms of work).
const LIST_BATCH = 512;
const yieldToEventLoop = () => new Promise<void>((resume) => setImmediate(resume));

/**
 * The filesystem {@link DocumentBackend}: one family folder of framed documents,
 * `<root>/<folder>/<name>.jsonl`, created on first use (mode 0700; documents 0600). Every method checks
 * the name first (an `InvalidNameError`, nothing touched on disk), refuses symlinks, and validates what it
 * reads (a `CorruptDataError` naming the file). Writes are atomic replaces, durable by default; the lock
 * is cross-process ({@link acquireLock}), and a document's lock directory goes with the document when it
 * is removed under that lock. {@link FilesystemDocumentBackend.sync} is its synchronous face, over the
 * same folder and locks.
 */
export class FilesystemDocumentBackend<H> implements DocumentBackend<H> {
  readonly prevalidated = false;
  /** The store root, as an absolute path. */
  readonly root: string;
  /** The synchronous face of this folder: the same documents, locks and opened folder. */
  readonly sync: FilesystemSyncDocumentBackend<H>;
  readonly #folder: DocumentFolder<H>;
  readonly #spec: DocumentSpec<H>;

  constructor(spec: DocumentSpec<H>, options: FilesystemDocumentOptions) {
    this.#folder = new DocumentFolder(spec, options);
    this.#spec = spec;
    this.root = this.#folder.root;
    this.sync = new FilesystemSyncDocumentBackend(this.#folder);
  }

  /**
   * The absolute folder path. The first call creates the folder (see {@link openStoreDir}) and removes
   * temp files that killed writers left behind; later calls reuse that result.
   */
  directory(): Promise<string> {
    return this.#folder.directory();
  }

  /** The whole document `name`, or null when there is none. */
  async read(name: string): Promise<FramedDocument<H> | null> {
    assertValidName(this.#spec.kind, name);
    const folder = this.#folder;
    // An open store builds the path without an await: a small load is a few microseconds of work.
    try {
      const opened = folder.opened;
      const file = opened === undefined ? await this.#file(name) : `${opened}${name}${EXTENSION}`;
      return folder.named(await readFramedFile(file, this.#spec, this.#spec.header), name);
    } catch (error) {
      throw folder.readFailure(error, 'read', name);
    }
  }

  /** Only the header line of document `name`, or null when there is none. */
  async readHeader(name: string): Promise<FramedHeader<H> | null> {
    try {
      return this.#folder.header(await this.#file(name), name);
    } catch (error) {
      throw this.#folder.readFailure(error, 'read', name);
    }
  }

  /** Creates or atomically replaces document `name`. */
  async write(name: string, header: H, body: string): Promise<void> {
    try {
      const file = await this.#file(name, true);
      await refuseNonFile(file);
      await this.#put(file, name, header, body);
    } catch (error) {
      throw this.#folder.failure(error, 'write', name);
    }
  }

  /**
   * Creates document `name`, atomically and only if it does not exist: an `AlreadyExistsError`
   * (details `{ kind, name, file }`) otherwise. Of concurrent creators exactly one wins.
   */
  async create(name: string, header: H, body: string): Promise<void> {
    const folder = this.#folder;
    try {
      const file = await this.#file(name, true);
      const temp = await writeTempFile(
        file,
        encodeFrame(file, folder.meta(name), header, body),
        folder.durable,
      );
      if (!(await linkTemp(temp, file, folder.durable))) throw documentExists(this.#spec.kind, name, file);
      folder.written(name);
    } catch (error) {
      throw folder.failure(error, 'create', name);
    }
  }

  /** Removes document `name`; false when there was none. */
  async remove(name: string): Promise<boolean> {
    const folder = this.#folder;
    try {
      const file = await this.#file(name, true);
      await refuseNonFile(file);
      if (!unlinkIfPresent(file)) return false;
      folder.removed(name);
      if (folder.durable) await syncDirectory(dirname(file));
      return true;
    } catch (error) {
      throw folder.failure(error, 'remove', name);
    }
  }

  /** Names of the stored documents, sorted and paged: regular files `<valid name>.jsonl` only. */
  async names(options?: PageOptions): Promise<string[]> {
    // Checked before the folder is read, so a bad option touches nothing.
    pageOf([], options, this.#spec.kind);
    try {
      const dir = await this.directory();
      return this.#folder.namesOf(await io.readdir(dir, DIRENTS).catch(missingAsEmpty), options);
    } catch (error) {
      throw this.#folder.readFailure(error, 'list');
    }
  }

  /**
   * The headers of a page of documents, sorted by name: what a family's `list()` reports, without
   * reading any body. A document removed while listing is left out; a damaged one is a `CorruptDataError`.
   */
  async headers(options?: PageOptions): Promise<FramedHeader<H>[]> {
    const names = await this.names(options);
    const headers: FramedHeader<H>[] = [];
    // Each header is read synchronously: a listing reads thousands, and per-name awaits cost more than
    // the read. The event loop gets a turn every LIST_BATCH headers.
    const dir = await this.directory();
    for (let start = 0; start < names.length; start += LIST_BATCH) {
      if (start > 0) await yieldToEventLoop();
      this.#folder.headersOf(dir, names.slice(start, start + LIST_BATCH), headers);
    }
    return headers;
  }

  /**
   * Read-modify-write of document `name` under its cross-process lock, as `updateUnderLock` does but
   * with the folder checked once: reading the header already refuses a symlink or a non-file there.
   */
  async update(
    name: string,
    next: (current: StoredHeader<H> | null) => { header: H; body: string },
  ): Promise<void> {
    assertValidName(this.#spec.kind, name);
    await this.#underLock(name, async (dir) => {
      const file = this.#folder.file(dir, name);
      const { header, body } = this.#folder.rewrite(file, name, next);
      try {
        await this.#put(file, name, header, body);
      } catch (error) {
        throw this.#folder.failure(error, 'write', name);
      }
    });
  }

  /**
   * Runs `fn` holding the cross-process lock of document `name` (see {@link acquireLock}), for
   * read-modify-write; the lock lives in `<folder>/.locks/<name>/`. When `fn` removed the document, the
   * lock directory is removed with it, so a store keeps no lock per name it ever held: a document created
   * again later starts a new fence sequence.
   */
  async withLock<T>(name: string, fn: (fence: number) => Promise<T>): Promise<T> {
    assertValidName(this.#spec.kind, name);
    return this.#underLock(name, (_dir, fence) => fn(fence));
  }

  /**
   * Whether `path` lies inside this store's folder of documents (`<root>/<folder>`), following symlinks of
   * the part of it that exists (a path not created yet is judged by its nearest existing parent). The rest
   * of the root is the caller's: an `exports/` folder beside the family folders is fine.
   */
  async contains(path: string): Promise<boolean> {
    return this.#folder.contains(path);
  }

  /** Nothing to release: every call opens and closes what it uses. */
  async close(): Promise<void> {}

  // withLock, also passing the folder it checked.
  async #underLock<T>(name: string, fn: (dir: string, fence: number) => Promise<T>): Promise<T> {
    const folder = this.#folder;
    let dir: string;
    let lock: FileLock;
    try {
      dir = await folder.liveDirectory();
      lock = await acquireLock(folder.lockDir(dir, name), folder.lockOptions);
    } catch (error) {
      throw folder.failure(error, 'lock', name);
    }
    folder.lock(name);
    return runHolding(
      lock,
      () => fn(dir, lock.fence),
      () => folder.endLock(name, lock),
    );
  }

  async #file(name: string, writing = false): Promise<string> {
    assertValidName(this.#spec.kind, name);
    const folder = this.#folder;
    return folder.file(writing ? await folder.liveDirectory() : await folder.directory(), name);
  }

  async #put(file: string, name: string, header: H, body: string): Promise<void> {
    const folder = this.#folder;
    await writeFramedFile(file, folder.meta(name), header, body, { durable: folder.durable });
    folder.written(name);
  }
}
