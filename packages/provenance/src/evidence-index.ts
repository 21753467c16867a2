const NONE: readonly number[] = Object.freeze([]);

/** Which way a traversal of the derivation graph goes. */
export type Direction = 'parents' | 'children';

/**
 * Where each piece of evidence is in the log and how it is linked, by position: ids, subjects, parents and
 * children. Built from the log (or a snapshot of it) and extended as entries are appended, never edited;
 * every insertion keeps the graph acyclic, since an entry's parents must be at earlier positions.
 */
export class EvidenceIndex {
  /** Id of each position. */
  readonly ids: string[] = [];
  /** Subject number of each position (into {@link subjects}). */
  readonly subjectOf: number[] = [];
  /** Distinct subjects, in order of first appearance. */
  readonly subjects: string[] = [];
  /** Parent positions of each position, in the order its `derivedFrom` names them. */
  readonly parents: (readonly number[])[] = [];
  readonly #positions = new Map<string, number>();
  readonly #subjectNumbers = new Map<string, number>();
  readonly #bySubject: number[][] = [];
  readonly #children: number[][] = [];

  /** Entries covered: positions 0..size-1. */
  get size(): number {
    return this.ids.length;
  }

  /** The position of evidence `id`, or undefined. */
  position(id: string): number | undefined {
    return this.#positions.get(id);
  }

  /** Positions of the evidence about `subject`, in log order. */
  positionsOf(subject: string): readonly number[] {
    const number = this.#subjectNumbers.get(subject);
    return number === undefined ? NONE : (this.#bySubject[number] as number[]);
  }

  /**
   * Adds the next position: evidence `id` about `subject`, derived from `parents` (ids). Returns why it
   * cannot be added (an id already present, a parent not before it), or null once added.
   */
  add(id: string, subject: string, parents: readonly string[]): string | null {
    const positions: number[] = [];
    for (const parent of parents) {
      const position = this.#positions.get(parent);
      if (position === undefined) return `it derives from ${parent}, which is not before it`;
      positions.push(position);
    }
    return this.addAt(id, this.#subjectNumber(subject), positions.length === 0 ? NONE : positions);
  }

  /** {@link add} by subject number and parent positions (as a snapshot holds them). */
  addAt(id: string, subject: number, parents: readonly number[]): string | null {
    const position = this.ids.length;
    if (this.#positions.has(id)) return `its id ${id} is already at position ${this.#positions.get(id)}`;
    for (const parent of parents) {
      if (!Number.isSafeInteger(parent) || parent < 0 || parent >= position)
        return `parent ${parent} is not before it`;
    }
    const positions = Number.isSafeInteger(subject) ? this.#bySubject[subject] : undefined;
    if (positions === undefined) return `subject ${subject} is unknown`;
    this.ids.push(id);
    this.#positions.set(id, position);
    this.subjectOf.push(subject);
    positions.push(position);
    this.parents.push(parents);
    for (const parent of parents) {
      const children = this.#children[parent];
      if (children === undefined) this.#children[parent] = [position];
      else children.push(position);
    }
    return null;
  }

  /** Registers a subject in snapshot order; its number is its index in {@link subjects}. */
  addSubject(subject: string): number {
    return this.#subjectNumber(subject);
  }

  /**
   * Positions reachable from `start` going `direction`, each once, nearest first (breadth-first; at one
   * distance, in the order the links were recorded), at most `depth` steps away. Iterative: a chain of any
   * length costs no stack.
   */
  reach(start: number, direction: Direction, depth: number): number[] {
    const links = direction === 'parents' ? this.parents : this.#children;
    const seen = new Set<number>([start]);
    const found: number[] = [];
    let frontier = [start];
    for (let distance = 0; distance < depth && frontier.length > 0; distance++) {
      const next: number[] = [];
      for (const position of frontier) {
        for (const linked of links[position] ?? NONE) {
          if (seen.has(linked)) continue;
          seen.add(linked);
          next.push(linked);
          found.push(linked);
        }
      }
      frontier = next;
    }
    return found;
  }

  #subjectNumber(subject: string): number {
    let number = this.#subjectNumbers.get(subject);
    if (number === undefined) {
      number = this.subjects.length;
      this.subjects.push(subject);
      this.#subjectNumbers.set(subject, number);
      this.#bySubject.push([]);
    }
    return number;
  }
}
