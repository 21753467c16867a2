import type { Stats } from 'node:fs';
import { type AcceptedGroup, BlockRules } from './log-blocks.js';
import { corruptLine } from './log-line.js';
import { eachLine, eachLineSync, type FileIdentity, type LinePass, sameFile } from './log-lines.js';

/**
 * Every STRIDE-th entry's byte offset is kept: a read from any position reads at most STRIDE - 1 lines
 * it does not return (about 50 KB of 200-byte entries), and the index of a million entries is 4,000
 * numbers. The last one to two strides of entries have their offsets kept too (at most 2 * STRIDE
 * numbers), so a follower reading what was just appended reads only those lines.
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
  /**
   * Bytes settled by the reader rules (see log-line.ts): everything after is the torn tail (or a write in
   * progress), read again by the next scan.
   */
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
   * `recent[j]`: byte offset of entry `recentFrom + j`, up to the last entry (see RecentBlock). Pushed to
   * as entries come, and replaced (never cut) when it moves on, so a {@link LogView} may hold it.
   */
  recent: number[] = [];
  /** Position of `recent[0]`. */
  recentFrom = 0;
  /**
   * The torn writes skipped in the settled bytes, as [start, end) offset pairs: what a read from an
   * indexed line skips. Only appended to while the file is the same, like `marks`.
   */
  torn: number[] = [];
  /** Offset of the first torn write skipped since the last accepted group, or -1: named by a gap after it. */
  tornFrom = -1;
  /** Offset just after the last newline checked: a file longer than that ends in a torn line. */
  lineEnd = 0;

  /**
   * True when `stats` (of the log's path) show nothing new since the last check. Never while a tail was
   * left pending: it is read again, which costs little and notices a file cut by something else.
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
    const { count, bytes, lastOffset, marks, torn, recent, recentFrom } = this;
    return { count, bytes, lastOffset, marks, torn, recent, recentFrom };
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
    this.recent = [];
    this.recentFrom = 0;
    this.torn = [];
    this.tornFrom = -1;
    this.lineEnd = 0;
  }

  /**
   * Records a group this process wrote at `start`, having read the file up to there with this index
   * settled at `from`, and found nothing else written since: what was pending in between (a torn write)
   * ends at the group's blank line, and the group is accepted at `count`. Its lines start at `offsets`;
   * it ends at `end`. Ignored unless the index is still where the writer left it.
   */
  extend(from: number, start: number, count: number, offsets: readonly number[], end: number): void {
    if (this.bytes !== from || this.count !== count) return;
    if (from < start) this.torn.push(from, offsets[0]!);
    const block = new RecentBlock(this);
    for (let i = 0; i < offsets.length; i++) {
      if (block.add(count + i, offsets[i]!)) this.marks.push(offsets[i]!);
    }
    block.commit(this);
    this.count += offsets.length;
    this.lastOffset = offsets[offsets.length - 1]!;
    this.bytes = end;
    this.seen = end;
    this.lineEnd = end;
    this.tornFrom = -1;
  }
}

/** A {@link LogIndex} as it was at one moment. */
export interface LogView {
  count: number;
  bytes: number;
  lastOffset: number;
  marks: readonly number[];
  torn: readonly number[];
  recent: readonly number[];
  recentFrom: number;
}

/** Byte offset of the indexed entry at or before `position` (< `view.count`), and that entry's position. */
export function seek(view: LogView, position: number): { offset: number; position: number } {
  const j = position - view.recentFrom;
  if (j >= 0 && j < view.recent.length) return { offset: view.recent[j]!, position };
  const k = Math.floor(position / STRIDE);
  return { offset: view.marks[k]!, position: k * STRIDE };
}

