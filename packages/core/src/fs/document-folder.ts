import type { Dirent } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { checkDocumentSpec, type DocumentSpec, fenceNotHeld } from '../documents.js';
import { isValidName } from '../names.js';
import { type PageOptions, pageOf } from '../pages.js';
import { sweepTempFiles, sweepTempFilesSync } from './atomic.js';
import { makePrivateDir } from './dirs.js';
import {
  type Base,
  closeBase,
  type Held,
  isReplacedSymlinkError,
  isTombstoneError,
  openBase,
} from './document-base.js';
import { settleClaims } from './document-commit.js';
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
  // The locks this folder's faces hold, by name, and how many of its callers wait for each.
  readonly #held = new Map<string, Held<H>>();
  readonly #waiting = new Map<string, number>();

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
    for (;;) {
      try {
        return this.named(readFramedHeaderSync(file, this.spec, this.spec.header), name);
      } catch (error) {
        if (isTombstoneError(error, file)) return null;
        if (isReplacedSymlinkError(error, file)) continue;
        throw error;
      }
    }
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

  /** The format tag, version, name and write id a document file is written with. */
  meta(name: string, writeId: string): FramedMeta {
    return { format: this.spec.format, formatVersion: this.spec.formatVersion, name, writeId };
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

  /**
   * Takes the lock of `name` in `dir` with `acquire` (a face's acquirer), counting this caller as waiting
   * meanwhile: a lock ended while callers here wait for it is released, not discarded, so that its fences
   * keep growing for them.
   */
  acquire<L>(name: string, acquire: () => L): L {
    this.#waiting.set(name, (this.#waiting.get(name) ?? 0) + 1);
    try {
      return acquire();
    } finally {
      this.#doneWaiting(name);
    }
  }

  /** {@link acquire}, for an asynchronous acquirer. */
  async acquireAsync<L>(name: string, acquire: () => Promise<L>): Promise<L> {
    this.#waiting.set(name, (this.#waiting.get(name) ?? 0) + 1);
    try {
      return await acquire();
    } finally {
      this.#doneWaiting(name);
    }
  }

  #doneWaiting(name: string): void {
    const left = this.#waiting.get(name)! - 1;
    if (left === 0) this.#waiting.delete(name);
    else this.#waiting.set(name, left);
  }

  /**
   * Notes that a face of this folder holds the lock of `name` with `fence`, over the state `base` its
   * holder saw when it took it: what a write passing that fence is made against.
   */
  lock(name: string, fence: number, base: Base<H>): void {
    this.#held.set(name, { fence, base });
  }

  /** Whether a face of this folder holds the lock of `name`. */
  locked(name: string): boolean {
    return this.#held.has(name);
  }

  /**
   * The lock of `name` a write passing `fence` claims to hold: a `ConflictError` when no face of this
   * folder holds it with that fence (it was released, or it is another holder's).
   */
  holder(name: string, fence: unknown): Held<H> {
    const held = this.#held.get(name);
    if (held !== undefined && held.fence === fence) return held;
    throw fenceNotHeld(this.spec.kind, name, fence);
  }

  /**
   * Ends the lock of document `name` a face held: it is discarded when no document is left under the
   * name (removed meanwhile, or never created: a refused create or delete leaves no lock folder) and no
   * caller here waits for it, else released. A waiter in another process then starts a new fence sequence.
   */
  endLock(name: string, file: string, lock: FileLock): Promise<boolean> {
    return this.#unlock(name, file) ? lock.discard() : lock.release();
  }

  /** {@link endLock}, synchronously. */
  endLockSync(name: string, file: string, lock: FileLock): boolean {
    return this.#unlock(name, file) ? lock.discardSync() : lock.releaseSync();
  }

  // Forgets the lock of `name`; true when no document is left at `file` and nobody here waits for it.
  #unlock(name: string, file: string): boolean {
    const held = this.#held.get(name);
    if (held !== undefined) closeBase(held.base);
    this.#held.delete(name);
    if (this.#waiting.has(name)) return false;
    try {
      return !io.lstatSync(file).isFile();
    } catch {
      return true;
    }
  }

  /**
   * Whether `path` lies inside this store's root, following symlinks of the part of it that exists (a path
   * not created yet is judged by its nearest existing parent): a file written there would sit among the
   * store's own files, in this family's folder or another's.
   */
  contains(path: string): boolean {
    const root = realpathOrNull(this.root);
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
    this.#settleClaims(dir);
    return dir;
  }

  protected openSync(): string {
    const dir = openStoreDirSync(this.root, this.spec.folder);
    for (const swept of [dir, prepareLocks(dir)]) sweepTempFilesSync(swept);
    this.#settleClaims(dir);
    return dir;
  }

  // The claims writers that crashed or stalled left behind (see document-commit.ts).
  #settleClaims(dir: string): void {
    settleClaims(dir, io.readdirSync(dir), (file) => {
      let base: Base<H>;
      try {
        base = openBase(file, this.spec, this.spec.header, false);
      } catch {
        // Damaged beyond keying (a foreign symlink): no claim can be current there.
        return null;
      }
      closeBase(base);
      return base.key;
    });
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
