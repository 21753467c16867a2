import { fakeClock } from '@omega/test-kit';
import { describe, expect, it } from 'vitest';
import { describeSecurityProvider } from '../src/conformance.js';
import { LocalSecurityProvider } from '../src/memory.js';
import { samplePolicy, sampleRequest } from '../src/methods.js';

describeSecurityProvider('memory', async () => ({ provider: new LocalSecurityProvider() }));

describe('LocalSecurityProvider', () => {
  it('starts with the policy option, recorded before its first decision', async () => {
    const provider = new LocalSecurityProvider({ policy: samplePolicy() });
    const decision = await provider.authorize(sampleRequest());
    const [load, record] = await provider.auditLog();
    expect(load).toMatchObject({ action: 'policy.load', policyHash: decision.policyHash, seq: 0 });
    expect(record).toMatchObject({ decisionId: decision.decisionId, seq: 1 });
    await provider.close();
  });

  it('assigns times from its clock that never go back, though the clock does', async () => {
    const ticks = [5_000, 9_000, 7_000, 8_000];
    const provider = new LocalSecurityProvider({
      policy: samplePolicy(),
      now: () => ticks.shift() ?? 10_000,
    });
    for (let i = 0; i < 3; i++)
      await provider.audit({ principal: 'user:a', action: 'x', resource: 'r', outcome: 'ok' });
    // The first batch also records the policy in force.
    expect((await provider.auditLog()).map((event) => event.loggedAt)).toEqual([5_000, 5_000, 9_000, 9_000]);
    await provider.close();
  });

  it('takes a clock reading per batch, never per record', async () => {
    const provider = new LocalSecurityProvider({ now: fakeClock(1_000, 1) });
    await Promise.all(
      [1, 2, 3].map((i) => provider.audit({ principal: 'u', action: 'x', resource: `r${i}`, outcome: 'ok' })),
    );
    const times = new Set((await provider.auditLog()).map((event) => event.loggedAt));
    expect(times.size).toBe(1);
    await provider.close();
  });
});
