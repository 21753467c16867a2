import { InvalidArgumentError } from '@omega/core';
import type { Literal } from './engine.js';
import { KIND } from './rules.js';
import { isSexpText, parseSexp, printSexp, type Sexp, syntaxError } from './sexpr.js';
import type { TermTable } from './terms.js';

/*
 * From text to what the engine runs: the checks of facts, rules and patterns, each failure an
 * `InvalidArgumentError` with details `{ kind, what, position?, reason }`.
 */

/** What a fact, a condition or a conclusion is, as written. */
export type Parsed = { sexp: Sexp; key: string } | { sexp: null; key: string };

/**
 * `text` (argument `what`) parsed: an s-expression with its canonical text as `key`, or natural language
 * (kept as written, its own key). Not a string or empty: an `InvalidArgumentError`.
 */
export function parseText(text: unknown, what: string): Parsed {
  if (typeof text !== 'string' || text.length === 0) {
    throw new InvalidArgumentError(`a ${what} must be a non-empty string, got ${describe(text)}`, {
      details: { kind: KIND, what, reason: 'not a non-empty string' },
    });
  }
  if (!isSexpText(text)) return { sexp: null, key: text };
  const sexp = parseSexp(text, KIND, what);
  return { sexp, key: printSexp(sexp) };
}

function describe(value: unknown): string {
  return typeof value === 'string' ? 'an empty string' : typeof value;
}

// A fact, condition or conclusion must be a list with something in it: the items of a fact's group.
function checkList(sexp: Sexp, text: string, what: string): Sexp[] {
  if (sexp.type !== 'list' || sexp.items.length === 0) {
    throw syntaxError(KIND, what, text, sexp.at, 'expected a non-empty list');
  }
  return sexp.items;
}

/** Checks that `sexp` (written as `text`) is a fact: a non-empty list holding no variable. */
export function checkFact(sexp: Sexp, text: string, what = 'fact'): void {
  checkList(sexp, text, what);
  const variable = findVariable(sexp, () => true);
  if (variable) {
    throw syntaxError(
      KIND,
      what,
      text,
      variable.at,
      `a fact cannot hold variable ?${variable.name}: make it a rule`,
    );
  }
}

/** The term of ground list fact `sexp` (written as `text`), interned; what is not a fact is refused. */
export function factTerm(terms: TermTable, sexp: Sexp, text: string): number {
  checkFact(sexp, text);
  return terms.compile(sexp, new Map()) as number;
}

// The first variable of `sexp` (in reading order) that `which` picks, if any.
function findVariable(sexp: Sexp, which: (name: string) => boolean): (Sexp & { type: 'variable' }) | null {
  if (sexp.type === 'variable') return which(sexp.name) ? sexp : null;
  if (sexp.type !== 'list') return null;
  for (const item of sexp.items) {
    const found = findVariable(item, which);
    if (found) return found;
  }
  return null;
}

/** A conjunction compiled: its literals, and its variables by slot. */
export interface Conjunction {
  literals: Literal[];
  slots: Map<string, number>;
}

const UNSUPPORTED = new Set(['or', 'not']);

/**
 * Compiles a condition or a query pattern: one list pattern, or `(and p1 p2 ...)`. `or` and `not` heads
 * are refused rather than read as predicates, so that a rule never silently means something else. A
 * pattern (`what` is `pattern`) interns nothing: see {@link TermTable.compile}.
 */
export function compileConjunction(terms: TermTable, sexp: Sexp, text: string, what: string): Conjunction {
  const intern = what !== 'pattern';
  const items = checkList(sexp, text, what);
  const head = items[0]!;
  let parts: Sexp[] = [sexp];
  if (head.type === 'symbol' && head.name === 'and') {
    parts = items.slice(1);
    if (parts.length === 0) throw syntaxError(KIND, what, text, sexp.at, '(and) needs at least one pattern');
  }
  const slots = new Map<string, number>();
  const literals = parts.map((part) => {
    const partItems = checkList(part, text, what);
    const first = partItems[0]!;
    if (first.type === 'symbol' && (UNSUPPORTED.has(first.name) || first.name === 'and')) {
      throw syntaxError(
        KIND,
        what,
        text,
        part.at,
        `(${first.name} ...) is not supported: conditions are conjunctions`,
      );
    }
    return { items: partItems.map((item) => terms.compile(item, slots, intern)) };
  });
  return { literals, slots };
}

/**
 * Compiles conclusion `sexp` against its condition's slots; a variable the condition does not bind is
 * an `InvalidArgumentError` (the rule would conclude facts about anything).
 */
export function compileConclusion(
  terms: TermTable,
  sexp: Sexp,
  text: string,
  slots: Map<string, number>,
): Literal {
  const items = checkList(sexp, text, 'conclusion');
  const unbound = findVariable(sexp, (name) => !slots.has(name));
  if (unbound) {
    throw syntaxError(
      KIND,
      'conclusion',
      text,
      unbound.at,
      `variable ?${unbound.name} is not bound by the condition (an unsafe rule)`,
    );
  }
  return { items: items.map((item) => terms.compile(item, slots)) };
}
