import type { DocumentBackend, DocumentSpec, DocumentWriteOptions, StoredHeader } from '../documents.js';
import { assertValidName } from '../names.js';
import { type PageOptions, pageOf } from '../pages.js';
import { DIRENTS, missingAsEmpty } from './dirs.js';
import { type Held, isReplacedSymlinkError, isTombstoneError, openBase } from './document-base.js';
import { DocumentFolder, EXTENSION } from './document-folder.js';
import { removeJob, updateJob, writeJob } from './document-jobs.js';
import { FilesystemSyncDocumentBackend } from './document-sync.js';
import { runWrite } from './document-write.js';
import type { FramedDocument, FramedHeader } from './framed.js';
import { readFramedFile } from './framed.js';
import { io } from './io.js';
import { acquireLock, type FileLock, runHolding } from './lock.js';
import type { FilesystemOptions } from './options.js';

/** Options of a {@link FilesystemDocumentBackend}: see {@link FilesystemOptions}. */
export type FilesystemDocumentOptions = FilesystemOptions;

// Headers a listing reads between two turns of the event loop (about 10 ms of work).
const LIST_BATCH = 512;
const yieldToEventLoop = () => new Promise<void>((resume) => setImmediate(resume));

/**
 * The filesystem {@link DocumentBackend}: one family folder of framed documents,
 * `<root>/<folder>/<name>.jsonl`, created on first use (mode 0700; documents 0600). Every method checks
 * the name first (an `InvalidNameError`, nothing touched on disk), refuses symlinks, and validates what it
 * reads (a `CorruptDataError` naming the file). Writes are atomic replaces, durable by default, each
 * committed over the state it read, so that every write lands in order whatever its writer's stalls
 * (document-commit.ts); a removed document leaves a tombstone in its place (document-base.ts). The lock is
 * cross-process ({@link acquireLock}): it makes writers wait for each other, and its directory goes when
 * no document is left under its name. {@link FilesystemDocumentBackend.sync} is its synchronous face, over
 * the same folder and locks.
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
    let file: string | undefined;
    // An open store builds the path without an await: a small load is a few microseconds of work.
    for (;;) {
      try {
        const opened = folder.opened;
        file = opened === undefined ? await this.#file(name) : `${opened}${name}${EXTENSION}`;
        return folder.named(await readFramedFile(file, this.#spec, this.#spec.header), name);
      } catch (error) {
        if (file !== undefined && isTombstoneError(error, file)) return null;
        if (file !== undefined && isReplacedSymlinkError(error, file)) continue;
        throw folder.readFailure(error, 'read', name);
      }
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

  /**
   * Creates or atomically replaces document `name`, over whatever is there (a damaged document too), in
   * order with every other write of it (see document-commit.ts). With a fence, only over the state the
   * fence's holder last saw (see {@link DocumentWriteOptions}).
   */
  async write(name: string, header: H, body: string, options?: DocumentWriteOptions): Promise<void> {
    const folder = this.#folder;
    try {
      const file = await this.#file(name, true);
      await runWrite(writeJob(folder, name, file, { header, body }, this.#held(name, options)));
    } catch (error) {
      throw folder.failure(error, 'write', name);
    }
  }

  /**
   * Creates document `name`, atomically and only if it does not exist: an `AlreadyExistsError`
   * (details `{ kind, name, file }`) otherwise. Of concurrent creators exactly one wins.
   */
  async create(name: string, header: H, body: string, options?: DocumentWriteOptions): Promise<void> {
    const folder = this.#folder;
    try {
      const file = await this.#file(name, true);
      await runWrite(writeJob(folder, name, file, { header, body }, this.#held(name, options), true));
    } catch (error) {
      throw folder.failure(error, 'create', name);
    }
  }

  /**
   * Removes document `name`; false when there was none. What it leaves is a tombstone, which no read or
   * listing shows: see document-base.ts.
   */
  async remove(name: string, options?: DocumentWriteOptions): Promise<boolean> {
    const folder = this.#folder;
    try {
      const file = await this.#file(name, true);
      return await runWrite(removeJob(folder, name, file, this.#held(name, options)));
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
   * Read-modify-write of document `name`: under its cross-process lock, so that writers wait for each
   * other rather than retry, and committed over the state it read (document-commit.ts), so that it lands
   * in order even if this process stalls past the lock's lease.
   */
  async update(
    name: string,
    next: (current: StoredHeader<H> | null) => { header: H; body: string },
  ): Promise<void> {
    assertValidName(this.#spec.kind, name);
    const folder = this.#folder;
    await this.#underLock(name, false, async (file) => {
      try {
        await runWrite(updateJob(folder, name, file, next));
      } catch (error) {
        throw folder.failure(error, 'write', name);
      }
    });
  }

  /**
   * Runs `fn` holding the cross-process lock of document `name` (see {@link acquireLock}), for
   * read-modify-write; the lock lives in `<folder>/.locks/<name>/`. Writes passing the fence `fn` gets
   * land only over the state the holder saw (see {@link DocumentWriteOptions}). When no document is left
   * under the name at the end, the lock directory is removed, so a store keeps no lock per name it ever
   * held: a document created again later starts a new fence sequence.
   */
  async withLock<T>(name: string, fn: (fence: number) => Promise<T>): Promise<T> {
    assertValidName(this.#spec.kind, name);
    return this.#underLock(name, true, (_file, fence) => fn(fence));
  }

  /**
   * Whether `path` lies inside this store's root, following symlinks of the part of it that exists (a path
   * not created yet is judged by its nearest existing parent): a caller's file written there would sit
   * among the store's own files.
   */
  async contains(path: string): Promise<boolean> {
    return this.#folder.contains(path);
  }

  /** Nothing to release: every call opens and closes what it uses. */
  async close(): Promise<void> {}

  // withLock, also passing the document's file; `fenced` records the state the holder saw, for its fence.
  async #underLock<T>(
    name: string,
    fenced: boolean,
    fn: (file: string, fence: number) => Promise<T>,
  ): Promise<T> {
    const folder = this.#folder;
    let file: string;
    let lock: FileLock;
    try {
      const dir = await folder.liveDirectory();
      file = folder.file(dir, name);
      lock = await folder.acquireAsync(name, () =>
        acquireLock(folder.lockDir(dir, name), folder.lockOptions),
      );
    } catch (error) {
      throw folder.failure(error, 'lock', name);
    }
    try {
      if (fenced) folder.lock(name, lock.fence, openBase(file, this.#spec, this.#spec.header, false));
    } catch (error) {
      await folder.endLock(name, file, lock).catch(() => undefined);
      throw folder.failure(error, 'lock', name);
    }
    return runHolding(
      lock,
      () => fn(file, lock.fence),
      () => folder.endLock(name, file, lock),
    );
  }

  // The lock a fenced write claims to hold.
  #held(name: string, options: DocumentWriteOptions | undefined): Held<H> | undefined {
    return options?.fence === undefined ? undefined : this.#folder.holder(name, options.fence);
  }

  async #file(name: string, writing = false): Promise<string> {
    assertValidName(this.#spec.kind, name);
    const folder = this.#folder;
    return folder.file(writing ? await folder.liveDirectory() : await folder.directory(), name);
  }
}
