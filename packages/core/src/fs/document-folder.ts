import type { Dirent } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { checkDocumentSpec, type DocumentSpec, type StoredHeader } from '../documents.js';
import { isValidName } from '../names.js';
import { type PageOptions, pageOf } from '../pages.js';
import { sweepTempFiles, sweepTempFilesSync } from './atomic.js';
import { makePrivateDir } from './dirs.js';
import { asStorageFailure } from './failures.js';
import { corruptFile } from './frame.js';
import { type FramedHeader, type FramedMeta, readFramedHeaderSync } from './framed.js';
import { io } from './io.js';
import type { FileLock } from './lock.js';
import { OpenedFolder } from './opened-folder.js';
import type { FilesystemOptions } from './options.js';
import { entryFile, openStoreDir, openStoreDirSync, refuseSymlinkSync } from './root.js';

/** The extension of every document file. */
export const EXTENSION = '.jsonl';
const LOCKS_FOLDER = '.locks';

/**
 * One filesystem folder of framed documents, as both of its faces see it: the asynchronous
 * `FilesystemDocumentBackend` and its synchronous face share this object, so they share the opened folder,
 * the options, and which names are locked here. What the two faces decide alike is decided here, once.
 */
export class DocumentFolder<H> extends OpenedFolder {
  readonly spec: DocumentSpec<H>;
  /**
   * The folder and a separator once it is open: reads then build a path without an await (or a path.join,
   * which costs a small load 1%: the folder is absolute and normalized, and names hold no "/").
   */
  opened: string | undefined;
  // Names whose lock this folder's faces hold, and those of them whose document was removed meanwhile.
  readonly #locked = new Set<string>();
  readonly #removedWhileLocked = new Set<string>();

  constructor(spec: DocumentSpec<H>, options: FilesystemOptions) {
    checkDocumentSpec(spec);
    super(spec, options);
    this.spec = spec;
  }

  /** The file of document `name` in folder `dir`; the name is checked first (an `InvalidNameError`). */
  file(dir: string, name: string): string {
    return entryFile(dir, this.spec.kind, name, EXTENSION);
  }

  /** The lock directory of document `name`. */
  lockDir(dir: string, name: string): string {
    return join(dir, LOCKS_FOLDER, name);
  }

  /** The valid document names among the entries of the folder, sorted and paged. */
  namesOf(entries: readonly Dirent[], options: PageOptions | undefined): string[] {
    const names: string[] = [];
    for (const entry of entries) {
      if (!entry.isFile() || !entry.name.endsWith(EXTENSION)) continue;
      const name = entry.name.slice(0, -EXTENSION.length);
      if (isValidName(name)) names.push(name);
    }
    return pageOf(names.sort(), options, this.spec.kind);
  }

  /** What a document file says of itself, checked against the name it was read as. */
  named<D extends FramedHeader<H>>(document: D | null, name: string): D | null {
    if (document === null || document.name === name) return document;
    throw corruptFile(
      document.file,
      '$.name',
      `stored name ${JSON.stringify(document.name)} is not ${JSON.stringify(name)}`,
    );
  }

  /** The header of the document at `file`, read synchronously (see `readFramedHeaderSync`) and checked; null when there is none. */
  header(file: string, name: string): FramedHeader<H> | null {
    return this.named(readFramedHeaderSync(file, this.spec, this.spec.header), name);
  }

  /**
   * What `next` makes of the current header of document `name` at `file`, for a read-modify-write under
   * the document's lock: a failure to read is reported as a read's, a throw from `next` passes on as it is.
   */
  rewrite(
    file: string,
    name: string,
    next: (current: StoredHeader<H> | null) => { header: H; body: string },
  ): { header: H; body: string } {
    let current: FramedHeader<H> | null;
    try {
      current = this.header(file, name);
    } catch (error) {
      throw this.readFailure(error, 'read', name);
    }
    return next(current);
  }

