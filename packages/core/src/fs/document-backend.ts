import type { Dirent } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import {
  checkDocumentSpec,
  type DocumentBackend,
  type DocumentSpec,
  documentExists,
  type StoredHeader,
} from '../documents.js';
import { InvalidArgumentError } from '../errors.js';
import { assertValidName, isValidName } from '../names.js';
import { sweepTempFiles } from './atomic.js';
import { makePrivateDir, syncDirectory } from './dirs.js';
import { asStorageFailure } from './failures.js';
import { corruptFile, encodeFrame } from './frame.js';
import type { FramedDocument, FramedHeader } from './framed.js';
import { readFramedFile, readFramedHeader, readFramedHeaderSync, writeFramedFile } from './framed.js';
import { io } from './io.js';
import { acquireLock, type FileLock, type LockOptions, runHolding } from './lock.js';
import { checkStoreDir, entryFile, openStoreDir, refuseNonFile, refuseSymlink } from './root.js';
import { linkTemp, writeTempFile } from './temp.js';

/** Options of a {@link FilesystemDocumentBackend}. */
export interface FilesystemDocumentOptions {
  /** Store root directory (created with missing parents on first use); resolved to an absolute path at construction. */
  root: string;
  /** fsync writes and removals (default true); false keeps them atomic but not power-loss safe. A boolean. */
  durable?: boolean;
  /**
   * How long {@link FilesystemDocumentBackend.withLock} waits for a live holder (default 30 000 ms): a
   * number >= 0 (`Infinity` waits as long as the holder lives).
   */
  lockTimeoutMs?: number;
}

const EXTENSION = '.jsonl';

// A family folder deleted under a running provider lists nothing.
function missingAsEmpty(error: unknown): Dirent[] {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
  throw error;
}
const LOCKS_FOLDER = '.locks';
// Headers a listing reads between two turns of the event loop (about 10 ms of work).
const LIST_BATCH = 512;
const yieldToEventLoop = () => new Promise<void>((resume) => setImmediate(resume));

/**
 * The filesystem {@link DocumentBackend}: one family folder of framed documents,
 * `<root>/<folder>/<name>.jsonl`, created on first use (mode 0700; documents 0600). Every method checks
 * the name first (an `InvalidNameError`, nothing touched on disk), refuses symlinks, and validates what it
 * reads (a `CorruptDataError` naming the file). Writes are atomic replaces, durable by default; the lock
 * is cross-process ({@link acquireLock}), and a document's lock directory goes with the document when it
 * is removed under that lock.
 */
export class FilesystemDocumentBackend<H> implements DocumentBackend<H> {
  readonly trusted = false;
  /** The store root, as an absolute path. */
  readonly root: string;
  readonly #spec: DocumentSpec<H>;
  readonly #durable: boolean;
  readonly #lockOptions: LockOptions;
  #dir: Promise<string> | undefined;
  // The folder and a separator once #dir resolved: reads then build a path without an await (or a
  // path.join, which costs a small load 1%: the folder is absolute and normalized, and names hold no "/").
  #opened: string | undefined;
  // Names whose lock this object holds, and those of them whose document was removed meanwhile.
  readonly #locked = new Set<string>();
  readonly #removedWhileLocked = new Set<string>();

  constructor(spec: DocumentSpec<H>, options: FilesystemDocumentOptions) {
    checkDocumentSpec(spec);
    if (typeof options?.root !== 'string' || options.root === '') {
      throw new InvalidArgumentError(`a filesystem ${spec.kind} store needs a non-empty root directory`, {
        details: { kind: spec.kind, option: 'root', value: options?.root },
      });
    }
    const { durable, lockTimeoutMs } = options;
    if (durable !== undefined && typeof durable !== 'boolean') {
      throw new InvalidArgumentError(`option durable of a filesystem ${spec.kind} store must be a boolean`, {
        details: { kind: spec.kind, option: 'durable', value: durable },
      });
    }
    // Infinity is allowed: wait for a live holder as long as it lives.
    if (lockTimeoutMs !== undefined && (typeof lockTimeoutMs !== 'number' || !(lockTimeoutMs >= 0))) {
      throw new InvalidArgumentError(
        `option lockTimeoutMs of a filesystem ${spec.kind} store must be a number >= 0, got ${String(lockTimeoutMs)}`,
        { details: { kind: spec.kind, option: 'lockTimeoutMs', value: lockTimeoutMs } },
      );
    }
    // Resolved now: a later process.chdir must not move the store.
    this.root = resolve(options.root);
    this.#spec = spec;
    this.#durable = durable ?? true;
    this.#lockOptions = lockTimeoutMs === undefined ? {} : { timeoutMs: lockTimeoutMs };
  }

