import type { Stats } from 'node:fs';
import { ConflictError } from '../errors.js';
import { sizeConflict } from '../log.js';
import { syncDirectory, syncDirectorySync } from './dirs.js';
import { io } from './io.js';
import { appendAll, appendAllSync, createForAppend, notRegular, openForAppend } from './log-file.js';
import { EntryPass } from './log-folder.js';
import type { LogIndex, LogView } from './log-index.js';
import { type EncodedEntry, encodeGroup, groupId } from './log-line.js';
import { eachLine, eachLineSync, sameFile } from './log-lines.js';
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

// Rounds of one group before its unconditional appends give up: each lost round means another writer's
// group landed meanwhile, which only a writer frozen while others go on sees more than once or twice.
const MAX_ROUNDS = 16;

/*
 * A write of a group, in rounds both faces take alike: the file opened for appending (or none yet), the
 * index caught up with it, each append's expected size decided against the size read, the group written
 * after a blank line (see log-line.ts) with one write and, when durable, one fdatasync, then checked. The
 * group is acknowledged only when it is the one readers accept at the positions it took: the path still
 * names the file written (the log was not dropped meanwhile), and either the file grew by exactly the
 * group (nothing else was written since it was read: the fast path, no read) or, read up to its end, the
 * file holds the group's id at its first position. Otherwise another writer took those positions first
 * (this one was frozen past its lock's lease): its bytes stay behind as a late copy that readers skip, its
 * conditional appends are size conflicts, and its other appends go round again at the new end. Nothing is
 * ever cut off, so a writer whose lock was taken over cannot remove what others landed. The faces differ
 * only in the calls that wait: the catch-up, the directory sync after a create, the write of a large
 * group, the fdatasync, the read-back.
 */

/**
 * Writes one group of appends; call it holding the log's lock. Returns the position of each append, or
 * its size conflict. Rejects when a write fails (what part of it landed is a torn write, which readers
 * skip, so nothing of it is read), or, its entries stored, when only the `fdatasync` or the check after
 * it fails.
 */
export async function writeGroup(
  target: GroupTarget,
  state: LogState,
  batch: readonly GroupAppend[],
): Promise<(number | Error)[]> {
  const appends = new Appends(target, batch);
  for (;;) {
    const group = new GroupWrite(target, state.index);
    try {
      if (group.stats !== null) await state.catchUp(group.fd, target.file, group.stats);
      if (!group.plan(appends)) return appends.outcomes();
      if (group.create() && target.durable) await syncDirectory(target.dir);
      await appendAll(group.fd, group.bytes);
      if (target.durable) await io.fdatasync(group.fd);
      const now = group.check();
      let landed = now === LANDED;
      if (now !== LANDED && now !== null) {
        const view = await state.catchUp(group.fd, target.file, now);
        const pass = group.readBack(view);
        if (pass !== null) await eachLine(group.fd, pass.offset, view.bytes, pass);
        landed = group.isOurs(pass);
      }
      if (landed) return appends.outcomes();
      appends.lost();
    } finally {
      group.close();
    }
  }
}

/** {@link writeGroup}, synchronously: one write and, when durable, one `fdatasync` on the calling thread. */
export function writeGroupSync(
  target: GroupTarget,
  state: LogState,
  batch: readonly GroupAppend[],
): (number | Error)[] {
  const appends = new Appends(target, batch);
  for (;;) {
    const group = new GroupWrite(target, state.index);
    try {
      if (group.stats !== null) state.catchUpSync(group.fd, target.file, group.stats);
      if (!group.plan(appends)) return appends.outcomes();
      if (group.create() && target.durable) syncDirectorySync(target.dir);
      appendAllSync(group.fd, group.bytes);
      if (target.durable) io.fdatasyncSync(group.fd);
      const now = group.check();
      let landed = now === LANDED;
      if (now !== LANDED && now !== null) {
        const view = state.catchUpSync(group.fd, target.file, now);
        const pass = group.readBack(view);
        if (pass !== null) eachLineSync(group.fd, pass.offset, view.bytes, pass);
        landed = group.isOurs(pass);
      }
      if (landed) return appends.outcomes();
      appends.lost();
    } finally {
      group.close();
    }
  }
}

/** The appends of one group across its rounds: what each was told, and which still wait for a place. */
class Appends {
  readonly #target: GroupTarget;
  readonly #batch: readonly GroupAppend[];
  readonly #outcomes: (number | Error | undefined)[];
  // Appends to place in the next round; conditional ones whose round was lost (told the size next round).
  #waiting: number[];
  #lost: number[] = [];
  // Appends placed in the current round.
  #placed: number[] = [];
  #rounds = 0;

  constructor(target: GroupTarget, batch: readonly GroupAppend[]) {
    this.#target = target;
    this.#batch = batch;
    this.#outcomes = new Array(batch.length);
    this.#waiting = batch.map((_, i) => i);
  }

