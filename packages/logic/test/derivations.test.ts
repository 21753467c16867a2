import { describe, expect, it } from 'vitest';
import type { LogicDerivation } from '../src/index.js';
import { MemoryLogicProvider } from '../src/memory.js';

describe('explain', () => {
  it('gives a derivation 20,000 steps deep, premises in the order of the conditions', () => {
    const provider = new MemoryLogicProvider();
    const length = 20_000;
    for (let i = 0; i + 1 < length; i++) provider.assertFact(`(next n${i} n${i + 1})`);
    provider.assertFact('(reached n0)');
    provider.addRule('(and (reached ?x) (next ?x ?y))', '(reached ?y)');
    let node: LogicDerivation | null = provider.explain(`(reached n${length - 1})`);
    let depth = 0;
    while (node !== null && node.premises.length > 0) {
      expect(node.premises[1]).toStrictEqual({
        fact: `(next n${length - 2 - depth} n${length - 1 - depth})`,
        premises: [],
      });
      node = node.premises[0]!;
      depth++;
    }
    expect(depth).toBe(length - 1);
    expect(node).toStrictEqual({ fact: '(reached n0)', premises: [] });
  });
});
