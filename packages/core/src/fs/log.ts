import type { Dirent, Stats } from 'node:fs';
import { join, sep } from 'node:path';
import { ClosedError, InvalidArgumentError } from '../errors.js';
import {
  type AppendOptions,
  checkAppend,
  checkLogSpec,
  type LogBackend,
  type LogEntry,
  type LogEntryInput,
  type LogReadOptions,
  type LogSpec,
  type WaitOptions,
} from '../log.js';
import { assertValidName, isValidName } from '../names.js';
import { checkCount, type PageOptions, pageAfter, pageLimit, pageOf } from '../pages.js';
import { sweepTempFiles } from './atomic.js';
import { makePrivateDir, syncDirectory } from './dirs.js';
import { asStorageFailure } from './failures.js';
import { io } from './io.js';
import { acquireLock, type FileLock, type LockOptions, runHolding } from './lock.js';
import { notRegular, openForRead } from './log-file.js';
import { LogFollower } from './log-follow.js';
import { writeGroup } from './log-group.js';
import { type LogView, seek } from './log-index.js';
import { checkLine, corruptLine, decodeLine, type EncodedEntry, encodeEntries } from './log-line.js';
import { eachLine } from './log-lines.js';
import { LogState, type PendingAppend } from './log-state.js';
import { checkFilesystemOptions, type FilesystemOptions } from './options.js';
import { symlinkError } from './read.js';
import { checkStoreDir, openStoreDir, refuseNonFile, refuseSymlink } from './root.js';

/**
 * Options of a {@link FilesystemLogBackend}: see {@link FilesystemOptions}. With `durable` (the default)
 * an append resolves only after `fdatasync`; with false it stays in the page cache, readable at once by
 * every process but lost on power failure.
 */
export type FilesystemLogOptions = FilesystemOptions;

const EXTENSION = '.log';
const LOCKS_FOLDER = '.locks';
// Logs whose state (index, queue) is kept; beyond it idle ones are forgotten and rescanned when used.
const MAX_KEPT_LOGS = 1024;

/**
 * The filesystem {@link LogBackend}: one file per log, `<root>/<folder>/<log>.log`, one line of JSON per
 * entry carrying its position, the format tag and version, and a CRC-32 (see log-line.ts). The folder is
 * created on first use (mode 0700; files 0600); symlinks are refused and names checked before any path
 * is built. Appends of several processes to one log are serialized by the log's cross-process lock
 * (`<folder>/.locks/<log>.log/`); within a process, appends that arrive while a write is under way are
 * written together by the next one: one lock round trip, one `write` (the file is opened O_APPEND) and,
 * when durable, one `fdatasync` for all of them. A write that stopped midway (a crash) is the log's torn
 * tail: readers ignore it and the next writer cuts it off; damage anywhere before it is a
 * `CorruptDataError` naming the file and the byte offset. Reads use a sparse index of byte offsets kept
 * per log and extended as the file grows, so reading from a position reads only the bytes it returns.
 * A rejected append has stored nothing, except when only its final `fdatasync` failed: its entries may
 * then be in the log (re-read the size, or append with `expectedSize`, before retrying).
 */
export class FilesystemLogBackend<H> implements LogBackend<H> {
  readonly prevalidated = false;
  /** The store root, as an absolute path. */
  readonly root: string;
  readonly #spec: LogSpec<H>;
  readonly #durable: boolean;
  readonly #lockOptions: LockOptions;
  #dir: Promise<string> | undefined;
  readonly #logs = new Map<string, LogState>();
  readonly #follower: LogFollower;
  readonly #flushes = new Set<Promise<void>>();
  #closed = false;

