import type { Dirent, Stats } from 'node:fs';
import { join, sep } from 'node:path';
import { ClosedError } from '../errors.js';
import type { LogEntry, LogReadOptions, LogSpec } from '../log.js';
import { checkLogSpec } from '../log.js';
import { assertValidName, isValidName } from '../names.js';
import { checkCount, type PageOptions, pageAfter, pageLimit, pageOf } from '../pages.js';
import { sweepTempFiles, sweepTempFilesSync } from './atomic.js';
import { makePrivateDir } from './dirs.js';
import { asStorageFailure } from './failures.js';
import { io } from './io.js';
import { SettledLines } from './log-blocks.js';
import { notRegular, openForRead } from './log-file.js';
import { type LogView, seek } from './log-index.js';
import { corruptLine, decodeLine } from './log-line.js';
import type { LinePass } from './log-lines.js';
import { LogState } from './log-state.js';
import { OpenedFolder } from './opened-folder.js';
import type { FilesystemOptions } from './options.js';
import { symlinkError } from './read.js';
import { openStoreDir, openStoreDirSync, refuseNonFileSync, refuseSymlinkSync } from './root.js';
import { unlinkIfPresent } from './unlink.js';

/** The extension of every log file. */
export const EXTENSION = '.log';
const LOCKS_FOLDER = '.locks';
// Logs whose state (index, queue) is kept; beyond it idle ones are forgotten and rescanned when used.
const MAX_KEPT_LOGS = 1024;

/**
 * One filesystem folder of logs, as both of its faces see it: the asynchronous `FilesystemLogBackend`
 * and its synchronous face share this object, so they share the opened folder, the options, and each
 * log's state (its sparse index, and the appends queued for its next write). What the two faces decide
 * alike is decided here, once; they differ only in the calls that wait.
 */
export class LogFolder<H> extends OpenedFolder {
  readonly spec: LogSpec<H>;
  readonly #logs = new Map<string, LogState>();

  constructor(spec: LogSpec<H>, options: FilesystemOptions) {
    checkLogSpec(spec);
    super(spec, options);
    this.spec = spec;
  }

  /** The file of `log` in folder `dir` (the name checked already). */
  file(dir: string, log: string): string {
    return `${dir}${sep}${log}${EXTENSION}`;
  }

  /** Checks the name and options of a read (before anything is touched): where it starts, and how many it takes at most. */
  readRange(log: string, options: LogReadOptions | undefined): { from: number; limit: number } {
    const { kind } = this.spec;
    assertValidName(kind, log);
    const from = options?.from === undefined ? 0 : checkCount(kind, log, 'from', options.from);
    return { from, limit: pageLimit(kind, options?.limit) };
  }

  /** The lock directory of `log` in folder `dir`. */
  lockDir(dir: string, log: string): string {
    return join(dir, LOCKS_FOLDER, `${log}${EXTENSION}`);
  }

  /** The log a folder entry is the file of, or null. */
  logOf(entry: string): string | null {
    if (!entry.endsWith(EXTENSION)) return null;
    const log = entry.slice(0, -EXTENSION.length);
    return isValidName(log) ? log : null;
  }

  /** What this process knows of `log`: its index, and the appends waiting for its next write. */
  state(log: string): LogState {
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

  /**
   * The size of `log` (file `file`) when known without reading it: 0 for a missing file, the index's count
   * when the file did not change (one lstat); null when the file is to be read.
   */
  knownSize(log: string, file: string): number | null {
    const state = this.state(log);
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
    return state.index.current(stats) ? state.index.count : null;
  }

  /**
   * Opens `log` (file `file`) for reading, a regular file: its descriptor and stats, for the caller to
   * bring the index up to them and close; null (the index cleared) when there is no file.
   */
  openLog(log: string, file: string): { fd: number; stats: Stats } | null {
    const fd = openForRead(file);
    if (fd === null) {
      this.state(log).index.clear();
      return null;
    }
    try {
      const stats = io.fstatSync(fd);
      if (!stats.isFile()) throw notRegular(file);
      return { fd, stats };
    } catch (error) {
      io.closeSync(fd);
      throw error;
    }
  }

  /** The valid log names among the entries of the folder, sorted: the candidates of a listing. */
  namesOf(entries: readonly Dirent[]): string[] {
    const names: string[] = [];
    for (const entry of entries) {
      const name = entry.isFile() ? this.logOf(entry.name) : null;
      if (name !== null) names.push(name);
    }
    return names.sort();
  }

  /**
   * Unlinks the file of `log`, under its lock: true when there was one (its index is then forgotten),
   * false when there was none.
   */
  unlink(log: string, file: string): boolean {
    refuseNonFileSync(file);
    if (!unlinkIfPresent(file)) return false;
    this.#logs.get(log)?.index.clear();
    return true;
  }

  /** A system error as the `StorageFailureError` a call reports, naming the log file (or, without a log, the folder). */
  failure(error: unknown, operation: string, log?: string): unknown {
    const folder = join(this.root, this.spec.folder);
    const file = log === undefined ? folder : join(folder, `${log}${EXTENSION}`);
    return asStorageFailure(error, { kind: this.spec.kind, operation, name: log, file });
  }

  /** {@link failure} of a read: one failing with ENOTDIR because the folder is no longer a directory is the folder's fault. */
  readFailure(error: unknown, operation: string, log?: string): unknown {
    return this.failure(this.folderFault(error) ?? error, operation, log);
  }

  protected async open(): Promise<string> {
    const dir = await openStoreDir(this.root, this.spec.folder);
    await sweepTempFiles(prepareLocks(dir));
    return dir;
  }

  protected openSync(): string {
    const dir = openStoreDirSync(this.root, this.spec.folder);
    sweepTempFilesSync(prepareLocks(dir));
    return dir;
  }
}

// The folder of the log locks, created with the folder; a symlink there is refused.
function prepareLocks(dir: string): string {
  const locks = join(dir, LOCKS_FOLDER);
  makePrivateDir(locks, false);
  refuseSymlinkSync(locks);
  return locks;
}

/**
 * The pass of a read over a log's lines: from an indexed line (at `offset`, holding `position`) on, it
 * follows the settled lines (see {@link SettledLines}) and checks and decodes the entries from `from` to
 * `stop`; or, made by {@link EntryPass.idAt}, takes the group id of the entry at `from` only.
 */
export class EntryPass<H> implements LinePass {
  readonly entries: LogEntry<H>[] = [];
  /** The group id of the entry at `from` ('' before it is read, or in lines of earlier versions). */
  id = '';
  readonly #lines: SettledLines;

