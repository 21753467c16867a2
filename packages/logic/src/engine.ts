import { type Binding, type Pattern, TermTable, UNKNOWN, unbind } from './terms.js';

/*
 * Forward chaining to a fixpoint, semi-naive: each round joins every rule with at least one of its
 * conditions taken from the facts new in the previous round (the delta), so a fact is never rederived from
 * premises that were all known before. Joins are indexed: facts are grouped by length and predicate (their
 * first item), and each group keeps, for each item position a join has looked up, a map from term to
 * facts (position 1 is the first argument). A join goes through the smallest bucket among the positions its
 * bindings fix. A condition whose predicate is a variable goes through the group of all facts of its length.
 *
 * Rules here are Datalog rules: every fact is ground (a rule's conclusion uses only variables its
 * conditions bind), so the set of derivable facts is finite and the fixpoint is reached.
 */

/** One condition or the conclusion of a rule: a list pattern of `items.length` items. */
export interface Literal {
  readonly items: readonly Pattern[];
}

/** A rule as the engine runs it; `source` is what explanations name. */
export interface CompiledRule<S> {
  readonly conditions: readonly Literal[];
  readonly conclusion: Literal;
  readonly slots: number;
  readonly source: S;
}

/** How a fact came to be known: asserted, or by a rule from premises (fact ids, one per condition). */
export type Origin<S> = { readonly rule: CompiledRule<S>; readonly premises: readonly number[] } | 'asserted';

// The facts of one length, with their indexes by item position.
class Group {
  readonly facts: number[] = [];
  readonly indexes: (Map<number, number[]> | undefined)[] = [];

  constructor(readonly terms: TermTable) {}

  add(fact: number): void {
    this.facts.push(fact);
    const items = this.terms.items(fact)!;
    for (let position = 0; position < this.indexes.length; position++) {
      const index = this.indexes[position];
      if (index !== undefined) addTo(index, items[position]!, fact);
    }
  }

  // The facts whose item at `position` is `term`, indexing that position on first use.
  bucket(position: number, term: number): readonly number[] {
    let index = this.indexes[position];
    if (index === undefined) {
      index = new Map();
      for (const fact of this.facts) addTo(index, this.terms.items(fact)![position]!, fact);
      this.indexes[position] = index;
    }
    return index.get(term) ?? EMPTY;
  }
}

const EMPTY: readonly number[] = [];

/** The known facts of a fact base (asserted and derived) and the rules deriving them. */
export class Engine<S> {
  /** The terms of the facts and rules, interned. */
  readonly terms = new TermTable();
  readonly #rules: CompiledRule<S>[] = [];
  readonly #origins = new Map<number, Origin<S>>();
  // By groupKey: the facts of one length and predicate, and those of one length.
  readonly #groups = new Map<string, Group>();
  // Work not done yet: facts asserted and rules added since the last fixpoint, or a recomputation.
  #delta: number[] = [];
  #newRules: CompiledRule<S>[] = [];

  /** Asserts ground list fact `fact`; its consequences are derived by the next {@link settle}. */
  assert(fact: number): void {
    const origin = this.#origins.get(fact);
    if (origin === 'asserted') return;
    this.#origins.set(fact, 'asserted');
    if (origin === undefined) {
      this.#add(fact);
      this.#delta.push(fact);
    }
  }

  /** Adds `rule`; its consequences are derived by the next {@link settle}. */
  addRule(rule: CompiledRule<S>): void {
    this.#rules.push(rule);
    this.#newRules.push(rule);
  }

  /**
   * Forgets every derived fact and keeps `asserted` (ids of facts still asserted) and the rules: the next
   * {@link settle} derives again what follows. Retraction is this: a fact that still follows from
   * what remains is derived again, whatever supported it before.
   */
  reset(asserted: readonly number[]): void {
    this.#origins.clear();
    this.#groups.clear();
    this.#delta = [];
    this.#newRules = [];
    // Every fact is in the delta, so the next round joins every rule with every fact.
    for (const fact of asserted) this.assert(fact);
  }

  /** Runs the rules to the fixpoint over what was asserted and added since the last one. */
  settle(): void {
    let delta = this.#delta;
    this.#delta = [];
    for (const rule of this.#newRules) {
      // A new rule has seen no fact yet: its first round joins it with every fact.
      this.#join(rule, -1, EMPTY, delta);
    }
    this.#newRules = [];
    while (delta.length > 0) {
      const grouped = new Map<string, number[]>();
      for (const fact of delta) {
        const items = this.terms.items(fact)!;
        addTo(grouped, groupKey(items.length), fact);
        addTo(grouped, groupKey(items.length, items[0]), fact);
      }
      const next: number[] = [];
      for (const rule of this.#rules) {
        for (let i = 0; i < rule.conditions.length; i++) {
          const { items } = rule.conditions[i]!;
          const head = items[0]!;
          const facts = grouped.get(groupKey(items.length, typeof head === 'number' ? head : undefined));
          if (facts) this.#join(rule, i, facts, next);
        }
      }
      delta = next;
    }
  }

