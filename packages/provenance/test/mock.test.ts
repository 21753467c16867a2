import { StorageFailureError } from '@omega/core';
import { describe, expect, it } from 'vitest';
import { describeProvenanceProvider } from '../src/conformance.js';
import { MockProvenanceProvider } from '../src/mock.js';
import { record } from './helpers.js';

describeProvenanceProvider('mock', async () => ({ provider: new MockProvenanceProvider() }));

// How scripts and records behave is @omega/core's mockProvider, tested there; here, that this mock is
// typed by ProvenanceProvider and scripts one of its calls. TODO(seed): keep both, over the seed's methods.
describe('MockProvenanceProvider', () => {
  it('types its scripts by ProvenanceProvider', () => {
    const typeChecks = (mock: MockProvenanceProvider) => {
      // @ts-expect-error list() resolves to names (strings), not numbers
      mock.returnNext('list', [1]);
    };
    expect(typeChecks).toBeTypeOf('function');
  });

  it('fails a scripted put with the given error, storing nothing, and records the call', async () => {
    const mock = new MockProvenanceProvider();
    const failure = new StorageFailureError('scripted disk failure');
    mock.failNext('put', failure);
    await expect(mock.put('r', record('r'))).rejects.toBe(failure);
    expect(await mock.get('r')).toBeNull();
    expect(mock.callsOf('put')).toStrictEqual([{ method: 'put', args: ['r', record('r')], error: failure }]);
  });
});
