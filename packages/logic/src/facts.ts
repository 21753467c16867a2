import { canonicalize, InvalidArgumentError, sha256Hex } from '@omega/core';
import { Bm25Index } from './bm25.js';
import { checkFact, compileConclusion, compileConjunction, factTerm, parseText } from './compile.js';
import { type CompiledRule, Engine } from './engine.js';
import {
  type LogicBindings,
  type LogicDerivation,
  type LogicRule,
  type LogicSearchHit,
  type LogicSearchOptions,
  LogicSearchOptionsSchema,
} from './index.js';
import { type Change, KIND } from './rules.js';
import type { Sexp } from './sexpr.js';

/** A change checked against the base, ready to apply (after it is stored). */
export type Prepared =
  | { op: 'fact'; key: string; text: string; term: number | null }
  | { op: 'rule'; key: string; rule: LogicRule; compiled: CompiledRule<LogicRule> | null }
  | { op: 'retract'; key: string }
  | { op: 'clear' };

const DEFAULT_LIMIT = 10;

/**
 * One fact base in memory: the asserted facts and rules in insertion order, the engine deriving what
 * follows from the s-expressions, and the search index of the natural-language ones. It stores nothing:
 * the front records each change in the log before applying it here.
 */
export class FactBase {
  readonly #facts = new Map<string, { text: string; term: number | null }>();
  readonly #rules = new Map<string, LogicRule>();
  readonly #index = new Bm25Index<string>();
  #engine = new Engine<LogicRule>();
  // A retraction happened since the engine last derived: it derives again from what is asserted.
  #retracted = false;
  // The signature since the last change (null: not computed yet): the runtime asks for it at every step.
  #signature: string | null = null;

