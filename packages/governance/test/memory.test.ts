import { describe, expect, it } from 'vitest';
import { describeGovernanceProvider } from '../src/conformance.js';
import { LocalGovernanceProvider } from '../src/memory.js';

describeGovernanceProvider('local', async (options) => ({ provider: new LocalGovernanceProvider(options) }));

describe('LocalGovernanceProvider', () => {
  it('keeps a budget per provider: two local providers share nothing', async () => {
    const a = new LocalGovernanceProvider({ profile: { name: 'p', caps: [], budget: { tokens: 10 } } });
    const b = new LocalGovernanceProvider({ profile: { name: 'p', caps: [], budget: { tokens: 10 } } });
    expect(a.consumeBudget('tokens', 10)).toBe(true);
    expect(b.remaining('tokens')).toBe(10);
    await a.close();
    await b.close();
  });
});
