import { describeOptionChecks, thrownBy } from '@omega/core/testing';
import * as vitest from 'vitest';
import { describe, expect, it } from 'vitest';
import { FilesystemGovernanceProvider } from '../src/filesystem.js';
import { LocalGovernanceProvider } from '../src/memory.js';
import { MockGovernanceProvider } from '../src/mock.js';

describeOptionChecks(vitest, {
  kind: 'budget',
  clock: true,
  filesystem: (options) => new FilesystemGovernanceProvider(options),
  memory: (options) => new LocalGovernanceProvider(options),
  mock: (options) => new MockGovernanceProvider(options),
});

describe('governance options', () => {
  const bad: Array<[string, Record<string, unknown>]> = [
    ['budget', { budget: '../x' }],
    ['profile', { profile: 'lenient' }],
    ['profile', { profile: { name: 'p', caps: [], budget: { tokens: -1 } } }],
    ['profile', { profile: { name: 'p', caps: ['a b'], budget: {} } }],
    ['period', { period: 'hour' }],
    ['reservationTtlMs', { reservationTtlMs: 0 }],
    ['reservationTtlMs', { reservationTtlMs: 1.5 }],
    ['adoptLimits', { adoptLimits: 'yes' }],
    ['owner', { owner: { pid: 'x' } }],
    ['ownerState', { ownerState: 'dead' }],
    ['onAlert', { onAlert: 1 }],
  ];
  for (const [option, options] of bad) {
    it(`refuses ${option} ${JSON.stringify(options[option])} at construction`, () => {
      const code = option === 'budget' ? 'INVALID_NAME' : 'INVALID_ARGUMENT';
      const error = thrownBy(() => new LocalGovernanceProvider(options), code);
      if (code === 'INVALID_ARGUMENT' && option !== 'profile') expect(error.details.option).toBe(option);
    });
  }

  it('accepts a profile by name', async () => {
    const provider = new LocalGovernanceProvider({ profile: 'airgap' });
    expect(provider.getProfile().name).toBe('airgap');
    await provider.close();
  });
});
