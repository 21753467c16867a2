import type { Dirent } from 'node:fs';
import type { DocumentSpec, DocumentWriteOptions, StoredHeader } from '../documents.js';
import { assertValidName } from '../names.js';
import { type PageOptions, pageOf } from '../pages.js';
import {
  heldInThisProcess,
  runUnderSyncLock,
  type SyncDocumentBackend,
  type SyncLock,
} from '../sync-ports.js';
import { listSync } from './dirs.js';
import { type Held, isReplacedSymlinkError, isTombstoneError, openBase } from './document-base.js';
import type { DocumentFolder } from './document-folder.js';
import { removeJob, updateJob, writeJob } from './document-jobs.js';
import { runWriteSync } from './document-write.js';
import { type FramedDocument, type FramedHeader, readFramedFileSync } from './framed.js';
import { acquireLockSync, endQuietly, type FileLock } from './lock.js';

/**
 * The synchronous face of a filesystem document folder (`FilesystemDocumentBackend.sync`,
 * `FilesystemStore.documentsSync`): the same files, checks, errors and cross-process locks as the
 * asynchronous port, over the same opened folder, through synchronous calls (fsync too: a durable write
 * returns once it is on the device). Its lock waits for a holder in another process by blocking the thread
 * (see `acquireLockSync`), and refuses at once one held in this process; hold it only briefly, as every
 * other writer of the name waits for it meanwhile.
 */
export class FilesystemSyncDocumentBackend<H> implements SyncDocumentBackend<H> {
  readonly prevalidated = false;
  /** The store root, as an absolute path. */
  readonly root: string;
  readonly #folder: DocumentFolder<H>;
  readonly #spec: DocumentSpec<H>;

  /** Over the folder of a `FilesystemDocumentBackend`, which makes its face: use its `sync`. */
  constructor(folder: DocumentFolder<H>) {
    this.#folder = folder;
    this.#spec = folder.spec;
    this.root = folder.root;
  }

  /** The absolute folder path, created (and swept of dead writers' temp files) on first use. */
  directory(): string {
    return this.#folder.directorySync();
  }

  read(name: string): FramedDocument<H> | null {
    let file: string | undefined;
    for (;;) {
      try {
        file = this.#file(name);
        return this.#folder.named(readFramedFileSync(file, this.#spec, this.#spec.header), name);
      } catch (error) {
        if (file !== undefined && isTombstoneError(error, file)) return null;
        if (file !== undefined && isReplacedSymlinkError(error, file)) continue;
        throw this.#folder.readFailure(error, 'read', name);
      }
    }
  }

  readHeader(name: string): FramedHeader<H> | null {
    try {
      return this.#folder.header(this.#file(name), name);
    } catch (error) {
      throw this.#folder.readFailure(error, 'read', name);
    }
  }

  headers(options?: PageOptions): FramedHeader<H>[] {
    const names = this.names(options);
    const headers: FramedHeader<H>[] = [];
    this.#folder.headersOf(this.#folder.directorySync(), names, headers);
    return headers;
  }

  names(options?: PageOptions): string[] {
    // Checked before the folder is read, so a bad option touches nothing.
    pageOf([], options, this.#spec.kind);
    let entries: Dirent[];
    try {
      entries = listSync(this.#folder.directorySync());
    } catch (error) {
      throw this.#folder.readFailure(error, 'list');
    }
    return this.#folder.namesOf(entries, options);
  }

  write(name: string, header: H, body: string, options?: DocumentWriteOptions): void {
    const folder = this.#folder;
    try {
      const file = this.#file(name, true);
      runWriteSync(writeJob(folder, name, file, { header, body }, this.#held(name, options)));
    } catch (error) {
      throw folder.failure(error, 'write', name);
    }
  }

  create(name: string, header: H, body: string, options?: DocumentWriteOptions): void {
    const folder = this.#folder;
    try {
      const file = this.#file(name, true);
      runWriteSync(writeJob(folder, name, file, { header, body }, this.#held(name, options), true));
    } catch (error) {
      throw folder.failure(error, 'create', name);
    }
  }

  remove(name: string, options?: DocumentWriteOptions): boolean {
    const folder = this.#folder;
    try {
      const file = this.#file(name, true);
      return runWriteSync(removeJob(folder, name, file, this.#held(name, options)));
    } catch (error) {
      throw folder.failure(error, 'remove', name);
    }
  }

  update(name: string, next: (current: StoredHeader<H> | null) => { header: H; body: string }): void {
    const folder = this.#folder;
    const held = this.#take(name, false);
    try {
      runWriteSync(updateJob(folder, name, held.file, next));
    } catch (error) {
      throw folder.failure(error, 'write', name);
    } finally {
      held.release();
    }
  }

  withLock<T>(name: string, fn: (fence: number) => T): T {
    return runUnderSyncLock((locked) => this.lock(locked), this.#spec.kind, name, fn);
  }

  /**
   * Takes the cross-process lock of document `name` (see `acquireLockSync`): waits for a holder in another
   * process up to the store's `lockTimeoutMs`; one in this process is a `ConflictError` at once. Writes
   * passing its fence land only over the state it saw (see `DocumentWriteOptions`). Its `release()` never
   * throws: a release failing on I/O is a process warning (`OMEGA_LOCK_RELEASE_FAILED`), as for the
   * asynchronous port, and returns false.
   */
  lock(name: string): SyncLock {
    return this.#take(name, true);
  }

  /** Whether `path` lies inside this folder of documents: see `FilesystemDocumentBackend.contains`. */
  contains(path: string): boolean {
    return this.#folder.contains(path);
  }

  /** Nothing to release: every call opens and closes what it uses. */
  close(): void {}

  // The lock of `name`, and its document's file; `fenced` records the state the holder saw, for its fence.
  #take(name: string, fenced: boolean): SyncLock & { file: string } {
    assertValidName(this.#spec.kind, name);
    const folder = this.#folder;
    let lock: FileLock;
    let file: string;
    try {
      const dir = folder.liveDirectorySync();
      const lockDir = folder.lockDir(dir, name);
      file = folder.file(dir, name);
      if (folder.locked(name)) throw heldInThisProcess(this.#spec.kind, name, { lock: lockDir });
      lock = folder.acquire(name, () => acquireLockSync(lockDir, folder.lockOptions));
    } catch (error) {
      throw folder.failure(error, 'lock', name);
    }
    const end = () => endQuietly(lock, () => folder.endLockSync(name, file, lock));
    try {
      if (fenced) folder.lock(name, lock.fence, openBase(file, this.#spec, this.#spec.header, false));
    } catch (error) {
      end();
      throw folder.failure(error, 'lock', name);
    }
    let released: boolean | undefined;
    return {
      fence: lock.fence,
      file,
      release: () => {
        released ??= end();
        return released;
      },
    };
  }

  // The lock a fenced write claims to hold.
  #held(name: string, options: DocumentWriteOptions | undefined): Held<H> | undefined {
    return options?.fence === undefined ? undefined : this.#folder.holder(name, options.fence);
  }

  #file(name: string, writing = false): string {
    assertValidName(this.#spec.kind, name);
    const folder = this.#folder;
    return folder.file(writing ? folder.liveDirectorySync() : folder.directorySync(), name);
  }
}
