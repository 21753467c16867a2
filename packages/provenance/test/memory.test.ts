import { rejectionOf } from '@omega/core/testing';
import { describe, expect, it } from 'vitest';
import { describeProvenanceProvider } from '../src/conformance.js';
import { MemoryProvenanceProvider } from '../src/memory.js';
import { record } from './helpers.js';

describeProvenanceProvider('memory', async () => ({ provider: new MemoryProvenanceProvider() }));

// TODO(seed): what only the family can get wrong in memory (its clock, its own rules here); what the
// scaffold and core check is not repeated (CONTRIBUTING.md, "Tests: what the scaffold and core already
// check").
describe('MemoryProvenanceProvider', () => {
  it('refuses a clock reading that is not a timestamp, storing nothing', async () => {
    for (const reading of [-1, 1.5, Number.NaN]) {
      const provider = new MemoryProvenanceProvider({ now: () => reading });
      await rejectionOf(provider.put('r', record('r')), 'INVALID_ARGUMENT');
      expect(await provider.get('r')).toBeNull();
      await provider.close();
    }
  });
});
