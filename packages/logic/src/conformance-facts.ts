import { assertSameValue, type SuiteContext, thrownBy } from '@omega/core/testing';
import { expect, it } from 'vitest';
import type { LogicProvider } from './index.js';
import { KIND } from './rules.js';

/** Natural-language facts at the edges of the s-expression rule: each is kept exactly as written. */
export const NATURAL_FACTS: readonly string[] = [
  'Marie Curie was born in Poland',
  'Marie Curie won the Nobel Prize in Chemistry in 1911',
  '  leading and trailing blanks  ',
  'Ünïcödé: 日本語のテキスト, emoji 🧪 and a lone combining mark é',
  'She said "it\'s (probably) fine" \\ and left',
  'Alice (the doctor) is taller than Bob',
  'an unbalanced ) parenthesis',
  'ends with an open parenthesis (',
  '?x looks like a variable but this is prose',
  'line one\nline two\ttabbed',
  ' ',
];

/** S-expressions that are malformed, with the offset the error must point at. */
export const MALFORMED: ReadonlyArray<[string, number]> = [
  ['(parent alice bob', 0],
  ['(parent (alice bob)', 0],
  ['(parent alice bob))', 18],
  ['(parent "alice bob)', 8],
  ['(parent alice) trailing', 15],
  ['(parent ? bob)', 8],
  ['(parent "a\\n" bob)', 10],
  ['  (a\n  (b c)', 2],
];

