import type { Stats } from 'node:fs';
import { isOmegaError } from '../errors.js';
import { io } from './io.js';
import { openForRead } from './log-file.js';
import { LogIndex, type LogView, scan } from './log-index.js';
import { checkLine, corruptLine, type EncodedEntry } from './log-line.js';
import { eachLine } from './log-lines.js';

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
    const { index } = this;
    const step = this.#scanning.then(async () => {
      index.follow(stats);
      if (index.current(stats)) return index.view();
      const start = index.bytes;
      try {
        await scan(fd, file, index, stats.size);
      } catch (error) {
        // Damage just where this process stopped reading may be another file at the same path (a drop
        // and new appends, with a recycled inode number): read it whole before calling it damage.
        if (start === 0 || !isOmegaError(error, 'CORRUPT_DATA')) throw error;
        index.clear();
        index.follow(stats);
        await scan(fd, file, index, stats.size);
      }
      return index.view();
    });
    this.#scanning = step.catch(() => undefined);
    return step;
  }

  /**
   * Whether log `file` holds an entry. Reads only its first group (complete, or the file holds only a
   * torn tail), unless the index already knows.
   */
  async hasEntries(file: string): Promise<boolean> {
    const fd = openForRead(file);
    if (fd === null) return false;
    try {
      const stats = io.fstatSync(fd);
      if (!stats.isFile()) return false;
      if (this.index.countOf(stats) > 0) return true;
      let found = false;
      let position = 0;
      await eachLine(
        fd,
        0,
        stats.size,
        (bytes, start, newline, offset) => {
          const end = checkLine(bytes, start, newline, { file, offset, position });
          found = end === position;
          position++;
          return !found;
        },
        (offset) => corruptLine({ file, offset, position }, 'a line over the size limit'),
      );
      return found;
    } finally {
      io.closeSync(fd);
    }
  }
}
