import { printAtom, type Sexp } from './sexpr.js';

/*
 * Ground terms are hash-consed: every distinct symbol, string and list gets one integer id, so equality
 * of terms is equality of ids, a fact is its id, and indexes are maps from ids. Patterns are terms with
 * variables, compiled once against a rule's (or a query's) variable slots.
 */

/** A variable of a pattern: the slot of its binding. */
export interface Slot {
  readonly slot: number;
}

/** A list pattern with at least one variable in it. */
export interface ListPattern {
  readonly items: readonly Pattern[];
}

/** The id of no term: a ground part of a query that no fact holds. */
export const UNKNOWN = -1;

/** A node of the list trie: the id of the list of the items on its path (UNKNOWN: none yet). */
interface ListNode {
  id: number;
  readonly next: Map<number, ListNode>;
}

/** A ground term's id, a variable, or a list holding variables. */
export type Pattern = number | Slot | ListPattern;

/** Bindings of a pattern's slots: a term id, or -1 while unbound. */
export type Binding = number[];

/** The interned terms of one fact base. */
export class TermTable {
  readonly #atoms = new Map<string, number>();
  // Lists by their items, as a trie of item ids: a few number-keyed lookups per list, no key string.
  readonly #lists: ListNode = { id: UNKNOWN, next: new Map() };
  readonly #items: (readonly number[] | null)[] = [];
  readonly #texts: (string | undefined)[] = [];

  /** The id of the atom whose canonical text is `text`. */
  atom(text: string): number {
    let id = this.#atoms.get(text);
    if (id === undefined) {
      id = this.#add(null, text);
      this.#atoms.set(text, id);
    }
    return id;
  }

  /** The id of the list of terms `items`. */
  list(items: readonly number[]): number {
    let node = this.#lists;
    for (const item of items) {
      let next = node.next.get(item);
      if (next === undefined) {
        next = { id: UNKNOWN, next: new Map() };
        node.next.set(item, next);
      }
      node = next;
    }
    if (node.id === UNKNOWN) node.id = this.#add(items.slice(), undefined);
    return node.id;
  }

  /** The id of ground `node`, or undefined when a term of it was never interned (so no fact holds it). */
  find(node: Sexp): number | undefined {
    if (node.type === 'variable') return undefined;
    if (node.type !== 'list') return this.#atoms.get(printAtom(node));
    const ids: number[] = [];
    for (const item of node.items) {
      const id = this.find(item);
      if (id === undefined) return undefined;
      ids.push(id);
    }
    const id = this.#knownList(ids);
    return id === UNKNOWN ? undefined : id;
  }

  /** The items of list `id`, or null for an atom. */
  items(id: number): readonly number[] | null {
    return this.#items[id] ?? null;
  }

  /** The canonical text of term `id` (computed once per list). */
  text(id: number): string {
    const known = this.#texts[id];
    if (known !== undefined) return known;
    const text = `(${this.#items[id]!.map((item) => this.text(item)).join(' ')})`;
    this.#texts[id] = text;
    return text;
  }

  /**
   * Compiles `node` against `slots` (variable name to slot, extended with new variables): ground parts
   * become term ids. With `intern` false (a query: it must not grow the table), a ground part no fact
   * holds becomes {@link UNKNOWN}, which matches nothing.
   */
  compile(node: Sexp, slots: Map<string, number>, intern = true): Pattern {
    switch (node.type) {
      case 'symbol':
      case 'string':
        return intern ? this.atom(printAtom(node)) : (this.#atoms.get(printAtom(node)) ?? UNKNOWN);
      case 'variable': {
        let slot = slots.get(node.name);
        if (slot === undefined) {
          slot = slots.size;
          slots.set(node.name, slot);
        }
        return { slot };
      }
      case 'list': {
        const items = node.items.map((item) => this.compile(item, slots, intern));
        if (!items.every((item) => typeof item === 'number')) return { items };
        if (intern) return this.list(items as number[]);
        return items.includes(UNKNOWN) ? UNKNOWN : this.#knownList(items as number[]);
      }
    }
  }

  /**
   * Matches `pattern` against ground term `id`, binding unbound slots and pushing them on `trail` (the
   * caller unbinds them to undo a failed or finished match).
   */
  match(pattern: Pattern, id: number, binding: Binding, trail: number[]): boolean {
    if (typeof pattern === 'number') return pattern === id;
    if ('slot' in pattern) {
      const bound = binding[pattern.slot]!;
      if (bound >= 0) return bound === id;
      binding[pattern.slot] = id;
      trail.push(pattern.slot);
      return true;
    }
    const items = this.#items[id];
    if (!items || items.length !== pattern.items.length) return false;
    for (let i = 0; i < items.length; i++) {
      if (!this.match(pattern.items[i]!, items[i]!, binding, trail)) return false;
    }
    return true;
  }

  /** The ground term `pattern` names under `binding`, or -1 when a slot of it is unbound. */
  ground(pattern: Pattern, binding: Binding): number {
    if (typeof pattern === 'number') return pattern;
    if ('slot' in pattern) return binding[pattern.slot]!;
    const ids: number[] = [];
    for (const item of pattern.items) {
      const id = this.ground(item, binding);
      if (id < 0) return -1;
      ids.push(id);
    }
    return this.list(ids);
  }

  // The id of the list of `items` if interned, else UNKNOWN.
  #knownList(items: readonly number[]): number {
    let node: ListNode | undefined = this.#lists;
    for (const item of items) {
      node = node.next.get(item);
      if (node === undefined) return UNKNOWN;
    }
    return node.id;
  }

  #add(items: readonly number[] | null, text: string | undefined): number {
    this.#items.push(items);
    this.#texts.push(text);
    return this.#items.length - 1;
  }
}

/** Undoes the bindings pushed on `trail` since it was `mark` long. */
export function unbind(binding: Binding, trail: number[], mark: number): void {
  while (trail.length > mark) binding[trail.pop()!] = -1;
}