  private constructor(
    readonly spec: LogSpec<H> | null,
    readonly file: string,
    view: LogView,
    readonly offset: number,
    position: number,
    readonly from: number,
    readonly stop: number,
  ) {
    this.#lines = new SettledLines(file, view.torn, position);
  }

  /** The pass of a read of at most `limit` entries from `from`, in `view`; null when there are none. */
  static read<H>(
    spec: LogSpec<H>,
    file: string,
    view: LogView,
    from: number,
    limit: number,
  ): EntryPass<H> | null {
    const stop = Math.min(view.count, from + limit);
    if (from >= stop) return null;
    const mark = seek(view, from);
    return new EntryPass(spec, file, view, mark.offset, mark.position, from, stop);
  }

  /** The pass that reads the last entry of `view`; null when it has none. */
  static last<H>(spec: LogSpec<H>, file: string, view: LogView): EntryPass<H> | null {
    const last = view.count - 1;
    return last < 0 ? null : new EntryPass(spec, file, view, view.lastOffset, last, last, view.count);
  }

  /** The pass that reads the group id of the entry at `position` (< `view.count`). */
  static idAt(file: string, view: LogView, position: number): EntryPass<never> {
    const mark = seek(view, position);
    return new EntryPass<never>(null, file, view, mark.offset, mark.position, position, position + 1);
  }

  visit(bytes: Buffer, start: number, newline: number, offset: number): boolean {
    const lines = this.#lines;
    const position = lines.position;
    const fields = lines.accepted(bytes, start, newline, offset);
    if (fields === null || position < this.from) return true;
    if (this.spec === null) this.id = fields.id;
    else
      this.entries.push(decodeLine(this.spec, bytes, start, newline, { file: this.file, offset, position }));
    return lines.position < this.stop;
  }

  tooLong(offset: number): Error {
    return corruptLine(
      { file: this.file, offset, position: this.#lines.position },
      'a line over the size limit',
    );
  }
}

/**
 * One page of a listing of logs: the candidate names, taken a page at a time, of which those holding an
 * entry are listed (a file may hold only a torn tail, a first append that crashed: such a log is empty).
 * A face takes each `candidate()` in turn and says whether it holds an entry with `add`.
 */
export class LogPage {
  /** The listed logs. */
  readonly logs: string[] = [];
  readonly #kind: string;
  readonly #limit: number;
  #after: string | undefined;
  #names: readonly string[] = [];
  // The candidates of the current round, and the next of them to take.
  #round: string[] = [];
  #next = 0;

  /** Checks the options (before the folder is read, so a bad one touches nothing). */
  constructor(kind: string, options: PageOptions | undefined) {
    this.#kind = kind;
    this.#limit = pageLimit(kind, options?.limit);
    this.#after = pageAfter(kind, options?.after);
  }

  /** Takes the valid log names of the folder, sorted. */
  from(names: readonly string[]): void {
    this.#names = names;
  }

  /** The next log to check; undefined when the page is full or none is left. */
  candidate(): string | undefined {
    if (this.logs.length >= this.#limit) return undefined;
    if (this.#next === this.#round.length) {
      const after = this.#after;
      const limit = this.#limit;
      this.#round = pageOf(this.#names, after === undefined ? { limit } : { after, limit }, this.#kind);
      this.#next = 0;
      if (this.#round.length === 0) return undefined;
      this.#after = this.#round[this.#round.length - 1];
    }
    return this.#round[this.#next++];
  }

  /** Lists `log` (the last candidate) when it holds an entry. */
  add(log: string, hasEntries: boolean): void {
    if (hasEntries) this.logs.push(log);
  }
}

/** The error of a call to a closed log port or face. */
export function closedError(provider: string, method: string, kind: string): ClosedError {
  return new ClosedError(`${provider}.${method}() called after close()`, {
    details: { provider, method, kind },
  });
}

/** Whether `file` exists (an lstat; a symlink counts); a failure other than ENOENT is thrown. */
export function exists(file: string): boolean {
  return io.lstatSync(file, { throwIfNoEntry: false }) !== undefined;
}
