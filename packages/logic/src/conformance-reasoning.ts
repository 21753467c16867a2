import { assertSameValue, type SuiteContext, thrownBy } from '@omega/core/testing';
import { expect, it } from 'vitest';
import type { LogicBindings, LogicProvider } from './index.js';
import { KIND } from './rules.js';

const GRANDPARENT = ['(and (parent ?x ?y) (parent ?y ?z))', '(grandparent ?x ?z)'] as const;

// Answers in a fixed order, so that a backend may return them in any.
function sorted(answers: LogicBindings[]): LogicBindings[] {
  return [...answers].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

// Asserts (<predicate> <from> <to>) for each pair of `pairs`, written "from>to".
function assertPairs(provider: LogicProvider, predicate: string, pairs: string[]): void {
  for (const pair of pairs) provider.assertFact(`(${predicate} ${pair.replace('>', ' ')})`);
}

function family(provider: LogicProvider): void {
  assertPairs(provider, 'parent', ['alice>bob', 'bob>carol', 'bob>dave', 'carol>erin']);
}

/** Queries, rules, explanations, retraction, search and signatures. */
export function describeReasoningGroups<P extends LogicProvider>(context: SuiteContext<P>): void {
  const current = () => context.provider();

  context.group('queries and rules', () => {
    it('answers a query over asserted and derived facts, each binding once', () => {
      const provider = current();
      family(provider);
      provider.addRule(...GRANDPARENT);
      assertSameValue(sorted(provider.query('(grandparent alice ?who)')), [
        { who: 'carol' },
        { who: 'dave' },
      ]);
      assertSameValue(sorted(provider.query('(parent bob ?child)')), [{ child: 'carol' }, { child: 'dave' }]);
      assertSameValue(provider.query('(grandparent ?x erin)'), [{ x: 'bob' }]);
      assertSameValue(provider.query('(grandparent nobody ?who)'), []);
    });

    it('answers a pattern without variables with one empty binding when it holds, none otherwise', () => {
      const provider = current();
      family(provider);
      assertSameValue(provider.query('(parent alice bob)'), [{}]);
      assertSameValue(provider.query('(parent bob alice)'), []);
    });

    it('answers a conjunction, a repeated variable and a variable predicate', () => {
      const provider = current();
      family(provider);
      provider.assertFact('(likes bob bob)');
      provider.assertFact('(likes carol dave)');
      assertSameValue(provider.query('(and (parent ?p ?c) (likes ?c dave))'), [{ p: 'bob', c: 'carol' }]);
      assertSameValue(provider.query('(likes ?x ?x)'), [{ x: 'bob' }]);
      assertSameValue(sorted(provider.query('(?relation carol ?other)')), [
        { relation: 'likes', other: 'dave' },
        { relation: 'parent', other: 'erin' },
      ]);
    });

    it('matches nested lists, binding a variable to a list', () => {
      const provider = current();
      provider.assertFact('(owns alice (car red))');
      provider.assertFact('(owns bob (bike (color blue)))');
      assertSameValue(provider.query('(owns ?who (car ?color))'), [{ who: 'alice', color: 'red' }]);
      assertSameValue(provider.query('(owns bob ?thing)'), [{ thing: '(bike (color blue))' }]);
    });

    it('derives through a recursive rule to its fixpoint, and terminates on a cycle', () => {
      const provider = current();
      assertPairs(provider, 'edge', ['a>b', 'b>c', 'c>a', 'c>d']);
      provider.addRule('(edge ?x ?y)', '(path ?x ?y)');
      provider.addRule('(and (path ?x ?y) (edge ?y ?z))', '(path ?x ?z)');
      assertSameValue(
        sorted(provider.query('(path a ?to)')),
        ['a', 'b', 'c', 'd'].map((to) => ({ to })),
      );
      expect(provider.query('(path ?from ?to)')).toHaveLength(12);
      expect(provider.ask('(path d a)')).toBe(false);
    });

    it('derives from facts asserted after the rules, and from rules added after the facts', () => {
      const provider = current();
      provider.addRule(...GRANDPARENT);
      family(provider);
      expect(provider.ask('(grandparent alice carol)')).toBe(true);
      provider.addRule('(grandparent ?x ?z)', '(elder ?x)');
      assertSameValue(sorted(provider.query('(elder ?x)')), [{ x: 'alice' }, { x: 'bob' }]);
      provider.assertFact('(parent erin fay)');
      expect(provider.ask('(elder carol)')).toBe(true);
    });

    it('refuses an unsafe rule, naming the unbound variable and its position, storing nothing', () => {
      const provider = current();
      const error = thrownBy(
        () => provider.addRule('(parent ?x ?y)', '(ancestor ?x ?z)'),
        'INVALID_ARGUMENT',
      );
      expect(error.details).toMatchObject({ kind: KIND, what: 'conclusion', position: { offset: 13 } });
      assertSameValue(provider.getRules(), []);
    });

    it('refuses malformed rules and patterns, mixed rules, and or/not conditions', () => {
      const provider = current();
      const refusals: Array<[() => unknown, string]> = [
        [() => provider.addRule('(parent ?x', '(a ?x)'), 'condition'],
        [() => provider.addRule('(parent ?x ?y)', 'x is an ancestor'), 'conclusion'],
        [() => provider.addRule('x is a parent', '(ancestor ?x)'), 'condition'],
        [() => provider.addRule('(or (a ?x) (b ?x))', '(c ?x)'), 'condition'],
        [() => provider.addRule('(and (a ?x) (not (b ?x)))', '(c ?x)'), 'condition'],
        [() => provider.addRule('(and)', '(c)'), 'condition'],
        [() => provider.query('(parent ?x'), 'pattern'],
        [() => provider.query('who is a parent?'), 'pattern'],
        [() => provider.ask('(parent ?x bob)'), 'fact'],
      ];
      for (const [refused, what] of refusals) {
        expect(thrownBy(refused, 'INVALID_ARGUMENT').details).toMatchObject({ kind: KIND, what });
      }
      assertSameValue(provider.getRules(), []);
    });
  });

  context.group('explanations', () => {
    it('explains a derived fact down to asserted ones, naming each rule', () => {
      const provider = current();
      family(provider);
      provider.addRule(...GRANDPARENT);
      const rule = { condition: GRANDPARENT[0], conclusion: GRANDPARENT[1] };
      assertSameValue(provider.explain('(grandparent  alice carol)'), {
        fact: '(grandparent alice carol)',
        rule,
        premises: [
          { fact: '(parent alice bob)', premises: [] },
          { fact: '(parent bob carol)', premises: [] },
        ],
      });
      assertSameValue(provider.explain('(parent alice bob)'), { fact: '(parent alice bob)', premises: [] });
      expect(provider.explain('(grandparent carol alice)')).toBeNull();
      expect(provider.explain('(never seen)')).toBeNull();
    });

    it('refuses to explain natural language or a pattern', () => {
      thrownBy(() => current().explain('Marie Curie was born in Poland'), 'INVALID_ARGUMENT');
      thrownBy(() => current().explain('(parent ?x bob)'), 'INVALID_ARGUMENT');
    });
  });

  context.group('retraction', () => {
    it('retracts a fact and what no longer follows, keeping what still does', () => {
      const provider = current();
      provider.addRule('(edge ?x ?y)', '(path ?x ?y)');
      provider.addRule('(and (path ?x ?y) (edge ?y ?z))', '(path ?x ?z)');
      for (const edge of ['(edge a b)', '(edge b c)', '(edge a c)']) provider.assertFact(edge);
      expect(provider.retract('(edge  b c)')).toBe(true);
      expect(provider.ask('(path b c)')).toBe(false);
      expect(provider.ask('(path a c)')).toBe(true);
      assertSameValue(provider.explain('(path a c)')?.premises, [{ fact: '(edge a c)', premises: [] }]);
      assertSameValue(provider.getFacts(), ['(edge a b)', '(edge a c)']);
    });

    it('returns false for a fact not asserted, even a derived one, changing nothing', () => {
      const provider = current();
      provider.assertFact('(edge a b)');
      provider.addRule('(edge ?x ?y)', '(path ?x ?y)');
      const signature = provider.signature();
      expect(provider.retract('(path a b)')).toBe(false);
      expect(provider.retract('never asserted')).toBe(false);
      expect(provider.ask('(path a b)')).toBe(true);
      expect(provider.signature()).toBe(signature);
    });

    it('retracts a natural-language fact by its exact text', () => {
      const provider = current();
      provider.assertFact('Marie Curie was born in Poland');
      expect(provider.retract('Marie Curie was born in Poland ')).toBe(false);
      expect(provider.retract('Marie Curie was born in Poland')).toBe(true);
      expect(provider.count()).toBe(0);
      assertSameValue(provider.search('Poland'), []);
    });
  });

  context.group('search', () => {
    it('ranks natural-language facts and rules by relevance, best first, up to the limit', () => {
      const provider = current();
      provider.assertFact('Marie Curie won the Nobel Prize in Physics in 1903');
      provider.assertFact('Marie Curie won the Nobel Prize in Chemistry in 1911');
      provider.assertFact('Marie Curie was born in Poland');
      provider.assertFact('The weather in Paris is mild');
      provider.assertFact('(won curie nobel)');
      provider.addRule('someone wins two Nobel Prizes', 'they are exceptionally accomplished');
      const hits = provider.search('Nobel Prize chemistry');
      expect(hits[0]).toMatchObject({
        kind: 'fact',
        fact: 'Marie Curie won the Nobel Prize in Chemistry in 1911',
      });
      const texts = hits.map((hit) => (hit.kind === 'fact' ? hit.fact : hit.rule.condition));
      expect(texts).toContain('someone wins two Nobel Prizes');
      expect(texts).not.toContain('The weather in Paris is mild');
      expect(texts).not.toContain('(won curie nobel)');
      for (let i = 1; i < hits.length; i++) expect(hits[i - 1]!.score).toBeGreaterThanOrEqual(hits[i]!.score);
      expect(provider.search('Marie', { limit: 2 })).toHaveLength(2);
      assertSameValue(provider.search('quantum'), []);
    });

    it('matches case and Unicode width variants of a word', () => {
      const provider = current();
      provider.assertFact('Marie Curie was born in POLAND');
      expect(provider.search('ｐｏｌａｎｄ')).toHaveLength(1);
    });

    it('refuses a bad limit or text', () => {
      const provider = current();
      for (const limit of [0, -1, 1.5, Number.NaN, '3']) {
        const error = thrownBy(() => provider.search('x', { limit: limit as number }), 'INVALID_ARGUMENT');
        expect(error.details).toMatchObject({ kind: KIND, option: 'limit' });
      }
      thrownBy(() => provider.search(42 as unknown as string), 'INVALID_ARGUMENT');
    });
  });

  context.group('signature', () => {
    it('is the same for the same facts and rules, whatever their order and spacing', async () => {
      const first = current();
      const second = await context.fresh();
      expect(first.signature()).toMatch(/^[0-9a-f]{64}$/);
      expect(first.signature()).toBe(second.signature());
      first.assertFact('(parent alice bob)');
      first.assertFact('prose');
      first.addRule('(parent ?x ?y)', '(ancestor ?x ?y)');
      second.addRule('(parent ?x  ?y)', '(ancestor ?x ?y)');
      second.assertFact('prose');
      second.assertFact('( parent alice bob )');
      expect(first.signature()).toBe(second.signature());
    });

    it('changes with every fact, rule, retraction and clear, and comes back with the same base', () => {
      const provider = current();
      const empty = provider.signature();
      provider.assertFact('(a b)');
      const one = provider.signature();
      provider.addRule('(a ?x)', '(c ?x)');
      const withRule = provider.signature();
      provider.retract('(a b)');
      const retracted = provider.signature();
      expect(new Set([empty, one, withRule, retracted]).size).toBe(4);
      provider.clear();
      expect(provider.signature()).toBe(empty);
    });
  });
}
