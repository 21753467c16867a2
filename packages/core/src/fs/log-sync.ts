import {
  type AppendOptions,
  checkAppend,
  type LogEntry,
  type LogEntryInput,
  type LogReadOptions,
} from '../log.js';
import { assertValidName } from '../names.js';
import type { PageOptions } from '../pages.js';
import type { SyncLogBackend } from '../sync-ports.js';
import { listSync, syncDirectorySync } from './dirs.js';
import { io } from './io.js';
import { acquireLockSync, type FileLock, runHoldingSync } from './lock.js';
import { closedError, EntryPass, exists, type LogFolder, LogPage } from './log-folder.js';
import { writeGroupSync } from './log-group.js';
import type { LogView } from './log-index.js';
import { encodeEntries } from './log-line.js';
import { eachLineSync } from './log-lines.js';

/**
 * The synchronous face of a filesystem log folder (`FilesystemLogBackend.sync`, `FilesystemStore.logSync`):
 * the same files, indexes, checks, errors and cross-process locks as the asynchronous port, over the same
 * opened folder, through synchronous calls. An append takes the log's lock (waiting for a holder in
 * another process by blocking the thread; one in this process, such as the port writing a group, is a
 * `ConflictError` at once), checks `expectedSize`, makes one write and, when durable, one `fdatasync`, and
 * checks that its group landed where it planned (see `writeGroup`) before it returns. Reads stream from the sparse index as the port's do. It has no `wait`:
 * followers wait through the port, which its appends wake.
 */
export class FilesystemSyncLogBackend<H> implements SyncLogBackend<H> {
  #closed = false;
  readonly #changed: (log: string) => void;
  readonly #folder: LogFolder<H>;
  readonly prevalidated = false;
  /** The store root, as an absolute path. */
  readonly root: string;

  /**
   * Over the folder of a `FilesystemLogBackend`, which makes its face: use its `sync`. `changed(log)` is
   * told of each append, to wake the port's waits.
   */
  constructor(folder: LogFolder<H>, changed: (log: string) => void) {
    this.#folder = folder;
    this.root = folder.root;
    this.#changed = changed;
  }

  /** The absolute folder path, created (and swept of dead lock initialisers' temp files) on first use. */
  directory(): string {
    return this.#folder.directorySync();
  }

