import type { Stats } from 'node:fs';
import { isOmegaError } from '../errors.js';
import { io } from './io.js';
import { BlockRules } from './log-blocks.js';
import { openForRead } from './log-file.js';
import { LogIndex, type LogView, scan, scanSync } from './log-index.js';
import { corruptLine, type EncodedEntry } from './log-line.js';
import { eachLine, eachLineSync, type LinePass, sameFile } from './log-lines.js';

/** An append waiting for the next write of its log. */
export interface PendingAppend {
  entries: EncodedEntry[];
  /** Bytes of its encoded entries. */
  bytes: number;
  expectedSize: number | undefined;
  resolve(position: number): void;
  reject(error: unknown): void;
}

// A write takes the appends waiting for it up to this many bytes (and always at least one append): a
// group stays one buffer of moderate size, and the callers behind it wait for one more round only.
const MAX_GROUP_BYTES = 8 * 1024 * 1024;

/** One log as a backend knows it: its index, and the appends waiting for the next write. */
export class LogState {
  readonly index = new LogIndex();
  readonly queue: PendingAppend[] = [];
  /** True while a flush writes the queue, group after group. */
  flushing = false;
  // Scans of this log, one at a time: each extends the index from where the last stopped.
  #scanning: Promise<unknown> = Promise.resolve();

  /** Takes the appends of the next write off the queue. */
  nextGroup(): PendingAppend[] {
    const { queue } = this;
    let bytes = 0;
    let taken = 0;
    while (taken < queue.length && (taken === 0 || bytes + queue[taken]!.bytes <= MAX_GROUP_BYTES)) {
      bytes += queue[taken]!.bytes;
      taken++;
    }
    return queue.splice(0, taken);
  }

  /**
   * Extends the index over the file of `fd` up to its size in `stats`; returns what it then knows, taken
   * before another scan may change it (for another file at the same path).
   */
  catchUp(fd: number, file: string, stats: Stats): Promise<LogView> {
    const step = this.#scanning.then(async () => {
      const now = this.#recheck(fd, stats);
      const start = this.#start(now);
      if (start < 0) return this.index.view();
      try {
        await scan(fd, file, this.index, now.size);
      } catch (error) {
        this.#restart(error, start, now);
        await scan(fd, file, this.index, now.size);
      }
      return this.index.view();
    });
    this.#scanning = step.catch(() => undefined);
    return step;
  }

  /**
   * {@link catchUp}, synchronously. It does not wait for a scan of the asynchronous face under way: the
   * index takes whichever scan ends first, and a later one from the same start finds it moved and adds
   * nothing.
   */
  catchUpSync(fd: number, file: string, stats: Stats): LogView {
    const start = this.#start(stats);
    if (start >= 0) {
      try {
        scanSync(fd, file, this.index, stats.size);
      } catch (error) {
        this.#restart(error, start, stats);
        scanSync(fd, file, this.index, stats.size);
      }
    }
    return this.index.view();
  }

  // Stats taken before a scan waited its turn may be older than what the scans before it, or a write of
  // this process, indexed meanwhile: the file then only seems shorter than indexed, and is looked at again,
  // so that only a file really cut or replaced starts the index over.
  #recheck(fd: number, stats: Stats): Stats {
    return stats.size < this.index.bytes && sameFile(this.index, stats) ? io.fstatSync(fd) : stats;
  }

  // Where a scan of the file of `stats` starts (its index follows it there), or -1 when nothing is new.
  #start(stats: Stats): number {
    const { index } = this;
    index.follow(stats);
    return index.current(stats) ? -1 : index.bytes;
  }

  // After a scan from `start` failed: damage just where this process stopped reading may be another file
  // at the same path (a drop and new appends, with a recycled inode number), so the file is to be read
  // whole before calling it damage; any other failure is rethrown.
  #restart(error: unknown, start: number, stats: Stats): void {
    if (start === 0 || !isOmegaError(error, 'CORRUPT_DATA')) throw error;
    this.index.clear();
    this.index.follow(stats);
  }

  /**
   * Whether log `file` holds an entry. Reads only up to its first accepted group (or the file holds only
   * torn writes), unless the index already knows.
   */
  async hasEntries(file: string): Promise<boolean> {
    const probe = this.#probe(file);
    if (typeof probe === 'boolean') return probe;
    try {
      await eachLine(probe.fd, 0, probe.size, probe);
      return probe.found;
    } finally {
      io.closeSync(probe.fd);
    }
  }

  /** {@link hasEntries}, synchronously. */
  hasEntriesSync(file: string): boolean {
    const probe = this.#probe(file);
    if (typeof probe === 'boolean') return probe;
    try {
      eachLineSync(probe.fd, 0, probe.size, probe);
      return probe.found;
    } finally {
      io.closeSync(probe.fd);
    }
  }

  // What is known of log `file` having entries without reading it, or the pass that reads its first group
  // (holding the file open).
  #probe(file: string): boolean | FirstGroup {
    const fd = openForRead(file);
    if (fd === null) return false;
    let known: boolean | undefined;
    try {
      const stats = io.fstatSync(fd);
      if (!stats.isFile()) known = false;
      else if (this.index.countOf(stats) > 0) known = true;
      else return new FirstGroup(file, fd, stats.size);
    } catch (error) {
      io.closeSync(fd);
      throw error;
    }
    io.closeSync(fd);
    return known;
  }
}

/** The pass of {@link LogState.hasEntries}: the reader rules from the start, up to the first accepted group. */
class FirstGroup implements LinePass {
  found = false;
  readonly #rules: BlockRules;

  constructor(
    readonly file: string,
    readonly fd: number,
    readonly size: number,
  ) {
    this.#rules = new BlockRules(file, { size: 0, offset: 0, tornFrom: -1 }, () => {
      this.found = true;
      return false;
    });
  }

  visit(bytes: Buffer, start: number, newline: number, offset: number): boolean {
    return this.#rules.visit(bytes, start, newline, offset);
  }

  tooLong(offset: number): Error {
    return corruptLine(this.#rules.place(offset), 'a line over the size limit');
  }
}