  /**
   * Appends to `into` the headers of `names` (valid names a listing of folder `dir` found), read
   * synchronously: a listing reads thousands, and per-name checks cost more than the read. A document
   * removed meanwhile is left out; a failure is reported as the listing's.
   */
  headersOf(dir: string, names: readonly string[], into: FramedHeader<H>[]): void {
    for (const name of names) {
      let header: FramedHeader<H> | null;
      try {
        header = this.header(`${dir}${sep}${name}${EXTENSION}`, name);
      } catch (error) {
        throw this.readFailure(error, 'list', name);
      }
      if (header) into.push(header);
    }
  }

  /** The format tag, version and name a document file is written with. */
  meta(name: string): FramedMeta {
    return { format: this.spec.format, formatVersion: this.spec.formatVersion, name };
  }

  /** A system error as the `StorageFailureError` a call reports, naming the document (or, without a name, the folder). */
  failure(error: unknown, operation: string, name?: string): unknown {
    const folder = join(this.root, this.spec.folder);
    const file = name === undefined ? folder : join(folder, `${name}${EXTENSION}`);
    return asStorageFailure(error, { kind: this.spec.kind, operation, name, file });
  }

  /**
   * {@link failure} of a read: one failing with ENOTDIR because the folder is no longer a directory is the
   * folder's fault, reported as such (a missing folder reads as a missing document, through ENOENT).
   */
  readFailure(error: unknown, operation: string, name?: string): unknown {
    return this.folderFault(error) ?? this.failure(error, operation, name);
  }

  /** Notes that a face of this folder holds the lock of `name`. */
  lock(name: string): void {
    this.#locked.add(name);
  }

  /** Whether a face of this folder holds the lock of `name`. */
  locked(name: string): boolean {
    return this.#locked.has(name);
  }

  /**
   * Ends the lock of document `name` a face held: it is discarded when the document was removed meanwhile
   * (see `FilesystemDocumentBackend.withLock`), else released.
   */
  endLock(name: string, lock: FileLock): Promise<boolean> {
    return this.#unlock(name) ? lock.discard() : lock.release();
  }

  /** {@link endLock}, synchronously. */
  endLockSync(name: string, lock: FileLock): boolean {
    return this.#unlock(name) ? lock.discardSync() : lock.releaseSync();
  }

  // Forgets that `name` is locked here; true when its document was removed meanwhile.
  #unlock(name: string): boolean {
    this.#locked.delete(name);
    return this.#removedWhileLocked.delete(name);
  }

  /** Notes that document `name` was written (or created): its lock directory stays. */
  written(name: string): void {
    this.#removedWhileLocked.delete(name);
  }

  /** Notes that document `name` was removed: under its lock, the lock directory goes with it. */
  removed(name: string): void {
    if (this.#locked.has(name)) this.#removedWhileLocked.add(name);
  }

  /**
   * Whether `path` lies inside this folder of documents (`<root>/<folder>`), following symlinks of the part
   * of it that exists (a path not created yet is judged by its nearest existing parent). The rest of the
   * root is the caller's: an `exports/` folder beside the family folders is fine.
   */
  contains(path: string): boolean {
    const root = realpathOrNull(join(this.root, this.spec.folder));
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

  protected async open(): Promise<string> {
    const dir = await openStoreDir(this.root, this.spec.folder);
    for (const swept of [dir, prepareLocks(dir)]) await sweepTempFiles(swept);
    return dir;
  }

  protected openSync(): string {
    const dir = openStoreDirSync(this.root, this.spec.folder);
    for (const swept of [dir, prepareLocks(dir)]) sweepTempFilesSync(swept);
    return dir;
  }

  protected override adopt(dir: string): string {
    this.opened = `${dir}${sep}`;
    return super.adopt(dir);
  }

  protected override forget(): void {
    super.forget();
    this.opened = undefined;
  }
}

// The folder of the document locks, created with the folder; a symlink there is refused.
function prepareLocks(dir: string): string {
  const locks = join(dir, LOCKS_FOLDER);
  makePrivateDir(locks, false);
  refuseSymlinkSync(locks);
  return locks;
}

function realpathOrNull(path: string): string | null {
  try {
    return io.realpathSync(path);
  } catch {
    return null;
  }
}
