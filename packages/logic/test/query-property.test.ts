import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryLogicProvider } from '../src/memory.js';

/*
 * `query` against an evaluator written here as plainly as possible: facts as arrays of atoms, every rule
 * joined with every combination of facts, again and again until a round adds nothing (naive evaluation),
 * then a pattern matched against every fact. Random programs over few predicates and constants, so that
 * rules chain, recurse and join on shared variables.
 */

type Atom = string;
type Literal = Atom[];
interface Program {
  facts: Literal[];
  rules: { conditions: Literal[]; conclusion: Literal }[];
  queries: Literal[][];
  retracted: number[];
}

const PREDICATES: Record<string, number> = { p: 2, q: 2, r: 1, s: 3 };
const CONSTANTS = ['a', 'b', 'c', 'd'];
const VARIABLES = ['?x', '?y', '?z', '?w'];

const isVariable = (atom: Atom) => atom.startsWith('?');
const text = (literal: Literal) => `(${literal.join(' ')})`;

function literalOf(terms: fc.Arbitrary<Atom>): fc.Arbitrary<Literal> {
  return fc
    .constantFrom(...Object.keys(PREDICATES))
    .chain((predicate) =>
      fc
        .array(terms, { minLength: PREDICATES[predicate]!, maxLength: PREDICATES[predicate]! })
        .map((args) => [predicate, ...args]),
    );
}

const constant = fc.constantFrom(...CONSTANTS);
const term = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...VARIABLES) },
  { weight: 1, arbitrary: constant },
);

const rule = fc.array(literalOf(term), { minLength: 1, maxLength: 3 }).chain((conditions) => {
  const bound = [...new Set(conditions.flatMap((literal) => literal.filter(isVariable)))];
  const headTerm = bound.length > 0 ? fc.oneof(fc.constantFrom(...bound), constant) : constant;
  return literalOf(headTerm).map((conclusion) => ({ conditions, conclusion }));
});

const program: fc.Arbitrary<Program> = fc.record({
  facts: fc.array(literalOf(constant), { minLength: 1, maxLength: 14 }),
  rules: fc.array(rule, { maxLength: 5 }),
  queries: fc.array(fc.array(literalOf(term), { minLength: 1, maxLength: 2 }), {
    minLength: 1,
    maxLength: 4,
  }),
  retracted: fc.array(fc.nat({ max: 13 }), { maxLength: 3 }),
});

// Extends `binding` so that `pattern` matches fact `fact`, or null.
function unify(pattern: Literal, fact: Literal, binding: Map<Atom, Atom>): Map<Atom, Atom> | null {
  if (pattern.length !== fact.length) return null;
  const next = new Map(binding);
  for (let i = 0; i < pattern.length; i++) {
    const atom = pattern[i]!;
    if (!isVariable(atom)) {
      if (atom !== fact[i]) return null;
    } else if (next.has(atom)) {
      if (next.get(atom) !== fact[i]) return null;
    } else {
      next.set(atom, fact[i]!);
    }
  }
  return next;
}

function solutions(literals: Literal[], facts: Literal[]): Map<Atom, Atom>[] {
  let bindings = [new Map<Atom, Atom>()];
  for (const literal of literals) {
    bindings = bindings.flatMap((binding) =>
      facts.map((fact) => unify(literal, fact, binding)).filter((found) => found !== null),
    );
  }
  return bindings;
}

function naiveFixpoint(facts: Literal[], rules: Program['rules']): Literal[] {
  const known = new Map(facts.map((fact) => [text(fact), fact]));
  for (let changed = true; changed; ) {
    changed = false;
    const all = [...known.values()];
    for (const { conditions, conclusion } of rules) {
      for (const binding of solutions(conditions, all)) {
        const derived = conclusion.map((atom) => (isVariable(atom) ? binding.get(atom)! : atom));
        if (!known.has(text(derived))) {
          known.set(text(derived), derived);
          changed = true;
        }
      }
    }
  }
  return [...known.values()];
}

// Distinct answers, as `query` gives them (variables without `?`), in a fixed order.
function naiveQuery(literals: Literal[], facts: Literal[]): string[] {
  const answers = solutions(literals, facts).map((binding) =>
    JSON.stringify(Object.fromEntries([...binding].map(([name, value]) => [name.slice(1), value]).sort())),
  );
  return [...new Set(answers)].sort();
}

function normalized(answers: Record<string, string>[]): string[] {
  return answers.map((answer) => JSON.stringify(Object.fromEntries(Object.entries(answer).sort()))).sort();
}

const patternText = (literals: Literal[]) =>
  literals.length === 1 ? text(literals[0]!) : `(and ${literals.map(text).join(' ')})`;

describe('query against a naive evaluator on random programs', () => {
  it('answers every query as naive evaluation to the fixpoint does, before and after retractions', () => {
    fc.assert(
      fc.property(program, ({ facts, rules, queries, retracted }) => {
        const provider = new MemoryLogicProvider();
        // Rules before some facts and after others, with a query between (derivation runs at a query):
        // incremental derivation from new rules and new facts must reach the same fixpoint.
        const half = facts.length >> 1;
        const settle = () => provider.query('(r ?settled)');
        for (const fact of facts.slice(0, half)) provider.assertFact(text(fact));
        settle();
        for (const [i, { conditions, conclusion }] of rules.entries()) {
          provider.addRule(patternText(conditions), text(conclusion));
          if (i % 2 === 0) settle();
        }
        for (const fact of facts.slice(half)) provider.assertFact(text(fact));
        const check = (asserted: Literal[]) => {
          const known = naiveFixpoint(asserted, rules);
          for (const query of queries) {
            expect(normalized(provider.query(patternText(query)))).toStrictEqual(naiveQuery(query, known));
          }
          for (const fact of known) expect(provider.ask(text(fact))).toBe(true);
        };
        check(facts);
        const gone = new Set(retracted.map((i) => text(facts[i % facts.length]!)));
        for (const fact of gone) provider.retract(fact);
        check(facts.filter((fact) => !gone.has(text(fact))));
      }),
      { seed: 20_261_203, numRuns: 400 },
    );
  });
});
