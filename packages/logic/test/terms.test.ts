import { describe, expect, it } from 'vitest';
import { MemoryLogicProvider } from '../src/memory.js';
import { parseSexp } from '../src/sexpr.js';
import { TermTable, UNKNOWN } from '../src/terms.js';

describe('queries', () => {
  it('naming terms no fact holds match nothing, and the terms they name stay unknown', () => {
    const provider = new MemoryLogicProvider();
    provider.assertFact('(parent alice (child bob))');
    const before = provider.signature();
    for (let i = 0; i < 3; i++) {
      expect(provider.query(`(parent stranger${i} ?x)`)).toStrictEqual([]);
      expect(provider.query(`(parent ?x (child stranger${i}))`)).toStrictEqual([]);
    }
    expect(provider.query('(parent ?x (child bob))')).toStrictEqual([{ x: 'alice' }]);
    expect(provider.signature()).toBe(before);
  });

  it('compile without interning: an unknown ground part is UNKNOWN and is not added to the table', () => {
    const terms = new TermTable();
    const known = terms.compile(parseSexp('(child bob)', 'logic', 'fact'), new Map());
    const slots = new Map<string, number>();
    const pattern = terms.compile(
      parseSexp('(stranger (child bob) (child eve) ?x)', 'logic', 'pattern'),
      slots,
      false,
    );
    expect(pattern).toStrictEqual({ items: [UNKNOWN, known, UNKNOWN, { slot: 0 }] });
    expect(terms.find(parseSexp('stranger', 'logic', 'fact'))).toBeUndefined();
    expect(terms.find(parseSexp('eve', 'logic', 'fact'))).toBeUndefined();
  });
});
