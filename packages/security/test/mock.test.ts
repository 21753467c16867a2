import { CapabilityDeniedError, StorageFailureError } from '@omega/core';
import { describe, expect, it } from 'vitest';
import { describeSecurityProvider } from '../src/conformance.js';
import { samplePolicy, sampleRequest } from '../src/methods.js';
import { MockSecurityProvider } from '../src/mock.js';

describeSecurityProvider('mock', async () => ({ provider: new MockSecurityProvider() }));

// How scripts and records behave is @omega/core's mockProvider, tested there; here, that this mock is
// typed by SecurityProvider and scripts one of its calls.
describe('MockSecurityProvider', () => {
  it('types its scripts by SecurityProvider', () => {
    const typeChecks = (mock: MockSecurityProvider) => {
      // @ts-expect-error check() returns a decision, not a boolean
      mock.returnNext('check', true);
    };
    expect(typeChecks).toBeTypeOf('function');
  });

  it('fails a scripted authorize as an audit failure would, recording nothing, and records the call', async () => {
    const mock = new MockSecurityProvider({ policy: samplePolicy() });
    const failure = new StorageFailureError('scripted disk full');
    mock.failNext('authorize', failure);
    await expect(mock.authorize(sampleRequest())).rejects.toBe(failure);
    expect(await mock.auditLog()).toEqual([]);
    expect(mock.callsOf('authorize')).toStrictEqual([
      { method: 'authorize', args: [sampleRequest()], error: failure },
    ]);
  });

  it('scripts a denial for a runtime to handle', async () => {
    const mock = new MockSecurityProvider({ policy: samplePolicy() });
    const denied = new CapabilityDeniedError('scripted denial', { details: { kind: 'security' } });
    mock.failOn('authorize', 2, denied);
    await mock.authorize(sampleRequest(1));
    await expect(mock.authorize(sampleRequest(2))).rejects.toBe(denied);
  });
});
