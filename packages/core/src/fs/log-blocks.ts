import type { CorruptDataError } from '../errors.js';
import { checkLine, corruptLine, type LineFields, type LinePlace } from './log-line.js';

/*
 * The reader rules of log-line.ts, in two forms: BlockRules applies them to bytes never read before (the
 * index's scans, a listing's probe), deciding each group at its end; SettledLines re-reads what a scan
 * already decided (a read from an indexed line), told where the torn writes it skipped are, so it
 * decides each line as it comes and reads no further than the entries it returns.
 */

/** A group the rules accepted: its first position, its id, and the file offset of each of its lines. */
export interface AcceptedGroup {
  first: number;
  id: string;
  offsets: readonly number[];
}

/** Where {@link BlockRules} start: a settled offset (a line start, nothing pending) and what was accepted before. */
export interface BlocksFrom {
  /** Entries accepted before `offset`. */
  size: number;
  offset: number;
  /** Offset of the first torn write skipped since the last accepted group, or -1. */
  tornFrom: number;
}

/**
 * The rules over new lines, fed one line at a time. `accept` is told of each accepted group, and returns
 * false to stop. After each line, `settled` is the offset after the last line that left nothing pending:
 * where the next scan starts. Torn writes skipped are recorded in `torn` as [start, end) offset pairs.
 */
export class BlockRules {
  size: number;
  settled: number;
  tornFrom: number;
  /** Offset just after the last newline seen (a file ending elsewhere ends in a torn line). */
  lineEnd: number;
  readonly torn: number[] = [];
  readonly #file: string;
  readonly #accept: (group: AcceptedGroup) => boolean;
  // The group being read (its lines so far), and where the pending torn write candidate starts (-1: none).
  readonly #lines: number[] = [];
  #fields: LineFields | null = null;
  #pending = -1;
  #damage: CorruptDataError | null = null;

  constructor(file: string, from: BlocksFrom, accept: (group: AcceptedGroup) => boolean) {
    this.#file = file;
    this.#accept = accept;
    this.size = from.size;
    this.settled = from.offset;
    this.lineEnd = from.offset;
    this.tornFrom = from.tornFrom;
  }

  visit(bytes: Buffer, start: number, newline: number, offset: number): boolean {
    this.lineEnd = offset + (newline - start) + 1;
    if (newline === start) {
      if (this.#pending >= 0) {
        // A damaged line or an unfinished group ending its block: a torn write.
        this.torn.push(this.#pending, offset);
        if (this.tornFrom < 0) this.tornFrom = this.#pending;
        this.#pending = -1;
        this.#damage = null;
        this.#lines.length = 0;
        this.#fields = null;
      }
      this.settled = this.lineEnd;
      return true;
    }
    if (this.#damage !== null) throw this.#damage;
    const lines = this.#lines;
    const place = this.place(offset);
    let fields: LineFields;
    try {
      fields = checkLine(bytes, start, newline, place);
    } catch (error) {
      this.#damage = error as CorruptDataError;
      if (this.#pending < 0) this.#pending = offset;
      return true;
    }
    const group = this.#fields;
    if (group === null) {
      this.#fields = fields;
      this.#pending = offset;
    } else if (fields.id !== group.id || fields.end !== group.end) {
      throw corruptLine(place, `line does not continue its group (ending at ${group.end})`);
    } else if (fields.position !== group.position + lines.length) {
      throw corruptLine(
        place,
        `line holds position ${fields.position}, expected ${group.position + lines.length}`,
      );
    }
    lines.push(offset);
    if (fields.position < fields.end) return true;
    const first = this.#fields!;
    this.#fields = null;
    this.#pending = -1;
    this.settled = this.lineEnd;
    const offsets = lines.splice(0);
    if (first.position < this.size) return true;
    if (first.position > this.size) throw this.#gap(offsets[0]!, first.position);
    this.size += offsets.length;
    this.tornFrom = -1;
    return this.#accept({ first: first.position, id: first.id, offsets });
  }

  /** Where the line at `offset` sits, for errors: the position it would take. */
  place(offset: number): LinePlace {
    const position = this.#fields === null ? this.size : this.#fields.position + this.#lines.length;
    return { file: this.#file, offset, position };
  }

  // A group past P: the entries between are missing, so what was skipped before it was acknowledged data.
  #gap(offset: number, first: number): CorruptDataError {
    const at = this.tornFrom >= 0 ? this.tornFrom : offset;
    return corruptLine(
      { file: this.#file, offset: at, position: this.size },
      `entries ${this.size} to ${first - 1} are missing: the group at byte ${offset} starts at ${first}`,
    );
  }
}

/**
 * The lines of a settled part of a log (before the bytes its index checked), from an indexed line holding
 * `position`: which are accepted entries. `torn` are the [start, end) offset pairs of the torn writes the
 * index skipped. A line the index would not have accepted means the file changed under it: damage.
 */
export class SettledLines {
  /** The position the next accepted line holds. */
  position: number;
  readonly #file: string;
  readonly #torn: readonly number[];
  #next = 0;
  // The group being read: its end, id and next position, and whether it is accepted (else a late copy).
  #group: { end: number; id: string; next: number; accepted: boolean } | null = null;

  constructor(file: string, torn: readonly number[], position: number) {
    this.#file = file;
    this.#torn = torn;
    this.position = position;
  }

  /** The line's fields when it is an accepted entry (at `this.position`, then advanced past it), else null. */
  accepted(bytes: Buffer, start: number, newline: number, offset: number): LineFields | null {
    if (newline === start || this.#inTorn(offset)) {
      this.#group = null;
      return null;
    }
    const place = { file: this.#file, offset, position: this.position };
    const fields = checkLine(bytes, start, newline, place);
    let group = this.#group;
    if (
      group === null ||
      fields.id !== group.id ||
      fields.end !== group.end ||
      fields.position !== group.next
    ) {
      // The index accepted no group starting inside an unfinished one, nor one past the entries before it.
      if (group !== null)
        throw corruptLine(place, `line does not continue its group (ending at ${group.end})`);
      if (fields.position > this.position) {
        throw corruptLine(place, `line holds position ${fields.position}, expected ${this.position}`);
      }
      group = {
        end: fields.end,
        id: fields.id,
        next: fields.position,
        accepted: fields.position === this.position,
      };
    }
    group.next++;
    this.#group = fields.position === fields.end ? null : group;
    if (!group.accepted) return null;
    this.position++;
    return fields;
  }

  #inTorn(offset: number): boolean {
    const torn = this.#torn;
    while (this.#next < torn.length && torn[this.#next + 1]! <= offset) this.#next += 2;
    return this.#next < torn.length && torn[this.#next]! <= offset;
  }
}
