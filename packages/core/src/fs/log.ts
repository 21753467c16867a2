import { type ClosedError, InvalidArgumentError } from '../errors.js';
import {
  type AppendOptions,
  checkAppend,
  type LogBackend,
  type LogEntry,
  type LogEntryInput,
  type LogReadOptions,
  type LogSpec,
  type WaitOptions,
} from '../log.js';
import { assertValidName } from '../names.js';
import { checkCount, type PageOptions } from '../pages.js';
import { DIRENTS, missingAsEmpty, syncDirectory } from './dirs.js';
import { io } from './io.js';
import { acquireLock, type FileLock, runHolding } from './lock.js';
import { closedError, EntryPass, exists, LogFolder, LogPage } from './log-folder.js';
import { LogFollower } from './log-follow.js';
import { writeGroup } from './log-group.js';
import type { LogView } from './log-index.js';
import { type EncodedEntry, encodeEntries } from './log-line.js';
import { eachLine } from './log-lines.js';
import type { LogState, PendingAppend } from './log-state.js';
import { FilesystemSyncLogBackend } from './log-sync.js';
import type { FilesystemOptions } from './options.js';

/**
 * Options of a {@link FilesystemLogBackend}: see {@link FilesystemOptions}. With `durable` (the default)
 * an append resolves only after `fdatasync`; with false it stays in the page cache, readable at once by
 * every process but lost on power failure.
 */
export type FilesystemLogOptions = FilesystemOptions;

/**
 * The filesystem {@link LogBackend}: one file per log, `<root>/<folder>/<log>.log`, one line of JSON per
 * entry carrying its position, its group's id, the format tag and version, and a CRC-32 (see log-line.ts).
 * The folder is created on first use (mode 0700; files 0600); symlinks are refused and names checked
 * before any path is built. Appends of several processes to one log wait for each other on the log's
 * cross-process lock (`<folder>/.locks/<log>.log/`); within a process, appends that arrive while a write
 * is under way are written together by the next one: one lock round trip, one `write` (the file is opened
 * O_APPEND) and, when durable, one `fdatasync` for all of them. The lock is only the fast path: each write
 * is a block of its own after a blank line, its entries carry the positions it planned, and the first
 * group at a position is the one readers accept. A write is acknowledged only once its group is found
 * where it was planned (one `lstat` when nothing else was written meanwhile), so a writer frozen past its
 * lock's lease never overwrites nor removes what others landed meanwhile: its conditional appends are
 * `ConflictError`s, its others are written again at the new end. Nothing is ever cut off: a write that
 * stopped midway (a crash) is a torn write that readers skip; damage to accepted entries is a
 * `CorruptDataError` naming the file and the byte offset. Reads use a sparse index of byte offsets kept
 * per log and extended as the file grows, so reading from a position reads only the bytes it returns.
 * A rejected append has stored nothing, except when only its final `fdatasync` (or the check after it)
 * failed: its entries may then be in the log (re-read the size, or append with `expectedSize`, before
 * retrying). {@link FilesystemLogBackend.sync} is its synchronous face, over the same folder, indexes and
 * locks.
 */
export class FilesystemLogBackend<H> implements LogBackend<H> {
  readonly prevalidated = false;
  /** The store root, as an absolute path. */
  readonly root: string;
  /** The synchronous face of this folder: the same logs, indexes, locks and opened folder. */
  readonly sync: FilesystemSyncLogBackend<H>;
  readonly #folder: LogFolder<H>;
  readonly #spec: LogSpec<H>;
  readonly #follower: LogFollower;
  readonly #flushes = new Set<Promise<void>>();
  #closed = false;

