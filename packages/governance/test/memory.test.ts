import { describe, expect, it } from 'vitest';
import { describeGovernanceProvider } from '../src/conformance.js';
import { SETTLED_KEYS } from '../src/index.js';
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

  it(`remembers the ${SETTLED_KEYS} most recent keys only: an older key charges again`, async () => {
    const provider = new LocalGovernanceProvider({
      profile: { name: 'p', caps: [], budget: { tokens: 1e6 } },
    });
    const commit = (key: string) => provider.reserve('tokens', 1)!.commit(1, { key });
    for (let i = 0; i <= SETTLED_KEYS; i++) expect(commit(`key-${i}`).duplicate).toBe(false);
    // key-0 was the oldest of SETTLED_KEYS + 1: forgotten, it charges again and pushes key-1 out.
    expect(commit('key-0').duplicate).toBe(false);
    expect(commit('key-2').duplicate).toBe(true);
    expect(commit(`key-${SETTLED_KEYS}`).duplicate).toBe(true);
    expect(commit('key-1').duplicate).toBe(false);
    expect(provider.report().consumed.tokens).toBe(SETTLED_KEYS + 3);
    await provider.close();
  });
});
