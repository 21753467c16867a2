import { thrownBy } from '@omega/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryLogicProvider } from '../src/memory.js';
import { isSexpText, MAX_DEPTH, parseSexp, printSexp, type Sexp } from '../src/sexpr.js';

const atom = fc.oneof(
  fc
    .stringMatching(/^[a-z0-9+*/<=>!-][a-zA-Z0-9_.+*/<=>!-]{0,6}$/)
    .map((name): Sexp => ({ type: 'symbol', name, at: 0 })),
  fc.string({ maxLength: 8 }).map((value): Sexp => ({ type: 'string', value, at: 0 })),
  fc.stringMatching(/^[a-z][a-z0-9]{0,4}$/).map((name): Sexp => ({ type: 'variable', name, at: 0 })),
);
const { tree } = fc.letrec<{ tree: Sexp }>((of) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    atom,
    fc.array(of('tree'), { maxLength: 4 }).map((items): Sexp => ({ type: 'list', items, at: 0 })),
  ),
}));

describe('s-expressions', () => {
  it('parse back to the same canonical text they print to', () => {
    fc.assert(
      fc.property(tree, (node) => {
        const text = printSexp(node);
        expect(printSexp(parseSexp(text, 'logic', 'fact'))).toBe(text);
      }),
      { seed: 7, numRuns: 500 },
    );
  });

  it(`nest up to ${MAX_DEPTH} levels; deeper is refused at the first list too deep`, () => {
    const nested = (depth: number) => `${'('.repeat(depth)}x${')'.repeat(depth)}`;
    const node = parseSexp(nested(MAX_DEPTH), 'logic', 'fact');
    let levels = 0;
    for (let at: Sexp = node; at.type === 'list'; at = at.items[0]!) levels++;
    expect(levels).toBe(MAX_DEPTH);
    const error = thrownBy(() => parseSexp(nested(MAX_DEPTH + 1), 'logic', 'fact'), 'INVALID_ARGUMENT');
    expect(error.details).toMatchObject({ kind: 'logic', what: 'fact', position: { offset: MAX_DEPTH } });
  });

  it('compile, store and answer a fact nested to the limit', () => {
    const provider = new MemoryLogicProvider();
    const fact = `(deep ${'(f '.repeat(MAX_DEPTH - 1)}x${')'.repeat(MAX_DEPTH - 1)})`;
    provider.assertFact(fact);
    provider.addRule('(deep ?x)', '(found ?x)');
    expect(provider.query('(found ?what)')).toHaveLength(1);
  });

  it('are texts whose first non-blank character is "("', () => {
    expect([' \n\t(a)', '(', '()'].every(isSexpText)).toBe(true);
    expect(['a (b)', '"(a)"', ')(', ''].some(isSexpText)).toBe(false);
  });
});