  constructor(spec: LogSpec<H>, options: FilesystemLogOptions) {
    checkLogSpec(spec);
    const checked = checkFilesystemOptions(`a filesystem ${spec.kind} store`, spec.kind, options);
    this.root = checked.root;
    this.#spec = spec;
    this.#durable = checked.durable;
    this.#lockOptions = checked.lock;
    this.#follower = new LogFollower({
      directory: () => this.directory(),
      size: (log) => this.#size(log),
      logOf: (entry) => {
        if (!entry.endsWith(EXTENSION)) return null;
        const log = entry.slice(0, -EXTENSION.length);
        return isValidName(log) ? log : null;
      },
    });
  }

  /**
   * The absolute folder path. The first call creates the folder (see {@link openStoreDir}) and removes
   * temp files that killed lock initialisers left behind; later calls reuse that result.
   */
  directory(): Promise<string> {
    this.#dir ??= this.#open().catch((error: unknown) => {
      this.#dir = undefined;
      throw error;
    });
    return this.#dir;
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
    const state = this.#state(log);
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
    const { kind } = this.#spec;
    assertValidName(kind, log);
    const from = options?.from === undefined ? 0 : checkCount(kind, log, 'from', options.from);
    const limit = pageLimit(kind, options?.limit);
    try {
      const file = await this.#file(log);
      return await this.#withFile(log, file, [], async (fd, index) => {
        const stop = Math.min(index.count, from + limit);
        if (from >= stop) return [];
        const entries: LogEntry<H>[] = [];
        const mark = seek(index, from);
        let position = mark.position;
        // Lines before `from` were checked when indexed: only counted here.
        await eachLine(
          fd,
          mark.offset,
          index.bytes,
          (bytes, start, newline, lineOffset) => {
            if (position >= from) {
              const place = { file, offset: lineOffset, position };
              checkLine(bytes, start, newline, place);
              entries.push(decodeLine(this.#spec, bytes, start, newline, place));
            }
            position++;
            return position < stop;
          },
          (at) => corruptLine({ file, offset: at, position }, 'a line over the size limit'),
        );
        return entries;
      });
    } catch (error) {
      throw await this.#readFailure(error, 'read', log);
    }
  }

  async size(log: string): Promise<number> {
    this.#assertOpen('size');
    assertValidName(this.#spec.kind, log);
    try {
      return await this.#size(log);
    } catch (error) {
      throw await this.#readFailure(error, 'read', log);
    }
  }

  async last(log: string): Promise<LogEntry<H> | null> {
    this.#assertOpen('last');
    assertValidName(this.#spec.kind, log);
    try {
      const file = await this.#file(log);
      return await this.#withFile(log, file, null, async (fd, index) => {
        if (index.count === 0) return null;
        let entry: LogEntry<H> | null = null;
        const place = { file, offset: index.lastOffset, position: index.count - 1 };
        await eachLine(
          fd,
          index.lastOffset,
          index.bytes,
          (bytes, start, newline) => {
            checkLine(bytes, start, newline, place);
            entry = decodeLine(this.#spec, bytes, start, newline, place);
            return false;
          },
          () => corruptLine(place, 'a line over the size limit'),
        );
        return entry;
      });
    } catch (error) {
      throw await this.#readFailure(error, 'read', log);
    }
  }

  async logs(options?: PageOptions): Promise<string[]> {
    this.#assertOpen('logs');
    const { kind } = this.#spec;
    const limit = pageLimit(kind, options?.limit);
    let after = pageAfter(kind, options?.after);
    let names: string[];
    try {
      const dir = await this.directory();
      const entries = await io.readdir(dir, { withFileTypes: true }).catch(missingAsEmpty);
      names = [];
      for (const entry of entries) {
        if (!entry.isFile() || !entry.name.endsWith(EXTENSION)) continue;
        const name = entry.name.slice(0, -EXTENSION.length);
        if (isValidName(name)) names.push(name);
      }
      names.sort();
    } catch (error) {
      throw await this.#readFailure(error, 'list');
    }
    const page: string[] = [];
    // A file may hold only a torn tail (a first append that crashed): such a log is empty, not listed.
    while (page.length < limit) {
      const candidates = pageOf(names, after === undefined ? { limit } : { after, limit }, kind);
      if (candidates.length === 0) break;
      for (const name of candidates) {
        let found: boolean;
        try {
          found = await this.#state(name).hasEntries(await this.#file(name));
        } catch (error) {
          throw await this.#readFailure(error, 'list', name);
        }
        if (found) page.push(name);
        if (page.length === limit) break;
      }
      after = candidates[candidates.length - 1];
    }
    return page;
  }

  async drop(log: string): Promise<boolean> {
    this.#assertOpen('drop');
    assertValidName(this.#spec.kind, log);
    let dir: string;
    let file: string;
    let lock: FileLock;
    try {
      dir = await this.#liveDirectory();
      file = join(dir, `${log}${EXTENSION}`);
      // No file, no lock taken: a drop of a log never appended leaves no lock directory behind.
      if (!exists(file)) return false;
      lock = await acquireLock(join(dir, LOCKS_FOLDER, `${log}${EXTENSION}`), this.#lockOptions);
    } catch (error) {
      throw this.#failure(error, 'lock', log);
    }
    let removed = false;
    try {
      return await runHolding(
        lock,
        async () => {
          await refuseNonFile(file);
          try {
            io.unlinkSync(file);
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
            throw error;
          }
          removed = true;
          this.#logs.get(log)?.index.clear();
          if (this.#durable) await syncDirectory(dir);
          return true;
        },
        // A dropped log keeps no lock directory: appended to again, it starts a new fence sequence.
        () => (removed ? lock.discard() : lock.release()),
      );
    } catch (error) {
      throw this.#failure(error, 'drop', log);
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
      throw await this.#readFailure(error, 'wait', log);
    }
  }

  /**
   * Stops watching, rejects pending waits with a `ClosedError`, and resolves once the appends already
   * made have settled. Later calls are `ClosedError`s; idempotent.
   */
  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#follower.closeAll(this.#closedError('wait'));
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
    return new ClosedError(`FilesystemLogBackend.${method}() called after close()`, {
      details: { provider: 'FilesystemLogBackend', method, kind: this.#spec.kind },
    });
  }

  async #open(): Promise<string> {
    const dir = await openStoreDir(this.root, this.#spec.folder);
    const locks = join(dir, LOCKS_FOLDER);
    makePrivateDir(locks, false);
    await refuseSymlink(locks);
    await sweepTempFiles(locks);
    return dir;
  }

  // The folder before a write or a lock: a folder swapped for a symlink or a file since it was opened is
  // refused, and one deleted meanwhile is created again.
  async #liveDirectory(): Promise<string> {
    const dir = await this.directory();
    if (await checkStoreDir(dir)) return dir;
    this.#dir = undefined;
    return this.directory();
  }

  async #file(log: string): Promise<string> {
    return `${await this.directory()}${sep}${log}${EXTENSION}`;
  }

  #state(log: string): LogState {
    let state = this.#logs.get(log);
    if (state !== undefined) return state;
    if (this.#logs.size >= MAX_KEPT_LOGS) {
      for (const [name, kept] of this.#logs) {
        if (!kept.flushing && kept.queue.length === 0) this.#logs.delete(name);
      }
    }
    state = new LogState();
    this.#logs.set(log, state);
    return state;
  }

  // The size without the argument checks: also what waits poll. An unchanged file costs one lstat.
  async #size(log: string): Promise<number> {
    const file = await this.#file(log);
    const state = this.#state(log);
    let stats: Stats;
    try {
      stats = io.lstatSync(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      state.index.clear();
      return 0;
    }
    if (stats.isSymbolicLink()) throw symlinkError(file);
    if (!stats.isFile()) throw notRegular(file);
    if (state.index.current(stats)) return state.index.count;
    return this.#withFile(log, file, 0, async (_fd, index) => index.count);
  }

  // Opens the log, brings its index up to the file's size, and runs `fn`; `missing` when there is no file.
  async #withFile<T>(
    log: string,
    file: string,
    missing: T,
    fn: (fd: number, index: LogView) => Promise<T>,
  ): Promise<T> {
    const state = this.#state(log);
    const fd = openForRead(file);
    if (fd === null) {
      state.index.clear();
      return missing;
    }
    try {
      const stats = io.fstatSync(fd);
      if (!stats.isFile()) throw notRegular(file);
      return await fn(fd, await state.catchUp(fd, file, stats));
    } finally {
      io.closeSync(fd);
    }
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

  // One round: the lock, the tail checked (and a torn one cut), each append's expected size checked in
  // turn, one write of the accepted ones, one fdatasync, the lock released. Settles every append given.
  async #commit(log: string, state: LogState, batch: PendingAppend[]): Promise<void> {
    let dir: string;
    let lock: FileLock;
    try {
      dir = await this.#liveDirectory();
      lock = await acquireLock(join(dir, LOCKS_FOLDER, `${log}${EXTENSION}`), this.#lockOptions);
    } catch (error) {
      const failure = this.#failure(error, 'lock', log);
      for (const append of batch) append.reject(failure);
      return;
    }
    const file = join(dir, `${log}${EXTENSION}`);
    let outcomes: (number | Error)[];
    try {
      outcomes = await runHolding(
        lock,
        () => writeGroup({ dir, file, log, kind: this.#spec.kind, durable: this.#durable }, state, batch),
        () => lock.release(),
      );
    } catch (error) {
      const failure = this.#failure(error, 'append', log);
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

  // A read whose folder is no longer a directory fails with ENOTDIR: that is the folder's fault.
  async #readFailure(error: unknown, operation: string, log?: string): Promise<unknown> {
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') {
      try {
        await checkStoreDir(await this.directory());
      } catch (folderError) {
        return this.#failure(folderError, operation, log);
      }
    }
    return this.#failure(error, operation, log);
  }

  // A system error as a StorageFailureError naming the log file (or, without a log, the folder).
  #failure(error: unknown, operation: string, log?: string): unknown {
    const folder = join(this.root, this.#spec.folder);
    const file = log === undefined ? folder : join(folder, `${log}${EXTENSION}`);
    return asStorageFailure(error, { kind: this.#spec.kind, operation, name: log, file });
  }
}

function exists(file: string): boolean {
  try {
    io.lstatSync(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

// A family folder deleted under a running provider lists nothing.
function missingAsEmpty(error: unknown): Dirent[] {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
  throw error;
}