  append(log: string, entries: readonly LogEntryInput<H>[], options?: AppendOptions): number {
    this.#assertOpen('append');
    checkAppend(this.#folder.spec.kind, log, entries, options);
    const group = [
      { entries: encodeEntries(this.#folder.spec, log, entries), expectedSize: options?.expectedSize },
    ];
    const folder = this.#folder;
    const { dir, lock } = this.#lock(log);
    const target = {
      dir,
      file: folder.file(dir, log),
      log,
      kind: this.#folder.spec.kind,
      durable: folder.durable,
    };
    let outcome: number | Error;
    try {
      outcome = runHoldingSync(
        lock,
        () => writeGroupSync(target, folder.state(log), group)[0]!,
        () => lock.releaseSync(),
      );
    } catch (error) {
      throw folder.failure(error, 'append', log);
    }
    this.#changed(log);
    if (typeof outcome !== 'number') throw outcome;
    return outcome;
  }

  read(log: string, options?: LogReadOptions): LogEntry<H>[] {
    this.#assertOpen('read');
    const { from, limit } = this.#folder.readRange(log, options);
    try {
      const file = this.#file(log);
      return this.#entries(log, file, (view) => EntryPass.read(this.#folder.spec, file, view, from, limit));
    } catch (error) {
      throw this.#folder.readFailure(error, 'read', log);
    }
  }

  size(log: string): number {
    this.#assertOpen('size');
    assertValidName(this.#folder.spec.kind, log);
    try {
      const file = this.#file(log);
      return this.#folder.knownSize(log, file) ?? this.#caughtUp(log, file, 0, (_fd, view) => view.count);
    } catch (error) {
      throw this.#folder.readFailure(error, 'read', log);
    }
  }

  last(log: string): LogEntry<H> | null {
    this.#assertOpen('last');
    assertValidName(this.#folder.spec.kind, log);
    try {
      const file = this.#file(log);
      return this.#entries(log, file, (view) => EntryPass.last(this.#folder.spec, file, view))[0] ?? null;
    } catch (error) {
      throw this.#folder.readFailure(error, 'read', log);
    }
  }

  logs(options?: PageOptions): string[] {
    this.#assertOpen('logs');
    const folder = this.#folder;
    const page = new LogPage(this.#folder.spec.kind, options);
    try {
      page.from(folder.namesOf(listSync(folder.directorySync())));
    } catch (error) {
      throw folder.readFailure(error, 'list');
    }
    for (let log = page.candidate(); log !== undefined; log = page.candidate()) {
      page.add(log, this.#hasEntries(log));
    }
    return page.logs;
  }

  drop(log: string): boolean {
    this.#assertOpen('drop');
    assertValidName(this.#folder.spec.kind, log);
    const folder = this.#folder;
    let file: string;
    try {
      file = folder.file(folder.liveDirectorySync(), log);
    } catch (error) {
      throw folder.failure(error, 'lock', log);
    }
    // No file, no lock taken: a drop of a log never appended leaves no lock directory behind.
    if (!this.#exists(log, file)) return false;
    const { dir, lock } = this.#lock(log);
    let removed = false;
    try {
      return runHoldingSync(
        lock,
        () => {
          removed = folder.unlink(log, file);
          if (removed && folder.durable) syncDirectorySync(dir);
          return removed;
        },
        // A dropped log keeps no lock directory: appended to again, it starts a new fence sequence.
        () => (removed ? lock.discardSync() : lock.releaseSync()),
      );
    } catch (error) {
      throw folder.failure(error, 'drop', log);
    }
  }

  /** Later calls are `ClosedError`s; idempotent. The port stays open; entries outlive both. */
  close(): void {
    this.#closed = true;
  }

  #assertOpen(method: string): void {
    if (this.#closed) throw closedError('FilesystemSyncLogBackend', method, this.#folder.spec.kind);
  }

  #file(log: string): string {
    return this.#folder.file(this.#folder.directorySync(), log);
  }

  #exists(log: string, file: string): boolean {
    try {
      return exists(file);
    } catch (error) {
      throw this.#folder.failure(error, 'lock', log);
    }
  }

  // The live folder and the lock of `log` in it, taken (see `acquireLockSync`).
  #lock(log: string): { dir: string; lock: FileLock } {
    const folder = this.#folder;
    try {
      const dir = folder.liveDirectorySync();
      return { dir, lock: acquireLockSync(folder.lockDir(dir, log), folder.lockOptions) };
    } catch (error) {
      throw folder.failure(error, 'lock', log);
    }
  }

  #hasEntries(log: string): boolean {
    try {
      return this.#folder.state(log).hasEntriesSync(this.#file(log));
    } catch (error) {
      throw this.#folder.readFailure(error, 'list', log);
    }
  }

  // Opens the log, brings its index up to the file's size, and runs `fn`; `missing` when there is no file.
  #caughtUp<T>(log: string, file: string, missing: T, fn: (fd: number, view: LogView) => T): T {
    const opened = this.#folder.openLog(log, file);
    if (opened === null) return missing;
    try {
      return fn(opened.fd, this.#folder.state(log).catchUpSync(opened.fd, file, opened.stats));
    } finally {
      io.closeSync(opened.fd);
    }
  }

  // The entries of `log` the pass made for what the index knows reads (none when it makes none).
  #entries(log: string, file: string, passOf: (view: LogView) => EntryPass<H> | null): LogEntry<H>[] {
    return this.#caughtUp(log, file, [], (fd, view) => {
      const pass = passOf(view);
      if (pass !== null) eachLineSync(fd, pass.offset, view.bytes, pass);
      return pass?.entries ?? [];
    });
  }
}