  constructor(spec: LogSpec<H>, options: FilesystemLogOptions) {
    const folder = new LogFolder(spec, options);
    this.#folder = folder;
    this.root = folder.root;
    this.#spec = spec;
    this.#follower = new LogFollower({
      directory: () => folder.directory(),
      size: (log) => this.#size(log),
      logOf: (entry) => folder.logOf(entry),
    });
    this.sync = new FilesystemSyncLogBackend(folder, (log) => this.#follower.changed(log));
  }

  /**
   * The absolute folder path. The first call creates the folder (see {@link openStoreDir}) and removes
   * temp files that killed lock initialisers left behind; later calls reuse that result.
   */
  directory(): Promise<string> {
    return this.#folder.directory();
  }

  // Not an async function: the promise it returns is the one its group settles (an append costs one
  // promise, not two), and a refused argument is a rejection all the same.
  append(log: string, entries: readonly LogEntryInput<H>[], options?: AppendOptions): Promise<number> {
    let encoded: EncodedEntry[];
    try {
      this.#assertOpen('append');
      checkAppend(this.#spec.kind, log, entries, options);
      encoded = encodeEntries(this.#spec, log, entries);
    } catch (error) {
      return Promise.reject(error);
    }
    let bytes = 0;
    for (const entry of encoded) bytes += entry.bytes.length;
    const state = this.#folder.state(log);
    return new Promise<number>((resolve, reject) => {
      state.queue.push({ entries: encoded, bytes, expectedSize: options?.expectedSize, resolve, reject });
      if (state.flushing) return;
      state.flushing = true;
      // After the current turn: appends made in the same turn (a Promise.all) go in the same write.
      const flush = Promise.resolve().then(() => this.#flush(log, state));
      this.#flushes.add(flush);
      void flush.finally(() => this.#flushes.delete(flush));
    });
  }

  async read(log: string, options?: LogReadOptions): Promise<LogEntry<H>[]> {
    this.#assertOpen('read');
    const { from, limit } = this.#folder.readRange(log, options);
    try {
      const file = await this.#file(log);
      return await this.#entries(log, file, (view) => EntryPass.read(this.#spec, file, view, from, limit));
    } catch (error) {
      throw this.#folder.readFailure(error, 'read', log);
    }
  }

  async size(log: string): Promise<number> {
    this.#assertOpen('size');
    assertValidName(this.#spec.kind, log);
    try {
      return await this.#size(log);
    } catch (error) {
      throw this.#folder.readFailure(error, 'read', log);
    }
  }

  async last(log: string): Promise<LogEntry<H> | null> {
    this.#assertOpen('last');
    assertValidName(this.#spec.kind, log);
    try {
      const file = await this.#file(log);
      const entries = await this.#entries(log, file, (view) => EntryPass.last(this.#spec, file, view));
      return entries[0] ?? null;
    } catch (error) {
      throw this.#folder.readFailure(error, 'read', log);
    }
  }

  async logs(options?: PageOptions): Promise<string[]> {
    this.#assertOpen('logs');
    const folder = this.#folder;
    const page = new LogPage(this.#spec.kind, options);
    try {
      page.from(folder.namesOf(await io.readdir(await folder.directory(), DIRENTS).catch(missingAsEmpty)));
    } catch (error) {
      throw folder.readFailure(error, 'list');
    }
    for (let log = page.candidate(); log !== undefined; log = page.candidate()) {
      page.add(log, await this.#hasEntries(log));
    }
    return page.logs;
  }

  async drop(log: string): Promise<boolean> {
    this.#assertOpen('drop');
    assertValidName(this.#spec.kind, log);
    const folder = this.#folder;
    let dir: string;
    let file: string;
    let lock: FileLock;
    try {
      dir = await folder.liveDirectory();
      file = folder.file(dir, log);
      // No file, no lock taken: a drop of a log never appended leaves no lock directory behind.
      if (!exists(file)) return false;
      lock = await acquireLock(folder.lockDir(dir, log), folder.lockOptions);
    } catch (error) {
      throw folder.failure(error, 'lock', log);
    }
    let removed = false;
    try {
      return await runHolding(
        lock,
        async () => {
          removed = folder.unlink(log, file);
          if (removed && folder.durable) await syncDirectory(dir);
          return removed;
        },
        // A dropped log keeps no lock directory: appended to again, it starts a new fence sequence.
        () => (removed ? lock.discard() : lock.release()),
      );
    } catch (error) {
      throw folder.failure(error, 'drop', log);
    }
  }

  async wait(log: string, size: number, options?: WaitOptions): Promise<number> {
    this.#assertOpen('wait');
    const { kind } = this.#spec;
    assertValidName(kind, log);
    checkCount(kind, log, 'size', size);
    const signal = options?.signal;
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      throw new InvalidArgumentError('option signal must be an AbortSignal', {
        details: { kind, name: log, option: 'signal' },
      });
    }
    const timeoutMs = options?.timeoutMs;
    if (timeoutMs !== undefined) checkCount(kind, log, 'timeoutMs', timeoutMs);
    signal?.throwIfAborted();
    try {
      const now = await this.#size(log);
      if (now > size || timeoutMs === 0) return now;
      return await this.#follower.wait(log, size, signal, timeoutMs);
    } catch (error) {
      if (signal?.aborted && error === signal.reason) throw error;
      throw this.#folder.readFailure(error, 'wait', log);
    }
  }

  /**
   * Stops watching, rejects pending waits with a `ClosedError`, closes the synchronous face, and resolves
   * once the appends already made have settled. Later calls are `ClosedError`s; idempotent.
   */
  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#follower.closeAll(this.#closedError('wait'));
      this.sync.close();
    }
    while (this.#flushes.size > 0) await Promise.allSettled([...this.#flushes]);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #assertOpen(method: string): void {
    if (this.#closed) throw this.#closedError(method);
  }

  #closedError(method: string): ClosedError {
    return closedError('FilesystemLogBackend', method, this.#spec.kind);
  }

  async #file(log: string): Promise<string> {
    return this.#folder.file(await this.#folder.directory(), log);
  }

  // The size without the argument checks: also what waits poll. An unchanged file costs one lstat.
  async #size(log: string): Promise<number> {
    const file = await this.#file(log);
    return this.#folder.knownSize(log, file) ?? this.#caughtUp(log, file, 0, (_fd, view) => view.count);
  }

  async #hasEntries(log: string): Promise<boolean> {
    try {
      return await this.#folder.state(log).hasEntries(await this.#file(log));
    } catch (error) {
      throw this.#folder.readFailure(error, 'list', log);
    }
  }

  // Opens the log, brings its index up to the file's size, and runs `fn`; `missing` when there is no file.
  async #caughtUp<T>(
    log: string,
    file: string,
    missing: T,
    fn: (fd: number, view: LogView) => T | Promise<T>,
  ): Promise<T> {
    const opened = this.#folder.openLog(log, file);
    if (opened === null) return missing;
    try {
      return await fn(opened.fd, await this.#folder.state(log).catchUp(opened.fd, file, opened.stats));
    } finally {
      io.closeSync(opened.fd);
    }
  }

  // The entries of `log` the pass made for what the index knows reads (none when it makes none).
  #entries(
    log: string,
    file: string,
    passOf: (view: LogView) => EntryPass<H> | null,
  ): Promise<LogEntry<H>[]> {
    return this.#caughtUp(log, file, [], async (fd, view) => {
      const pass = passOf(view);
      if (pass !== null) await eachLine(fd, pass.offset, view.bytes, pass);
      return pass?.entries ?? [];
    });
  }

  // Writes the waiting appends of `log`, a group at a time, until none waits.
  async #flush(log: string, state: LogState): Promise<void> {
    while (state.queue.length > 0) {
      const batch = state.nextGroup();
      try {
        await this.#commit(log, state, batch);
      } catch (error) {
        // #commit settles its batch itself; this is a bug's last resort, so no caller waits forever.
        for (const append of batch) append.reject(error);
      }
    }
    state.flushing = false;
  }

  // One round: the lock, the index caught up, each append's expected size checked in turn, one write of
  // the accepted ones, one fdatasync, the group checked (see writeGroup), the lock released. Settles
  // every append given.
  async #commit(log: string, state: LogState, batch: PendingAppend[]): Promise<void> {
    const folder = this.#folder;
    let dir: string;
    let lock: FileLock;
    try {
      dir = await folder.liveDirectory();
      lock = await acquireLock(folder.lockDir(dir, log), folder.lockOptions);
    } catch (error) {
      const failure = folder.failure(error, 'lock', log);
      for (const append of batch) append.reject(failure);
      return;
    }
    const target = { dir, file: folder.file(dir, log), log, kind: this.#spec.kind, durable: folder.durable };
    let outcomes: (number | Error)[];
    try {
      outcomes = await runHolding(
        lock,
        () => writeGroup(target, state, batch),
        () => lock.release(),
      );
    } catch (error) {
      const failure = folder.failure(error, 'append', log);
      for (const append of batch) append.reject(failure);
      return;
    }
    for (let i = 0; i < batch.length; i++) {
      const outcome = outcomes[i]!;
      if (typeof outcome === 'number') batch[i]!.resolve(outcome);
      else batch[i]!.reject(outcome);
    }
    this.#follower.changed(log);
  }
}
