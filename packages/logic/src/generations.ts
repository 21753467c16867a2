import { randomBytes } from 'node:crypto';
import { isOmegaError, type SyncLogBackend } from '@omega/core';
import { type Change, corruptEntry, type EntryHeader, entryIn, entryOf } from './rules.js';

/*
 * A fact base is a chain of logs, its generations: `<name>` (generation 0), then one log per
 * compaction, `<name>..<generation>.<id>`, its id drawn at random. The log port appends and never
 * rewrites, so compaction moves the base to a new log instead of rewriting its log:
 *
 *   1. append a snapshot to a new log of the next generation: a `clear`, then every fact and rule;
 *   2. append to the current log a `moved` entry naming the new one, expecting the size read: of racing
 *      compactors and writers one wins. A loser drops its new log; one that crashed before this step
 *      leaves a log nothing points to, which every reader ignores;
 *   3. drop the log before the current one (never generation 0), which nobody needs any more: readers of
 *      the current one read on past its `moved` entry, and one that fell further behind starts over.
 *
 * A dropped log is never appended to again: every append to it expects the size its writer read, at
 * least 1 past generation 0, and a new log's name was never used before. Generation 0 is kept: a writer
 * that found the base empty appends to it expecting size 0, which a dropped log would accept.
 *
 * A reader that reaches a `moved` entry goes on in the log it names. A reader opening the base starts at
 * the newest log that a `moved` entry points to (or at generation 0), so it replays only the live part.
 */

/** The log of generation 0 of fact base `name`, or of a later generation made with id `id`. */
export function generationLog(name: string, generation: number, id?: string): string {
  return generation === 0 ? name : `${name}..${generation}.${id}`;
}

const LATER = /^([1-9][0-9]{0,14})\.([0-9a-f]{12})$/;

/** Where a front is in the chain of its fact base's logs, and how it moves along it. */
export class Generations {
  readonly #log: SyncLogBackend<EntryHeader>;
  readonly #name: string;
  // The log being read, undefined until the chain is resolved at the first read; and its generation.
  #current: string | undefined;
  #generation = 0;
  // The log whose `moved` entry points to the current one (null: none, or not known).
  #previous: string | null = null;
  #seen = 0;

  constructor(log: SyncLogBackend<EntryHeader>, name: string) {
    this.#log = log;
    this.#name = name;
  }

  /** How many entries of the current log were read (or appended) so far. */
  get size(): number {
    return this.#seen;
  }

  /**
   * Reads what was appended since the last call, passing each change to `apply` in order; `reset()` is
   * called first when the reader must start over from an empty base (at the first call, or when the log
   * it was reading was dropped under it).
   */
  catchUp(apply: (change: Change, log: string, position: number) => void, reset: () => void): void {
    if (this.#current === undefined) this.#resolve(reset);
    for (;;) {
      const log = this.#current!;
      const size = this.#log.size(log);
      // Dropped: it has lost entries read, or a later generation has lost its snapshot.
      if (size < this.#seen || (size === 0 && this.#generation > 0)) {
        this.#resolve(reset);
        continue;
      }
      if (size === this.#seen || !this.#readFrom(log, apply)) return;
    }
  }

  /**
   * Appends `change` at the end of the current log as last read; false (nothing appended) when another
   * writer appended first: catch up, then try again.
   */
  append(change: Change, at: number): boolean {
    if (!this.#appendExpecting(this.#current!, [entryOf(change, at)])) return false;
    this.#seen++;
    return true;
  }

  /**
   * Moves the base to a new log holding `snapshot` (the changes that rebuild it: facts, then rules). The
   * caller has caught up; when another writer came first, nothing moves.
   */
  compact(snapshot: readonly Change[], at: number): void {
    const from = this.#current!;
    const generation = this.#generation + 1;
    const id = randomBytes(6).toString('hex');
    const next = generationLog(this.#name, generation, id);
    const changes: Change[] = [{ op: 'clear' }, ...snapshot];
    this.#log.append(
      next,
      changes.map((change) => entryOf(change, at)),
      { expectedSize: 0 },
    );
    if (!this.#appendExpecting(from, [entryOf({ op: 'moved', generation, snapshot: id }, at)])) {
      this.#log.drop(next);
      return;
    }
    const stale = this.#previous;
    this.#previous = from;
    this.#current = next;
    this.#generation = generation;
    this.#seen = changes.length;
    if (stale !== null && stale !== this.#name) this.#log.drop(stale);
  }

  // Appends `entries` to `log` expecting the size read; false when another writer came first.
  #appendExpecting(log: string, entries: ReturnType<typeof entryOf>[]): boolean {
    try {
      this.#log.append(log, entries, { expectedSize: this.#seen });
      return true;
    } catch (error) {
      if (isOmegaError(error, 'CONFLICT') && error.details.actualSize !== undefined) return false;
      throw error;
    }
  }

  // Reads the current log on from what was seen; true when it moved to the next generation.
  #readFrom(log: string, apply: (change: Change, log: string, position: number) => void): boolean {
    const entries = this.#log.read(log, { from: this.#seen, limit: Number.POSITIVE_INFINITY });
    for (const stored of entries) {
      const entry = entryIn(log, stored, this.#log.prevalidated);
      this.#seen = stored.position + 1;
      if (entry.op !== 'moved') {
        apply(entry, log, stored.position);
        continue;
      }
      if (entry.generation !== this.#generation + 1) {
        throw corruptEntry(
          log,
          stored.position,
          `it moves generation ${this.#generation} to ${entry.generation}`,
        );
      }
      this.#previous = log;
      this.#current = generationLog(this.#name, entry.generation, entry.snapshot);
      this.#generation = entry.generation;
      this.#seen = 0;
      return true;
    }
    return false;
  }

  // Starts over at the newest log a `moved` entry points to, or at generation 0.
  #resolve(reset: () => void): void {
    reset();
    const later: { log: string; generation: number; id: string }[] = [];
    for (const log of this.#log.logs({ limit: Number.POSITIVE_INFINITY })) {
      const match = log.startsWith(`${this.#name}..`) ? LATER.exec(log.slice(this.#name.length + 2)) : null;
      if (match) later.push({ log, generation: Number(match[1]), id: match[2]! });
    }
    later.sort((a, b) => b.generation - a.generation);
    this.#current = this.#name;
    this.#generation = 0;
    this.#previous = null;
    this.#seen = 0;
    for (const candidate of later) {
      const before =
        candidate.generation === 1
          ? [this.#name]
          : later.filter((log) => log.generation === candidate.generation - 1).map(({ log }) => log);
      for (const log of before) {
        const last = this.#log.last(log);
        const entry = last && entryIn(log, last, this.#log.prevalidated);
        if (
          entry?.op === 'moved' &&
          entry.generation === candidate.generation &&
          entry.snapshot === candidate.id
        ) {
          this.#current = candidate.log;
          this.#generation = candidate.generation;
          this.#previous = log;
          return;
        }
      }
    }
  }
}
