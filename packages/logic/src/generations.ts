import { randomUUID } from 'node:crypto';
import { isOmegaError, type SyncLogBackend } from '@omega/core';
import { type Change, corruptEntry, type EntryHeader, entryIn, entryOf } from './rules.js';

/*
 * A fact base is a chain of logs, its generations: `<name>` (generation 0), then `<name>..1`,
 * `<name>..2`, ... The log port appends and never rewrites, so compaction moves the base to the next
 * generation instead of rewriting its log:
 *
 *   1. append a snapshot to generation g+1: a `clear`, then every fact and rule, each entry tagged with a
 *      fresh snapshot id (`snapshot` in its header);
 *   2. append to generation g a `moved` entry naming g+1 and the id, expecting g's size as read: of
 *      racing compactors (and writers), one wins; a loser's snapshot stays in g+1, skipped by every reader
 *      for its id, and a crash before this step leaves g current and the snapshot skipped the same way;
 *   3. drop generation g-1, which nobody needs any more (readers of g read on past its `moved` entry).
 *
 * A reader that reaches a `moved` entry goes on in the next generation, applying only the entries of the
 * winning snapshot and those appended after it. A reader opening the base starts at the newest
 * generation that a `moved` entry points to (or at generation 0), so opening reads only the live part.
 */

/** The log of generation `generation` of fact base `name`. */
export function generationLog(name: string, generation: number): string {
  return generation === 0 ? name : `${name}..${generation}`;
}

// The generation log `log` is of fact base `name`, or null when it is another's (names hold no "..").
function generationOf(name: string, log: string): number | null {
  if (log === name) return 0;
  const suffix = log.startsWith(`${name}..`) ? log.slice(name.length + 2) : '';
  return /^[1-9][0-9]{0,14}$/.test(suffix) ? Number(suffix) : null;
}

/** Where a front is in the chain of its fact base's logs, and how it moves along it. */
export class Generations {
  readonly #log: SyncLogBackend<EntryHeader>;
  readonly #name: string;
  // -1 until the chain is resolved, at the first read.
  #generation = -1;
  // The id of the snapshot the current generation starts from (none for generation 0).
  #snapshot: string | undefined;
  #seen = 0;

  constructor(log: SyncLogBackend<EntryHeader>, name: string) {
    this.#log = log;
    this.#name = name;
  }

  /** How many entries of the current generation were read (or appended) so far. */
  get size(): number {
    return this.#seen;
  }

  /**
   * Reads what was appended since the last call, passing each change to `apply` in order; `reset()` is
   * called first when the reader must start over from an empty base (at the first call, or when the
   * generation it was reading was dropped under it).
   */
  catchUp(apply: (change: Change, log: string, position: number) => void, reset: () => void): void {
    if (this.#generation < 0) this.#resolve(reset);
    for (;;) {
      const log = generationLog(this.#name, this.#generation);
      const size = this.#log.size(log);
      // A generation is dropped once two compactions old: this reader fell behind, and starts over.
      if (size < this.#seen) {
        this.#resolve(reset);
        continue;
      }
      if (size === this.#seen) return;
      if (!this.#readFrom(log, apply)) return;
    }
  }

  /**
   * Appends `change` at the end of the current generation as last read; false (nothing appended) when
   * another writer appended first: catch up, then try again.
   */
  append(change: Change, at: number): boolean {
    try {
      this.#log.append(generationLog(this.#name, this.#generation), [entryOf(change, at)], {
        expectedSize: this.#seen,
      });
    } catch (error) {
      if (isOmegaError(error, 'CONFLICT') && error.details.actualSize !== undefined) return false;
      throw error;
    }
    this.#seen++;
    return true;
  }

  /**
   * Moves the base to the next generation, holding `snapshot` (the changes that rebuild it: facts, then
   * rules). The caller has caught up; when another writer came first, nothing moves (and the snapshot
   * written is skipped by every reader).
   */
  compact(snapshot: readonly Change[], at: number): void {
    const from = this.#generation;
    const next = from + 1;
    const id = randomUUID();
    const changes: Change[] = [{ op: 'clear' }, ...snapshot];
    const first = this.#log.append(
      generationLog(this.#name, next),
      changes.map((change) => entryOf(change, at, id)),
    );
    try {
      this.#log.append(
        generationLog(this.#name, from),
        [entryOf({ op: 'moved', generation: next, snapshot: id }, at)],
        { expectedSize: this.#seen },
      );
    } catch (error) {
      if (isOmegaError(error, 'CONFLICT') && error.details.actualSize !== undefined) return;
      throw error;
    }
    this.#generation = next;
    this.#snapshot = id;
    // Before the snapshot: only other compactors' snapshots, which are skipped.
    this.#seen = first + changes.length;
    if (from > 0) this.#log.drop(generationLog(this.#name, from - 1));
  }

  // Reads the current generation on from what was seen; true when it moved to the next generation.
  #readFrom(log: string, apply: (change: Change, log: string, position: number) => void): boolean {
    const entries = this.#log.read(log, { from: this.#seen, limit: Number.POSITIVE_INFINITY });
    for (const stored of entries) {
      const entry = entryIn(log, stored, this.#log.prevalidated);
      this.#seen = stored.position + 1;
      if (entry.op === 'moved') {
        this.#moveTo(log, stored.position, entry.generation, entry.snapshot);
        return true;
      }
      // A snapshot of a compaction that lost (or crashed before it was pointed to).
      if (entry.snapshot !== undefined && entry.snapshot !== this.#snapshot) continue;
      apply(entry, log, stored.position);
    }
    return false;
  }

  #moveTo(log: string, position: number, generation: number, snapshot: string): void {
    if (generation !== this.#generation + 1) {
      throw corruptEntry(log, position, `it moves generation ${this.#generation} to ${generation}`);
    }
    this.#generation = generation;
    this.#snapshot = snapshot;
    this.#seen = 0;
  }

  // Starts over at the newest generation a `moved` entry points to, or at generation 0.
  #resolve(reset: () => void): void {
    reset();
    const generations = this.#log
      .logs({ limit: Number.POSITIVE_INFINITY })
      .map((log) => generationOf(this.#name, log))
      .filter((generation) => generation !== null)
      .sort((a, b) => b - a);
    this.#generation = 0;
    this.#snapshot = undefined;
    this.#seen = 0;
    for (const newest of generations) {
      if (newest === 0) return;
      const log = generationLog(this.#name, newest - 1);
      const last = this.#log.last(log);
      if (last === null) continue;
      const entry = entryIn(log, last, this.#log.prevalidated);
      if (entry.op === 'moved' && entry.generation === newest) {
        this.#generation = newest;
        this.#snapshot = entry.snapshot;
        return;
      }
    }
  }
}
