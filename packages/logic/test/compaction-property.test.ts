import { MemoryStore } from '@omega/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LogicFront } from '../src/front.js';
import { MemoryLogicProvider } from '../src/memory.js';

/*
 * Compaction changes where a base is stored, never what it holds: random sequences of changes, made
 * through two providers of one store that compacts after a few entries, read back the same as one
 * provider that never compacts, and so does a provider opened afterwards.
 */

const fact = fc
  .tuple(fc.constantFrom('p', 'q'), fc.constantFrom('a', 'b', 'c'), fc.constantFrom('a', 'b', 'c'))
  .map(([predicate, x, y]) => `(${predicate} ${x} ${y})`);
const prose = fc.constantFrom('Marie Curie was born in Poland', 'Bob likes tea', 'the sky is blue');

const change = fc.oneof(
  { weight: 5, arbitrary: fc.oneof(fact, prose).map((text) => ({ op: 'fact' as const, text })) },
  { weight: 4, arbitrary: fc.oneof(fact, prose).map((text) => ({ op: 'retract' as const, text })) },
  { weight: 1, arbitrary: fc.constant({ op: 'rule' as const, text: '(and (p ?x ?y) (q ?y ?z))' }) },
  { weight: 1, arbitrary: fc.constant({ op: 'clear' as const, text: '' }) },
);

type Step = { op: 'fact' | 'retract' | 'rule' | 'clear'; text: string; writer: number };

function apply(provider: LogicFront | MemoryLogicProvider, { op, text }: Step): void {
  if (op === 'fact') provider.assertFact(text);
  else if (op === 'retract') provider.retract(text);
  else if (op === 'rule') provider.addRule(text, '(r ?x ?z)');
  else provider.clear();
}

const view = (provider: LogicFront | MemoryLogicProvider) => ({
  facts: provider.getFacts(),
  rules: provider.getRules(),
  derived: provider.query('(r ?x ?z)'),
  signature: provider.signature(),
});

describe('compaction against a base that never compacts', () => {
  it('holds the same facts, rules, derivations and signature, for every provider of the store', () => {
    const steps = fc.array(
      fc.tuple(change, fc.nat({ max: 1 })).map(([step, writer]): Step => ({ ...step, writer })),
      { minLength: 1, maxLength: 80 },
    );
    fc.assert(
      fc.property(steps, (sequence) => {
        const store = new MemoryStore();
        const writers = [0, 1].map(() => new LogicFront(store, { compactAfter: 4 }));
        const plain = new MemoryLogicProvider({ compactAfter: Number.MAX_SAFE_INTEGER });
        for (const step of sequence) {
          apply(writers[step.writer]!, step);
          apply(plain, step);
        }
        const expected = view(plain);
        expect(view(writers[0]!)).toStrictEqual(expected);
        expect(view(writers[1]!)).toStrictEqual(expected);
        expect(view(new LogicFront(store))).toStrictEqual(expected);
      }),
      { seed: 1_789, numRuns: 200 },
    );
  });
});
