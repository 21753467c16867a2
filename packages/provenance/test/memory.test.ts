import { rejectionOf } from '@omega/core/testing';
import { describe, expect, it } from 'vitest';
import { describeProvenanceProvider } from '../src/conformance.js';
import { MemoryProvenanceProvider } from '../src/memory.js';
import { sampleInput } from '../src/methods.js';

describeProvenanceProvider('memory', async () => ({ provider: new MemoryProvenanceProvider() }));

describe('MemoryProvenanceProvider', () => {
  it('stamps evidence with its clock, and refuses a reading that is not a timestamp, storing nothing', async () => {
    const provider = new MemoryProvenanceProvider({ now: () => 42 });
    expect((await provider.record(sampleInput(1))).at).toBe(42);
    await provider.close();
    for (const reading of [-1, 1.5, Number.NaN]) {
      const bad = new MemoryProvenanceProvider({ now: () => reading });
      await rejectionOf(bad.record(sampleInput(1)), 'INVALID_ARGUMENT');
      expect(await bad.count()).toBe(0);
      await bad.close();
    }
  });
});