  /**
   * Decides each waiting append against the log's `size` (the conditional ones of a lost round conflict
   * with it): the entries of those it places, at `size` on.
   */
  place(size: number): EncodedEntry[] {
    const { kind, log } = this.#target;
    for (const i of this.#lost)
      this.#outcomes[i] = sizeConflict(kind, log, this.#batch[i]!.expectedSize!, size);
    this.#lost = [];
    const entries: EncodedEntry[] = [];
    let next = size;
    this.#placed = [];
    const waiting = this.#waiting;
    this.#waiting = [];
    if (waiting.length > 0 && ++this.#rounds > MAX_ROUNDS) {
      for (const i of waiting) this.#outcomes[i] = this.#crowdedOut();
      return entries;
    }
    for (const i of waiting) {
      const append = this.#batch[i]!;
      if (append.expectedSize !== undefined && append.expectedSize !== next) {
        this.#outcomes[i] = sizeConflict(kind, log, append.expectedSize, next);
        continue;
      }
      this.#outcomes[i] = next;
      this.#placed.push(i);
      for (const entry of append.entries) entries.push(entry);
      next += append.entries.length;
    }
    return entries;
  }

  /** The round's group is not the one readers accept: its conditional appends lost, the others wait again. */
  lost(): void {
    for (const i of this.#placed) {
      this.#outcomes[i] = undefined;
      if (this.#batch[i]!.expectedSize === undefined) this.#waiting.push(i);
      else this.#lost.push(i);
    }
    this.#placed = [];
  }

  outcomes(): (number | Error)[] {
    return this.#outcomes as (number | Error)[];
  }

  #crowdedOut(): ConflictError {
    const { kind, log } = this.#target;
    return new ConflictError(
      `an append to ${kind} "${log}" found its place taken by other writers ${MAX_ROUNDS} times`,
      { details: { kind, name: log, rounds: MAX_ROUNDS } },
    );
  }
}

/** What {@link GroupWrite.check} returns when the group is known to be accepted without reading. */
const LANDED = 'landed';

/** One round of a write of a group, between the steps of {@link writeGroup} (see above). */
class GroupWrite {
  /** The log file's descriptor (-1 until it is created, when there was none). */
  fd: number;
  /** Its stats when it was opened (or created); null when there was none. */
  stats: Stats | null = null;
  /** The encoded group, once planned. */
  bytes: Buffer = EMPTY;
  // Where the index stood (settled bytes, entries) and the file ended when the group was planned, its
  // id, and where its lines start in `bytes`.
  #from = 0;
  #first = 0;
  #start = 0;
  #id = '';
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
   * Once the index is caught up with the file: decides the appends against its size and encodes the
   * placed entries as one group, at the file's end. True when there is anything to write.
   */
  plan(appends: Appends): boolean {
    const index = this.#index;
    const entries = appends.place(index.count);
    if (entries.length === 0) return false;
    const size = this.stats?.size ?? 0;
    this.#from = index.bytes;
    this.#first = index.count;
    this.#start = size;
    this.#id = groupId();
    // A file not ending with a newline ends in a torn line: sealed, so the separator cannot complete it.
    this.bytes = encodeGroup(index.count, entries, this.#id, index.lineEnd < size, this.#offsets);
    return true;
  }

  /**
   * Creates the log's file when there was none: for the first entries only, so a refused first append
   * leaves no file behind. True when it did (its folder's entry is then to be synced when durable).
   */
  create(): boolean {
    if (this.fd >= 0) return false;
    this.fd = createForAppend(this.#target.file);
    this.stats = io.fstatSync(this.fd);
    this.#index.follow(this.stats);
    return true;
  }

  /**
   * After the write: {@link LANDED} when the path still names the file written and it grew by exactly
   * the group (the index is then extended over it, unread); null when the path names another file or
   * none (the log was dropped meanwhile); else the file's stats, to read it up to its end.
   */
  check(): Stats | typeof LANDED | null {
    const now = io.lstatSync(this.#target.file, { throwIfNoEntry: false });
    if (now === undefined || !sameFile(this.stats!, now)) return null;
    const end = this.#start + this.bytes.length;
    if (now.size !== end) return now;
    const start = this.#start;
    this.#index.extend(
      this.#from,
      start,
      this.#first,
      this.#offsets.map((offset) => start + offset),
      end,
    );
    return LANDED;
  }

  /** The pass reading the group id at the group's first position in `view`; null when the log is shorter. */
  readBack(view: LogView): EntryPass<never> | null {
    return this.#first < view.count ? EntryPass.idAt(this.#target.file, view, this.#first) : null;
  }

  /** Whether the entry `pass` read is this group's. */
  isOurs(pass: EntryPass<never> | null): boolean {
    return pass?.id === this.#id;
  }

  close(): void {
    if (this.fd >= 0) io.closeSync(this.fd);
    this.fd = -1;
  }
}

const EMPTY = Buffer.alloc(0);