/** The seed's facts and rules, natural language, the s-expression syntax, and persistence. */
export function describeFactGroups<P extends LogicProvider>(
  context: SuiteContext<P>,
  reopens: boolean,
): void {
  const current = () => context.provider();

  context.group('facts and rules', () => {
    it('keeps facts in the order first asserted, ignores duplicates, and counts them', () => {
      const provider = current();
      for (const fact of ['(parent alice bob)', 'Bob likes tea', '(parent  alice   bob )', 'Bob likes tea']) {
        provider.assertFact(fact);
      }
      provider.assertFact('(parent bob carol)');
      assertSameValue(provider.getFacts(), ['(parent alice bob)', 'Bob likes tea', '(parent bob carol)']);
      expect(provider.count()).toBe(3);
    });

    it('keeps rules in the order first added, ignoring duplicates', () => {
      const provider = current();
      provider.addRule('(parent ?x ?y)', '(ancestor ?x ?y)');
      provider.addRule('someone wins two Nobel Prizes', 'they are exceptionally accomplished');
      provider.addRule('(parent  ?x ?y)', '(ancestor ?x  ?y)');
      provider.addRule('someone wins two Nobel Prizes', 'they are exceptionally accomplished');
      assertSameValue(provider.getRules(), [
        { condition: '(parent ?x ?y)', conclusion: '(ancestor ?x ?y)' },
        { condition: 'someone wins two Nobel Prizes', conclusion: 'they are exceptionally accomplished' },
      ]);
      expect(provider.count()).toBe(0);
    });

    it('gives lists the caller may change without changing the base', () => {
      const provider = current();
      provider.assertFact('(a b)');
      provider.addRule('(a ?x)', '(c ?x)');
      const facts = provider.getFacts();
      const rules = provider.getRules();
      facts.push('(mutated)');
      rules[0]!.condition = '(mutated ?x)';
      assertSameValue(provider.getFacts(), ['(a b)']);
      assertSameValue(provider.getRules(), [{ condition: '(a ?x)', conclusion: '(c ?x)' }]);
    });

    it('clears every fact, rule and derived fact', () => {
      const provider = current();
      provider.assertFact('(a b)');
      provider.assertFact('prose');
      provider.addRule('(a ?x)', '(c ?x)');
      expect(provider.ask('(c b)')).toBe(true);
      provider.clear();
      expect(provider.count()).toBe(0);
      assertSameValue(provider.getRules(), []);
      expect(provider.ask('(c b)')).toBe(false);
      assertSameValue(provider.search('prose'), []);
      provider.assertFact('(a d)');
      assertSameValue(provider.getFacts(), ['(a d)']);
    });

    it('refuses what is not a non-empty string, storing nothing', () => {
      const provider = current();
      for (const bad of ['', 42, null, undefined, { fact: 'x' }]) {
        const error = thrownBy(() => provider.assertFact(bad as string), 'INVALID_ARGUMENT');
        expect(error.details).toMatchObject({ kind: KIND, what: 'fact' });
        thrownBy(() => provider.addRule(bad as string, '(a)'), 'INVALID_ARGUMENT');
        thrownBy(() => provider.addRule('(a)', bad as string), 'INVALID_ARGUMENT');
      }
      expect(provider.count()).toBe(0);
      assertSameValue(provider.getRules(), []);
    });
  });

  context.group('natural language', () => {
    it('keeps every natural-language fact exactly as written, and asks it by its exact text', () => {
      const provider = current();
      for (const fact of NATURAL_FACTS) provider.assertFact(fact);
      assertSameValue(provider.getFacts(), [...NATURAL_FACTS]);
      for (const fact of NATURAL_FACTS) expect(provider.ask(fact)).toBe(true);
      expect(provider.ask('Marie Curie was born in poland')).toBe(false);
    });

    it('treats texts differing only in blanks as different natural-language facts', () => {
      const provider = current();
      provider.assertFact('two  spaces');
      provider.assertFact('two spaces');
      expect(provider.count()).toBe(2);
    });
  });

  context.group('s-expression syntax', () => {
    it('refuses a malformed s-expression with the position of the fault, storing nothing', () => {
      const provider = current();
      for (const [text, offset] of MALFORMED) {
        const error = thrownBy(() => provider.assertFact(text), 'INVALID_ARGUMENT');
        expect(error.details).toMatchObject({ kind: KIND, what: 'fact', position: { offset } });
      }
      expect(provider.count()).toBe(0);
    });

    it('gives the line and column of a fault on a later line', () => {
      const error = thrownBy(() => current().assertFact('(parent\n  alice\n  bob))'), 'INVALID_ARGUMENT');
      expect(error.details.position).toEqual({ offset: 22, line: 3, column: 7 });
    });

    it('refuses a fact holding a variable, and one that is not a non-empty list', () => {
      const provider = current();
      for (const [text, offset] of [
        ['(parent ?x bob)', 8],
        ['(parent (f ?y) bob)', 11],
        ['()', 0],
      ] as const) {
        const error = thrownBy(() => provider.assertFact(text), 'INVALID_ARGUMENT');
        expect(error.details).toMatchObject({ what: 'fact', position: { offset } });
      }
      expect(provider.count()).toBe(0);
    });

    it('reads quoted strings as atoms: with blanks, parentheses and escapes inside', () => {
      const provider = current();
      provider.assertFact('(born "Marie Curie" "Warsaw (then Russia)" "say \\"hi\\"")');
      assertSameValue(provider.query('(born ?who ?where ?quote)'), [
        { who: '"Marie Curie"', where: '"Warsaw (then Russia)"', quote: '"say \\"hi\\""' },
      ]);
      expect(provider.ask('(born  "Marie Curie"  "Warsaw (then Russia)" "say \\"hi\\"")')).toBe(true);
      expect(provider.ask('(born Marie "Warsaw (then Russia)" "say \\"hi\\"")')).toBe(false);
    });
  });

  context.group('persistence', () => {
    if (!reopens) {
      it.skip('needs a reopen option: the backend keeps nothing across providers', () => undefined);
      return;
    }

    it('a reopened provider has the same facts, rules, derivations and signature', async () => {
      const provider = current();
      for (const fact of NATURAL_FACTS) provider.assertFact(fact);
      provider.assertFact('(parent alice bob)');
      provider.assertFact('(parent bob carol)');
      provider.addRule('(and (parent ?x ?y) (parent ?y ?z))', '(grandparent ?x ?z)');
      provider.addRule('a prize is won', 'someone is proud');
      const signature = provider.signature();
      await provider.close();
      const next = await context.reopen();
      assertSameValue(next.getFacts(), [...NATURAL_FACTS, '(parent alice bob)', '(parent bob carol)']);
      expect(next.getRules()).toHaveLength(2);
      assertSameValue(next.query('(grandparent alice ?who)'), [{ who: 'carol' }]);
      expect(next.signature()).toBe(signature);
    });

    it('a reopened provider keeps retractions and clears', async () => {
      const provider = current();
      provider.assertFact('gone soon');
      provider.assertFact('(a b)');
      provider.clear();
      provider.assertFact('(a c)');
      provider.assertFact('(a d)');
      provider.retract('(a c)');
      await provider.close();
      const next = await context.reopen();
      assertSameValue(next.getFacts(), ['(a d)']);
    });

    it("two providers of one base see each other's changes", async () => {
      const first = current();
      const second = await context.reopen();
      first.addRule('(edge ?x ?y)', '(path ?x ?y)');
      second.assertFact('(edge a b)');
      expect(first.ask('(path a b)')).toBe(true);
      first.assertFact('(edge a b)');
      second.assertFact('(edge b c)');
      assertSameValue(first.getFacts(), ['(edge a b)', '(edge b c)']);
      expect(second.retract('(edge a b)')).toBe(true);
      expect(first.ask('(path a b)')).toBe(false);
      expect(first.signature()).toBe(second.signature());
    });
  });
}
