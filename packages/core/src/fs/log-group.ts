import type { Stats } from 'node:fs';
import { sizeConflict } from '../log.js';
import { syncDirectory, syncDirectorySync } from './dirs.js';
import { io } from './io.js';
import { appendAll, appendAllSync, createForAppend, notRegular, openForAppend } from './log-file.js';
import type { LogIndex } from './log-index.js';
import { type EncodedEntry, encodeGroup } from './log-line.js';
import type { LogState, PendingAppend } from './log-state.js';

/** Where and how {@link writeGroup} writes. */
export interface GroupTarget {
  /** The family folder, and the log's file in it. */
  dir: string;
  file: string;
  /** The log, and what its names name, for conflicts. */
  log: string;
  kind: string;
  durable: boolean;
}

/** What a group of appends asks of a synchronous write: its entries and expected size. */
export type GroupAppend = Pick<PendingAppend, 'entries' | 'expectedSize'>;

/*
 * A write of a group, in steps both faces take alike (a `GroupWrite`): the file opened for appending (or
 * none yet), its tail checked against the index (caught up first, by each face its own way) and a torn one
 * cut, each append's expected size decided and the accepted entries encoded, the file created for the
 * first entries, the group written (what part of a failed write landed cut again), the index extended.
 * The faces differ only in the calls that wait: the catch-up, the directory sync after a create, the write
 * of a large group, the fdatasync.
 */

/**
 * Writes one group of appends; call it holding the log's lock. Checks the tail (cutting a torn one),
 * each append's expected size in turn, then writes the accepted appends with one `write` and, when
 * durable, one `fdatasync`. Returns the position of each append, or its size conflict; rejects, having
 * stored nothing readable, when the write fails (what part of it landed is cut off again, or left as a
 * torn tail should that fail too), or with its entries stored when only the `fdatasync` fails.
 */
export async function writeGroup(
  target: GroupTarget,
  state: LogState,
  batch: readonly GroupAppend[],
): Promise<(number | Error)[]> {
  const group = new GroupWrite(target, state.index);
  try {
    if (group.stats !== null) await state.catchUp(group.fd, target.file, group.stats);
    if (!group.plan(batch)) return group.outcomes;
    if (group.create() && target.durable) await syncDirectory(target.dir);
    try {
      await appendAll(group.fd, group.bytes);
    } catch (error) {
      group.cut(error);
    }
    if (target.durable) await io.fdatasync(group.fd);
    return group.done();
  } finally {
    group.close();
  }
}

/** {@link writeGroup}, synchronously: one write and, when durable, one `fdatasync` on the calling thread. */
export function writeGroupSync(
  target: GroupTarget,
  state: LogState,
  batch: GroupAppend[],
): (number | Error)[] {
  return new GroupWrite(target, state.index).run((group) => {
    if (group.stats !== null) state.catchUpSync(group.fd, target.file, group.stats);
    if (group.plan(batch)) {
      if (group.create() && target.durable) syncDirectorySync(target.dir);
      group.write(appendAllSync);
      if (target.durable) io.fdatasyncSync(group.fd);
      group.done();
    }
    return group.outcomes;
  });
}

/** The state of one write of a group, between the steps of {@link writeGroup} (see above). */
class GroupWrite {
  /** The log file's descriptor (-1 until it is created, when there was none). */
  fd: number;
  /** Its stats when it was opened; null when there was none. */
  readonly stats: Stats | null = null;
  /** The outcome of each append: its position, or its size conflict. */
  readonly outcomes: (number | Error)[] = [];
  /** The encoded group, once planned; where it starts in the file, and where its lines start in it. */
  bytes: Buffer = EMPTY;
  #start = 0;
  readonly #offsets: number[] = [];
  readonly #target: GroupTarget;
  readonly #index: LogIndex;

  /** Opens the log file for appending: a regular file, or a `CorruptDataError`. */
  constructor(target: GroupTarget, index: LogIndex) {
    this.#target = target;
    this.#index = index;
    this.fd = openForAppend(target.file) ?? -1;
    if (this.fd < 0) {
      index.clear();
      return;
    }
    try {
      this.stats = io.fstatSync(this.fd);
      if (!this.stats.isFile()) throw notRegular(target.file);
    } catch (error) {
      this.close();
      throw error;
    }
  }

  /**
   * Once the index is caught up with the file: cuts a torn tail (a write that stopped midway, never
   * acknowledged and never counted by readers), checks each append's expected size in turn, and encodes
   * the accepted entries as one group. True when there is anything to write.
   */
  plan(batch: readonly GroupAppend[]): boolean {
    const index = this.#index;
    if (this.stats !== null && this.stats.size > index.bytes) io.ftruncateSync(this.fd, index.bytes);
    const { kind, log } = this.#target;
    const accepted: EncodedEntry[] = [];
    let size = index.count;
    for (const append of batch) {
      if (append.expectedSize !== undefined && append.expectedSize !== size) {
        this.outcomes.push(sizeConflict(kind, log, append.expectedSize, size));
        continue;
      }
      this.outcomes.push(size);
      for (const entry of append.entries) accepted.push(entry);
      size += append.entries.length;
    }
    if (accepted.length === 0) return false;
    this.#start = index.bytes;
    this.bytes = encodeGroup(index.count, accepted, this.#offsets);
    return true;
  }

  /**
   * Creates the log's file when there was none: for the first entries only, so a refused first append
   * leaves no file behind. True when it did (its folder's entry is then to be synced when durable).
   */
  create(): boolean {
    if (this.fd >= 0) return false;
    this.fd = createForAppend(this.#target.file);
    this.#index.follow(io.fstatSync(this.fd));
    return true;
  }

  /** Writes the group with `append`, cutting what part of it landed when that fails. */
  write(append: (fd: number, bytes: Buffer) => void): void {
    try {
      append(this.fd, this.bytes);
    } catch (error) {
      this.cut(error);
    }
  }

  /**
   * After a failed write: cuts what part of the group landed, so the file ends where it did (should that
   * fail too, the part is a torn tail, which readers ignore and the next writer cuts); rethrows.
   */
  cut(error: unknown): never {
    try {
      io.ftruncateSync(this.fd, this.#start);
    } catch {}
    throw error;
  }

  /** Once the group is written (and synced): extends the index over it; the outcomes. */
  done(): (number | Error)[] {
    const start = this.#start;
    const end = start + this.bytes.length;
    this.#index.extend(
      start,
      this.#offsets.map((offset) => start + offset),
      end,
      end,
    );
    return this.outcomes;
  }

  /** Runs `steps` (the synchronous ones), closing the file after. */
  run<T>(steps: (group: this) => T): T {
    try {
      return steps(this);
    } finally {
      this.close();
    }
  }

  close(): void {
    if (this.fd >= 0) io.closeSync(this.fd);
    this.fd = -1;
  }
}

const EMPTY = Buffer.alloc(0);
