import type { Dirent } from 'node:fs';
import { dirname } from 'node:path';
import { type DocumentSpec, documentExists, type StoredHeader } from '../documents.js';
import { assertValidName } from '../names.js';
import { type PageOptions, pageOf } from '../pages.js';
import {
  heldInThisProcess,
  runUnderSyncLock,
  type SyncDocumentBackend,
  type SyncLock,
} from '../sync-ports.js';
import { listSync, syncDirectorySync } from './dirs.js';
import type { DocumentFolder } from './document-folder.js';
import { encodeFrame } from './frame.js';
import { type FramedDocument, type FramedHeader, readFramedFileSync, writeFramedFileSync } from './framed.js';
import { acquireLockSync, endQuietly, type FileLock } from './lock.js';
import { refuseNonFileSync } from './root.js';
import { linkTempSync, writeTempFileSync } from './temp.js';
import { unlinkIfPresent } from './unlink.js';

/**
 * The synchronous face of a filesystem document folder (`FilesystemDocumentBackend.sync`,
 * `FilesystemStore.documentsSync`): the same files, checks, errors and cross-process locks as the
 * asynchronous port, over the same opened folder, through synchronous calls (fsync too: a durable write
 * returns once it is on the device). Its lock waits for a holder in another process by blocking the thread
 * (see `acquireLockSync`), and refuses at once one held in this process; hold it only briefly, as its
 * heartbeat cannot run while the thread is blocked.
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
    try {
      return this.#folder.named(readFramedFileSync(this.#file(name), this.#spec, this.#spec.header), name);
    } catch (error) {
      throw this.#folder.readFailure(error, 'read', name);
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

  write(name: string, header: H, body: string): void {
    try {
      const file = this.#file(name, true);
      refuseNonFileSync(file);
      this.#put(file, name, header, body);
    } catch (error) {
      throw this.#folder.failure(error, 'write', name);
    }
  }

  create(name: string, header: H, body: string): void {
    const folder = this.#folder;
    try {
      const file = this.#file(name, true);
      const temp = writeTempFileSync(
        file,
        encodeFrame(file, folder.meta(name), header, body),
        folder.durable,
      );
      if (!linkTempSync(temp, file, folder.durable)) throw documentExists(this.#spec.kind, name, file);
      folder.written(name);
    } catch (error) {
      throw folder.failure(error, 'create', name);
    }
  }

  remove(name: string): boolean {
    const folder = this.#folder;
    try {
      const file = this.#file(name, true);
      refuseNonFileSync(file);
      if (!unlinkIfPresent(file)) return false;
      folder.removed(name);
      if (folder.durable) syncDirectorySync(dirname(file));
      return true;
    } catch (error) {
      throw folder.failure(error, 'remove', name);
    }
  }

  update(name: string, next: (current: StoredHeader<H> | null) => { header: H; body: string }): void {
    const folder = this.#folder;
    const held = this.lock(name);
    try {
      const file = folder.file(folder.directorySync(), name);
      const { header, body } = folder.rewrite(file, name, next);
      try {
        this.#put(file, name, header, body);
      } catch (error) {
        throw folder.failure(error, 'write', name);
      }
    } finally {
      held.release();
    }
  }

  withLock<T>(name: string, fn: (fence: number) => T): T {
    return runUnderSyncLock((locked) => this.lock(locked), this.#spec.kind, name, fn);
  }

  /**
   * Takes the cross-process lock of document `name` (see `acquireLockSync`): waits for a holder in another
   * process up to the store's `lockTimeoutMs`; one in this process is a `ConflictError` at once. Its
   * `release()` never throws: a release failing on I/O is a process warning (`OMEGA_LOCK_RELEASE_FAILED`),
   * as for the asynchronous port, and returns false.
   */
  lock(name: string): SyncLock {
    assertValidName(this.#spec.kind, name);
    const folder = this.#folder;
    let lock: FileLock;
    try {
      const lockDir = folder.lockDir(folder.liveDirectorySync(), name);
      if (folder.locked(name)) throw heldInThisProcess(this.#spec.kind, name, { lock: lockDir });
      lock = acquireLockSync(lockDir, folder.lockOptions);
    } catch (error) {
      throw folder.failure(error, 'lock', name);
    }
    folder.lock(name);
    let released: boolean | undefined;
    return {
      fence: lock.fence,
      release: () => {
        released ??= endQuietly(lock, () => folder.endLockSync(name, lock));
        return released;
      },
    };
  }

  /** Whether `path` lies inside this folder of documents: see `FilesystemDocumentBackend.contains`. */
  contains(path: string): boolean {
    return this.#folder.contains(path);
  }

  /** Nothing to release: every call opens and closes what it uses. */
  close(): void {}

  #file(name: string, writing = false): string {
    assertValidName(this.#spec.kind, name);
    const folder = this.#folder;
    return folder.file(writing ? folder.liveDirectorySync() : folder.directorySync(), name);
  }

  #put(file: string, name: string, header: H, body: string): void {
    const folder = this.#folder;
    writeFramedFileSync(file, folder.meta(name), header, body, { durable: folder.durable });
    folder.written(name);
  }
}