  /** Whether fact `fact` is known (asserted or derived, as of the last {@link settle}). */
  has(fact: number): boolean {
    return this.#origins.has(fact);
  }

  /** How `fact` is known, or undefined when it is not. */
  origin(fact: number): Origin<S> | undefined {
    return this.#origins.get(fact);
  }

  /** How many facts are known, asserted and derived. */
  get size(): number {
    return this.#origins.size;
  }

  /**
   * Calls `found` with every binding of `slots` slots under which all of `literals` are known facts,
   * joining them left to right through the indexes; `found` must copy the binding to keep it.
   */
  solve(literals: readonly Literal[], slots: number, found: (binding: Binding) => void): void {
    const binding: Binding = new Array(slots).fill(-1);
    const premises = new Array<number>(literals.length);
    this.#search(literals, 0, -1, EMPTY, binding, [], premises, () => found(binding));
  }

  // Joins `rule` with condition `deltaAt` ranging over `delta` (or none, -1), the others over every known
  // fact; each conclusion not known yet is recorded with its premises and pushed on `out`.
  #join(rule: CompiledRule<S>, deltaAt: number, delta: readonly number[], out: number[]): void {
    const binding: Binding = new Array(rule.slots).fill(-1);
    const premises = new Array<number>(rule.conditions.length);
    this.#search(rule.conditions, 0, deltaAt, delta, binding, [], premises, () => {
      const fact = this.#instantiate(rule.conclusion, binding);
      if (this.#origins.has(fact)) return;
      this.#origins.set(fact, { rule, premises: premises.slice() });
      this.#add(fact);
      out.push(fact);
    });
  }

  #search(
    literals: readonly Literal[],
    depth: number,
    deltaAt: number,
    delta: readonly number[],
    binding: Binding,
    trail: number[],
    premises: number[],
    found: () => void,
  ): void {
    if (depth === literals.length) {
      found();
      return;
    }
    // The delta literal first: it is the smallest set, and its bindings make the others' lookups narrow.
    const at = depth === 0 && deltaAt >= 0 ? deltaAt : depth <= deltaAt ? depth - 1 : depth;
    const literal = literals[at]!;
    const candidates = depth === 0 && deltaAt >= 0 ? delta : this.#candidates(literal, binding);
    // Fixed length: facts this join derives meanwhile are joined by the next round.
    const count = candidates.length;
    for (let c = 0; c < count; c++) {
      const fact = candidates[c]!;
      const items = this.terms.items(fact)!;
      if (items.length !== literal.items.length) continue;
      const mark = trail.length;
      let matched = true;
      for (let i = 0; i < items.length && matched; i++) {
        matched = this.terms.match(literal.items[i]!, items[i]!, binding, trail);
      }
      if (matched) {
        premises[at] = fact;
        this.#search(literals, depth + 1, deltaAt, delta, binding, trail, premises, found);
      }
      unbind(binding, trail, mark);
    }
  }

  // The facts `literal` may match under `binding`: the smallest index bucket among its fixed positions.
  #candidates(literal: Literal, binding: Binding): readonly number[] {
    const { items } = literal;
    if (items.includes(UNKNOWN)) return EMPTY;
    const predicate = this.#bound(items[0]!, binding);
    const group = this.#groups.get(groupKey(items.length, predicate < 0 ? undefined : predicate));
    if (!group) return EMPTY;
    let best: readonly number[] = group.facts;
    for (let position = predicate < 0 ? 0 : 1; position < items.length && best.length > 0; position++) {
      const term = this.#bound(items[position]!, binding);
      if (term < 0) continue;
      const bucket = group.bucket(position, term);
      if (bucket.length < best.length) best = bucket;
    }
    return best;
  }

  // The term `item` is under `binding` when it is an atom, a ground list or a bound variable; else -1.
  #bound(item: Pattern, binding: Binding): number {
    return typeof item === 'number' ? item : 'slot' in item ? binding[item.slot]! : -1;
  }

  #instantiate(literal: Literal, binding: Binding): number {
    return this.terms.list(literal.items.map((item) => this.terms.ground(item, binding)));
  }

  #add(fact: number): void {
    const items = this.terms.items(fact)!;
    for (const key of [groupKey(items.length), groupKey(items.length, items[0])]) {
      let group = this.#groups.get(key);
      if (!group) {
        group = new Group(this.terms);
        this.#groups.set(key, group);
      }
      group.add(fact);
    }
  }
}

// The group of the facts of `length` items, or of those of them whose predicate is term `predicate`.
function groupKey(length: number, predicate?: number): string {
  return predicate === undefined ? `${length}` : `${length}:${predicate}`;
}

function addTo<K>(map: Map<K, number[]>, key: K, fact: number): void {
  const facts = map.get(key);
  if (facts) facts.push(fact);
  else map.set(key, [fact]);
}
