import { tempDir } from '@omega/test-kit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FilesystemLogicProvider } from '../src/filesystem.js';
import { MemoryLogicProvider } from '../src/memory.js';
import { isSexpText } from '../src/sexpr.js';

// Any text whose first non-blank character is not "(": natural language by the family's rule.
const natural = fc
  .oneof(fc.string({ unit: 'binary', minLength: 1 }), fc.string({ unit: 'grapheme', minLength: 1 }))
  .filter((text) => !isSexpText(text));

describe('natural-language facts round-trip unchanged', () => {
  it('in memory: getFacts gives back every text exactly, and ask finds each', () => {
    fc.assert(
      fc.property(fc.uniqueArray(natural, { minLength: 1, maxLength: 20 }), (facts) => {
        const provider = new MemoryLogicProvider();
        for (const fact of facts) provider.assertFact(fact);
        expect(provider.getFacts()).toStrictEqual(facts);
        for (const fact of facts) expect(provider.ask(fact)).toBe(true);
      }),
      { seed: 27, numRuns: 300 },
    );
  });

  it('on disk: a reopened provider gives back every text exactly', async () => {
    const { dir, remove } = await tempDir('omega-logic-');
    try {
      const samples = fc.sample(fc.uniqueArray(natural, { minLength: 50, maxLength: 50 }), {
        seed: 28,
        numRuns: 1,
      });
      const facts = samples[0]!;
      const writer = new FilesystemLogicProvider({ root: dir, durable: false });
      for (const fact of facts) writer.assertFact(fact);
      await writer.close();
      const reader = new FilesystemLogicProvider({ root: dir });
      expect(reader.getFacts()).toStrictEqual(facts);
      await reader.close();
    } finally {
      await remove();
    }
  });
});