/**
 * Checks the bytes of `fd` from where `index` stopped up to `size` (the file's size now) by the reader
 * rules (see log-line.ts) and extends it with the groups accepted. What is still pending at the end (a
 * torn tail, or an append in progress) is left for the next scan; damage is a `CorruptDataError` naming
 * the file and the offset. Does nothing when the index moved meanwhile.
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
  readonly #index: LogIndex;
  // Replaced when the index starts over (another file at the path): then this scan's result is stale.
  readonly #known: number[];
  readonly #rules: BlockRules;
  readonly #marks: number[] = [];
  readonly #recent: RecentBlock;
  #lastOffset: number;

  constructor(file: string, index: LogIndex) {
    this.#index = index;
    this.start = index.bytes;
    this.#known = index.marks;
    this.#lastOffset = index.lastOffset;
    this.#recent = new RecentBlock(index);
    const from = { size: index.count, offset: index.bytes, tornFrom: index.tornFrom };
    this.#rules = new BlockRules(file, from, (group) => this.#accept(group));
  }

  visit(buffer: Buffer, lineStart: number, newline: number, offset: number): boolean {
    return this.#rules.visit(buffer, lineStart, newline, offset);
  }

  #accept({ first, offsets }: AcceptedGroup): boolean {
    for (let i = 0; i < offsets.length; i++) {
      if (this.#recent.add(first + i, offsets[i]!)) this.#marks.push(offsets[i]!);
    }
    this.#lastOffset = offsets[offsets.length - 1]!;
    return true;
  }

  tooLong(offset: number): Error {
    return corruptLine(this.#rules.place(offset), 'a line over the size limit');
  }

  commit(size: number): void {
    const index = this.#index;
    if (index.bytes !== this.start || index.marks !== this.#known) return;
    const rules = this.#rules;
    for (const mark of this.#marks) index.marks.push(mark);
    this.#recent.commit(index);
    for (const offset of rules.torn) index.torn.push(offset);
    index.count = rules.size;
    index.bytes = rules.settled;
    index.lastOffset = this.#lastOffset;
    index.tornFrom = rules.tornFrom;
    index.lineEnd = rules.lineEnd;
    index.seen = size;
  }
}

/**
 * The offsets a scan or a write adds to an index's `recent` offsets, kept apart until committed (a scan
 * whose index moved meanwhile commits nothing). They cover the last one to two strides of entries: from
 * the mark before the last one on, so a group written across a mark is still read from its first line.
 * Added offsets are pushed onto the index's array at commit; when the covered entries would reach two
 * strides, they start a new array from the last mark's stride before (copying at most STRIDE offsets).
 */
class RecentBlock {
  readonly #base: readonly number[];
  readonly #baseFrom: number;
  readonly #added: number[] = [];
  #fresh: { offsets: number[]; from: number } | null = null;

  constructor(index: LogIndex) {
    this.#base = index.recent;
    this.#baseFrom = index.recentFrom;
  }

  /** Adds the offset of the entry at `position` (the next one); true when that entry is at a mark. */
  add(position: number, offset: number): boolean {
    const mark = position % STRIDE === 0;
    const fresh = this.#fresh;
    if (fresh !== null) {
      if (mark && position - fresh.from >= 2 * STRIDE) {
        this.#fresh = { offsets: fresh.offsets.slice(STRIDE), from: fresh.from + STRIDE };
      }
      this.#fresh!.offsets.push(offset);
    } else if (mark && position - this.#baseFrom >= 2 * STRIDE) {
      const from = position - STRIDE;
      const offsets = [...this.#base, ...this.#added].slice(from - this.#baseFrom);
      offsets.push(offset);
      this.#fresh = { offsets, from };
    } else {
      this.#added.push(offset);
    }
    return mark;
  }

  /** Applies the additions to `index`, still where this block's first entry follows on. */
  commit(index: LogIndex): void {
    if (this.#fresh === null) {
      for (const offset of this.#added) index.recent.push(offset);
      return;
    }
    index.recent = this.#fresh.offsets;
    index.recentFrom = this.#fresh.from;
  }
}