  /**
   * Checks `change` and prepares it; null when it would change nothing (a duplicate, the retraction of
   * a fact not asserted). A bad change is an `InvalidArgumentError`, and nothing is changed.
   */
  prepare(change: Change): Prepared | null {
    switch (change.op) {
      case 'fact': {
        const { sexp, key } = parseText(change.fact, 'fact');
        if (this.#facts.has(key)) return null;
        const term = sexp && factTerm(this.#engine.terms, sexp, change.fact);
        return { op: 'fact', key, text: change.fact, term };
      }
      case 'rule':
        return this.#prepareRule(change.condition, change.conclusion);
      case 'retract': {
        const { key } = parseText(change.fact, 'fact');
        return this.#facts.has(key) ? { op: 'retract', key } : null;
      }
      case 'clear':
        return this.#facts.size + this.#rules.size > 0 ? { op: 'clear' } : null;
    }
  }

  /** Applies a change {@link prepare} returned, before any other change. */
  apply(prepared: Prepared): void {
    this.#signature = null;
    switch (prepared.op) {
      case 'fact':
        this.#facts.set(prepared.key, { text: prepared.text, term: prepared.term });
        if (prepared.term === null) this.#index.add(`f${prepared.key}`, prepared.text);
        else this.#engine.assert(prepared.term);
        return;
      case 'rule':
        this.#rules.set(prepared.key, prepared.rule);
        if (prepared.compiled === null) {
          this.#index.add(`r${prepared.key}`, `${prepared.rule.condition}\n${prepared.rule.conclusion}`);
        } else {
          this.#engine.addRule(prepared.compiled);
        }
        return;
      case 'retract': {
        const { term } = this.#facts.get(prepared.key)!;
        this.#facts.delete(prepared.key);
        if (term === null) this.#index.remove(`f${prepared.key}`);
        else this.#retracted = true;
        return;
      }
      case 'clear':
        this.#facts.clear();
        this.#rules.clear();
        this.#index.clear();
        this.#engine = new Engine();
        this.#retracted = false;
        return;
    }
  }

  facts(): string[] {
    return Array.from(this.#facts.values(), (fact) => fact.text);
  }

  rules(): LogicRule[] {
    return Array.from(this.#rules.values(), (rule) => ({ ...rule }));
  }

  count(): number {
    return this.#facts.size;
  }

  /** How many facts and rules the base holds: the entries a snapshot of it takes. */
  get live(): number {
    return this.#facts.size + this.#rules.size;
  }

  /** The changes that rebuild the base from empty: its facts, then its rules, in insertion order. */
  snapshot(): Change[] {
    return [
      ...Array.from(this.#facts.values(), ({ text }): Change => ({ op: 'fact', fact: text })),
      ...Array.from(this.#rules.values(), (rule): Change => ({ op: 'rule', ...rule })),
    ];
  }

  query(pattern: unknown): LogicBindings[] {
    const { sexp } = parseText(pattern, 'pattern');
    if (sexp === null) throw notSexp('pattern', 'a query pattern must be an s-expression');
    const engine = this.#settled();
    const { literals, slots } = compileConjunction(engine.terms, sexp, pattern as string, 'pattern');
    const names = [...slots.keys()];
    const seen = new Set<string>();
    const answers: LogicBindings[] = [];
    engine.solve(literals, slots.size, (binding) => {
      const key = binding.join(',');
      if (seen.has(key)) return;
      seen.add(key);
      answers.push(Object.fromEntries(names.map((name, slot) => [name, engine.terms.text(binding[slot]!)])));
    });
    return answers;
  }

  ask(fact: unknown): boolean {
    const { sexp, key } = parseText(fact, 'fact');
    if (sexp === null) return this.#facts.has(key);
    const term = this.#groundTerm(sexp, fact as string);
    return term !== undefined && this.#engine.has(term);
  }

  explain(fact: unknown): LogicDerivation | null {
    const { sexp } = parseText(fact, 'fact');
    if (sexp === null) throw notSexp('fact', 'only s-expression facts have derivations');
    const term = this.#groundTerm(sexp, fact as string);
    return term === undefined || !this.#engine.has(term) ? null : this.#derivation(term);
  }

  search(text: unknown, options: LogicSearchOptions = {}): LogicSearchHit[] {
    if (typeof text !== 'string') {
      throw new InvalidArgumentError(`search text must be a string, got ${typeof text}`, {
        details: { kind: KIND, what: 'text', reason: 'not a string' },
      });
    }
    const parsed = LogicSearchOptionsSchema.safeParse(options);
    if (!parsed.success) {
      const option = String(parsed.error.issues[0]?.path[0] ?? 'options');
      throw new InvalidArgumentError(
        `search option ${option} is invalid: ${parsed.error.issues[0]?.message}`,
        {
          details: { kind: KIND, option, value: (options as Record<string, unknown> | null)?.[option] },
        },
      );
    }
    return this.#index.search(text, parsed.data.limit ?? DEFAULT_LIMIT).map(({ key, score }) => {
      const stored = key.slice(1);
      return key[0] === 'f'
        ? { kind: 'fact', fact: this.#facts.get(stored)!.text, score }
        : { kind: 'rule', rule: { ...this.#rules.get(stored)! }, score };
    });
  }

  signature(): string {
    const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    this.#signature ??= sha256Hex(
      canonicalize({
        facts: [...this.#facts.keys()].sort(byCodeUnit),
        rules: [...this.#rules.keys()].sort(byCodeUnit),
      }),
    );
    return this.#signature;
  }

  #prepareRule(condition: unknown, conclusion: unknown): Prepared | null {
    const when = parseText(condition, 'condition');
    const then = parseText(conclusion, 'conclusion');
    const rule = { condition: condition as string, conclusion: conclusion as string };
    const key = JSON.stringify([when.key, then.key]);
    if ((when.sexp === null) !== (then.sexp === null)) {
      throw notSexp(
        when.sexp === null ? 'condition' : 'conclusion',
        'a rule is either all s-expressions or all natural language',
      );
    }
    // A rule with the key of one held was checked when that one was added.
    if (this.#rules.has(key)) return null;
    if (when.sexp === null || then.sexp === null) return { op: 'rule', key, rule, compiled: null };
    const terms = this.#engine.terms;
    const { literals, slots } = compileConjunction(terms, when.sexp, rule.condition, 'condition');
    const head = compileConclusion(terms, then.sexp, rule.conclusion, slots);
    return {
      op: 'rule',
      key,
      rule,
      compiled: { conditions: literals, conclusion: head, slots: slots.size, source: rule },
    };
  }

  // The engine at the fixpoint of what is asserted.
  #settled(): Engine<LogicRule> {
    if (this.#retracted) {
      this.#retracted = false;
      const asserted: number[] = [];
      for (const { term } of this.#facts.values()) if (term !== null) asserted.push(term);
      this.#engine.reset(asserted);
    }
    this.#engine.settle();
    return this.#engine;
  }

  // The term of ground fact `sexp` once settled, or undefined when no fact holds it.
  #groundTerm(sexp: Sexp, text: string): number | undefined {
    const engine = this.#settled();
    checkFact(sexp, text);
    return engine.terms.find(sexp);
  }

  // Built with a stack of its own, not by recursion: a derivation may be as deep as a chain is long.
  #derivation(root: number): LogicDerivation {
    const nodeOf = (term: number): LogicDerivation => {
      const origin = this.#engine.origin(term)!;
      const fact = this.#engine.terms.text(term);
      return origin === 'asserted'
        ? { fact, premises: [] }
        : { fact, rule: { ...origin.rule.source }, premises: [] };
    };
    const top = nodeOf(root);
    const pending: Array<[LogicDerivation, number]> = [[top, root]];
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      const [node, term] = next;
      const origin = this.#engine.origin(term)!;
      if (origin === 'asserted') continue;
      for (const premise of origin.premises) {
        const child = nodeOf(premise);
        node.premises.push(child);
        pending.push([child, premise]);
      }
    }
    return top;
  }
}

function notSexp(what: string, reason: string): InvalidArgumentError {
  return new InvalidArgumentError(`logic ${what}: ${reason}`, { details: { kind: KIND, what, reason } });
}
