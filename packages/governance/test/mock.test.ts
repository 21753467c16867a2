import { BudgetExceededError } from '@omega/core';
import { describe, expect, it } from 'vitest';
import { describeGovernanceProvider } from '../src/conformance.js';
import { MockGovernanceProvider } from '../src/mock.js';

describeGovernanceProvider('mock', async (options) => ({ provider: new MockGovernanceProvider(options) }));

// How scripts and records behave is @omega/core's mockProvider, tested there; here, that this mock is
// typed by GovernanceProvider and scripts one of its calls.
describe('MockGovernanceProvider', () => {
  it('types its scripts by GovernanceProvider', () => {
    const typeChecks = (mock: MockGovernanceProvider) => {
      // @ts-expect-error consumeBudget() returns a boolean, not a number
      mock.returnNext('consumeBudget', 1);
    };
    expect(typeChecks).toBeTypeOf('function');
  });

  it('plays back a refused consume and a scripted failure, consuming nothing, and records the calls', async () => {
    const mock = new MockGovernanceProvider({ profile: 'strict' });
    mock.returnNext('consumeBudget', false);
    expect(mock.consumeBudget('tokens', 5)).toBe(false);
    const failure = new BudgetExceededError('scripted exhaustion');
    mock.failNext('consumeBudget', failure);
    expect(() => mock.consumeBudget('tokens', 5)).toThrow(failure);
    expect(mock.report().consumed.tokens).toBe(0);
    expect(mock.callsOf('consumeBudget')).toStrictEqual([
      { method: 'consumeBudget', args: ['tokens', 5], result: false },
      { method: 'consumeBudget', args: ['tokens', 5], error: failure },
    ]);
    await mock.close();
  });
});
