import type { Stats } from 'node:fs';
import { checkLine, corruptLine } from './log-line.js';
import { eachLine, eachLineSync, type FileIdentity, type LinePass, sameFile } from './log-lines.js';

/**
 * Every STRIDE-th entry's byte offset is kept: a read from any position reads at most STRIDE - 1 lines
 * it does not return (about 50 KB of 200-byte entries), and the index of a million entries is 4,000
 * numbers.
 */
export const STRIDE = 256;

/**
 * What a backend knows of one log file: its identity, how far it has been checked, how many entries
 * that holds, and the byte offset of every {@link STRIDE}-th entry. Extended, never rebuilt, while the
 * file only grows; a file replaced at the same path (a drop, then new appends) is read again from 0.
 */
export class LogIndex implements FileIdentity {
  dev = -1;
  ino = -1;
  birthtimeMs = -1;
  /** File size when last checked: an unchanged size means nothing new. */
  seen = 0;
  /** Bytes of complete groups: everything after is the torn tail (or a write in progress). */
  bytes = 0;
  /** Entries in those bytes. */
  count = 0;
  /**
   * `marks[k]`: byte offset of entry `k * STRIDE`. Only appended to while the file is the same, and
   * replaced when it is not, so a {@link LogView} may hold it.
   */
  marks: number[] = [];
  /** Byte offset of the last entry (-1 when empty). */
  lastOffset = -1;

  /**
   * True when `stats` (of the log's path) show nothing new since the last check. Never while a tail was
   * left unread: a writer may have cut it and appended as many bytes.
   */
  current(stats: Stats): boolean {
    return stats.size === this.seen && this.seen === this.bytes && sameFile(this, stats);
  }

  /** Starts over for the file of `stats` when it is not the one indexed, or shorter than what was checked. */
  follow(stats: Stats): void {
    if (sameFile(this, stats) && stats.size >= this.bytes) return;
    this.dev = stats.dev;
    this.ino = stats.ino;
    this.birthtimeMs = stats.birthtimeMs;
    this.#restart();
  }

  /** Forgets the file (it is gone). */
  clear(): void {
    this.dev = -1;
    this.ino = -1;
    this.birthtimeMs = -1;
    this.#restart();
  }

  /** What is known now, unchanged by later scans: what a read goes by. */
  view(): LogView {
    return { count: this.count, bytes: this.bytes, lastOffset: this.lastOffset, marks: this.marks };
  }

  /** The count known for the file of `stats` (0 for another file). */
  countOf(stats: Stats): number {
    return sameFile(this, stats) ? this.count : 0;
  }

  #restart(): void {
    this.seen = 0;
    this.bytes = 0;
    this.count = 0;
    this.marks = [];
    this.lastOffset = -1;
  }

  /**
   * Records a group this process wrote at `start` (where the checked bytes ended): its lines start at
   * `offsets`, and it ends at `end`. Ignored when a scan got there first.
   */
  extend(start: number, offsets: readonly number[], end: number, size: number): void {
    if (this.bytes !== start) return;
    for (let i = 0; i < offsets.length; i++) {
      if ((this.count + i) % STRIDE === 0) this.marks.push(offsets[i]!);
    }
    this.count += offsets.length;
    this.lastOffset = offsets[offsets.length - 1]!;
    this.bytes = end;
    this.seen = size;
  }
}

/** A {@link LogIndex} as it was at one moment. */
export interface LogView {
  count: number;
  bytes: number;
  lastOffset: number;
  marks: readonly number[];
}

/** Byte offset of the indexed entry at or before `position` (< `view.count`), and that entry's position. */
export function seek(view: LogView, position: number): { offset: number; position: number } {
  const k = Math.floor(position / STRIDE);
  return { offset: view.marks[k]!, position: k * STRIDE };
}

/**
 * Checks the bytes of `fd` from where `index` stopped up to `size` (the file's size now) and extends it
 * with the complete groups found: every line's checksum, position and group. A group whose last line is
 * missing at the end is the torn tail (or an append in progress) and is left out; damage before it is a
 * `CorruptDataError` naming the file and the offset. Does nothing when the index moved meanwhile.
 */
export async function scan(fd: number, file: string, index: LogIndex, size: number): Promise<void> {
  const pass = new ScanPass(file, index);
  await eachLine(fd, pass.start, size, pass);
  pass.commit(size);
}

/** {@link scan}, synchronously. */
export function scanSync(fd: number, file: string, index: LogIndex, size: number): void {
  const pass = new ScanPass(file, index);
  eachLineSync(fd, pass.start, size, pass);
  pass.commit(size);
}

/** One {@link scan}: what its lines add to the index, committed at the end unless the index moved. */
class ScanPass implements LinePass {
  readonly start: number;
  readonly #file: string;
  readonly #index: LogIndex;
  // Replaced when the index starts over (another file at the path): then this scan's result is stale.
  readonly #known: number[];
  #count: number;
  #bytes: number;
  #lastOffset: number;
  readonly #marks: number[] = [];
  // The lines of the group being read, and its announced end.
  readonly #group: number[] = [];
  #groupEnd = -1;

  constructor(file: string, index: LogIndex) {
    this.#file = file;
    this.#index = index;
    this.start = index.bytes;
    this.#known = index.marks;
    this.#count = index.count;
    this.#bytes = index.bytes;
    this.#lastOffset = index.lastOffset;
  }

  visit(buffer: Buffer, lineStart: number, newline: number, offset: number): boolean {
    const group = this.#group;
    const place = { file: this.#file, offset, position: this.#count + group.length };
    const end = checkLine(buffer, lineStart, newline, place);
    if (group.length > 0 && end !== this.#groupEnd) {
      throw corruptLine(place, `line ends its group at ${end}, the group's first line at ${this.#groupEnd}`);
    }
    this.#groupEnd = end;
    group.push(offset);
    if (place.position === end) {
      for (let i = 0; i < group.length; i++) {
        if ((this.#count + i) % STRIDE === 0) this.#marks.push(group[i]!);
      }
      this.#count += group.length;
      this.#lastOffset = offset;
      this.#bytes = offset + (newline - lineStart) + 1;
      group.length = 0;
    }
    return true;
  }

  tooLong(offset: number): Error {
    const position = this.#count + this.#group.length;
    return corruptLine({ file: this.#file, offset, position }, 'a line over the size limit');
  }

  commit(size: number): void {
    const index = this.#index;
    if (index.bytes !== this.start || index.marks !== this.#known) return;
    for (const mark of this.#marks) index.marks.push(mark);
    index.count = this.#count;
    index.bytes = this.#bytes;
    index.lastOffset = this.#lastOffset;
    index.seen = size;
  }
}