  /**
   * The absolute folder path. The first call creates the folder (see {@link openStoreDir}) and removes
   * temp files that killed writers left behind; later calls reuse that result.
   */
  directory(): Promise<string> {
    this.#dir ??= this.#open().then(
      (dir) => {
        this.#opened = `${dir}${sep}`;
        return dir;
      },
      (error: unknown) => {
        this.#dir = undefined;
        throw error;
      },
    );
    return this.#dir;
  }

  /** The whole document `name`, or null when there is none. */
  async read(name: string): Promise<FramedDocument<H> | null> {
    assertValidName(this.#spec.kind, name);
    // An open store builds the path without an await: a small load is a few microseconds of work.
    try {
      const file = this.#opened === undefined ? await this.#file(name) : `${this.#opened}${name}${EXTENSION}`;
      const document = await readFramedFile(file, this.#spec, this.#spec.header);
      return document && this.#checkName(document, name);
    } catch (error) {
      throw await this.#readFailure(error, 'read', name);
    }
  }

  /** Only the header line of document `name`, or null when there is none. */
  async readHeader(name: string): Promise<FramedHeader<H> | null> {
    try {
      const file = await this.#file(name);
      const header = await this.#reading(readFramedHeader(file, this.#spec, this.#spec.header));
      return header && this.#checkName(header, name);
    } catch (error) {
      throw this.#failure(error, 'read', name);
    }
  }

  /** Creates or atomically replaces document `name`. */
  async write(name: string, header: H, body: string): Promise<void> {
    try {
      const file = await this.#file(name, true);
      await refuseNonFile(file);
      await this.#put(file, name, header, body);
    } catch (error) {
      throw this.#failure(error, 'write', name);
    }
  }

  /**
   * Creates document `name`, atomically and only if it does not exist: an `AlreadyExistsError`
   * (details `{ kind, name, file }`) otherwise. Of concurrent creators exactly one wins.
   */
  async create(name: string, header: H, body: string): Promise<void> {
    try {
      const file = await this.#file(name, true);
      const chunks = encodeFrame(file, this.#meta(name), header, body);
      const temp = await writeTempFile(file, chunks, this.#durable);
      if (!(await linkTemp(temp, file, this.#durable))) throw documentExists(this.#spec.kind, name, file);
      this.#removedWhileLocked.delete(name);
    } catch (error) {
      throw this.#failure(error, 'create', name);
    }
  }

  /** Removes document `name`; false when there was none. */
  async remove(name: string): Promise<boolean> {
    try {
      const file = await this.#file(name, true);
      await refuseNonFile(file);
      try {
        io.unlinkSync(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw error;
      }
      if (this.#locked.has(name)) this.#removedWhileLocked.add(name);
      if (this.#durable) await syncDirectory(dirname(file));
      return true;
    } catch (error) {
      throw this.#failure(error, 'remove', name);
    }
  }

  /** Names of the stored documents, sorted: regular files `<valid name>.jsonl` only. */
  async names(): Promise<string[]> {
    let entries: Dirent[];
    try {
      const dir = await this.directory();
      entries = await this.#reading(io.readdir(dir, { withFileTypes: true }).catch(missingAsEmpty));
    } catch (error) {
      throw this.#failure(error, 'list');
    }
    const names: string[] = [];
    for (const entry of entries) {
      if (!entry.isFile() || !entry.name.endsWith(EXTENSION)) continue;
      const name = entry.name.slice(0, -EXTENSION.length);
      if (isValidName(name)) names.push(name);
    }
    return names.sort();
  }

  /**
   * The header of every document, sorted by name: what a family's `list()` reports, without reading any
   * body. A document removed while listing is left out; a damaged one is a `CorruptDataError`.
   */
  async headers(): Promise<FramedHeader<H>[]> {
    const names = await this.names();
    const dir = await this.directory();
    const headers: FramedHeader<H>[] = [];
    // names() lists only valid names, so each path is built directly, and each header is read
    // synchronously: a listing reads thousands, and per-name checks and awaits cost more than the read.
    // The event loop gets a turn every LIST_BATCH headers.
    for (let i = 0; i < names.length; i++) {
      if (i > 0 && i % LIST_BATCH === 0) await yieldToEventLoop();
      const name = names[i]!;
      const file = join(dir, `${name}${EXTENSION}`);
      let header: FramedHeader<H> | null;
      try {
        header = readFramedHeaderSync(file, this.#spec, this.#spec.header);
      } catch (error) {
        throw await this.#readFailure(error, 'list', name);
      }
      if (header) headers.push(this.#checkName(header, name));
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
      const file = entryFile(dir, this.#spec.kind, name, EXTENSION);
      let current: FramedHeader<H> | null;
      try {
        current = await this.#reading(readFramedHeader(file, this.#spec, this.#spec.header));
      } catch (error) {
        throw this.#failure(error, 'read', name);
      }
      const { header, body } = next(current && this.#checkName(current, name));
      try {
        await this.#put(file, name, header, body);
      } catch (error) {
        throw this.#failure(error, 'write', name);
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

  // withLock, also passing the folder it checked.
  async #underLock<T>(name: string, fn: (dir: string, fence: number) => Promise<T>): Promise<T> {
    let dir: string;
    let lock: FileLock;
    try {
      dir = await this.#liveDirectory();
      lock = await acquireLock(join(dir, LOCKS_FOLDER, name), this.#lockOptions);
    } catch (error) {
      throw this.#failure(error, 'lock', name);
    }
    this.#locked.add(name);
    return runHolding(
      lock,
      () => fn(dir, lock.fence),
      () => (this.#unlock(name) ? lock.discard() : lock.release()),
    );
  }

  /**
   * Whether `path` lies inside this store's folder of documents (`<root>/<folder>`), following symlinks of
   * the part of it that exists (a path not created yet is judged by its nearest existing parent). The rest
   * of the root is the caller's: an `exports/` folder beside the family folders is fine.
   */
  async contains(path: string): Promise<boolean> {
    const root = realpathOrNull(join(this.root, this.#spec.folder));
    if (root === null) return false;
    let probe = resolve(path);
    let rest = '';
    for (;;) {
      const real = realpathOrNull(probe);
      if (real !== null) {
        const target = join(real, rest);
        return target === root || target.startsWith(root + sep);
      }
      const parent = dirname(probe);
      if (parent === probe) return false;
      rest = join(basename(probe), rest);
      probe = parent;
    }
  }

  /** Nothing to release: every call opens and closes what it uses. */
  async close(): Promise<void> {}

  // Forgets that `name` is locked here; true when its document was removed meanwhile.
  #unlock(name: string): boolean {
    this.#locked.delete(name);
    return this.#removedWhileLocked.delete(name);
  }

  async #open(): Promise<string> {
    const dir = await openStoreDir(this.root, this.#spec.folder);
    const locks = join(dir, LOCKS_FOLDER);
    makePrivateDir(locks, false);
    await refuseSymlink(locks);
    await sweepTempFiles(dir);
    await sweepTempFiles(locks);
    return dir;
  }

  async #file(name: string, writing = false): Promise<string> {
    assertValidName(this.#spec.kind, name);
    const dir = writing ? await this.#liveDirectory() : await this.directory();
    return entryFile(dir, this.#spec.kind, name, EXTENSION);
  }

  // The folder before a write or a lock: one lstat, so a folder swapped for a symlink or a file since it
  // was opened is refused (a `CorruptDataError`, as at open), and one deleted meanwhile is created again
  // (it held nothing any more: the write just starts a new folder).
  async #liveDirectory(): Promise<string> {
    const dir = await this.directory();
    if (await checkStoreDir(dir)) return dir;
    this.#dir = undefined;
    this.#opened = undefined;
    return this.directory();
  }

  // A read whose folder is no longer a directory fails with ENOTDIR: that is the folder's fault, reported
  // as such (a missing folder reads as a missing document, through ENOENT).
  async #reading<T>(pending: Promise<T>): Promise<T> {
    try {
      return await pending;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') await checkStoreDir(await this.directory());
      throw error;
    }
  }

  // The error a failed read reports: the folder's own fault (see #reading; thrown) or the read's.
  async #readFailure(error: unknown, operation: string, name: string): Promise<unknown> {
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') await checkStoreDir(await this.directory());
    return this.#failure(error, operation, name);
  }

  async #put(file: string, name: string, header: H, body: string): Promise<void> {
    await writeFramedFile(file, this.#meta(name), header, body, { durable: this.#durable });
    this.#removedWhileLocked.delete(name);
  }

  // A system error as a StorageFailureError naming the document (or, without a name, the folder).
  #failure(error: unknown, operation: string, name?: string): unknown {
    const folder = join(this.root, this.#spec.folder);
    const file = name === undefined ? folder : join(folder, `${name}${EXTENSION}`);
    return asStorageFailure(error, { kind: this.#spec.kind, operation, name, file });
  }

  #meta(name: string): { format: string; version: number; name: string } {
    return { format: this.#spec.format, version: this.#spec.version, name };
  }

  #checkName<D extends FramedHeader<H>>(document: D, name: string): D {
    if (document.name === name) return document;
    throw corruptFile(
      document.file,
      '$.name',
      `stored name ${JSON.stringify(document.name)} is not ${JSON.stringify(name)}`,
    );
  }
}

function realpathOrNull(path: string): string | null {
  try {
    return io.realpathSync(path);
  } catch {
    return null;
  }
}
