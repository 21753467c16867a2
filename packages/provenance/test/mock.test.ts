import { StorageFailureError } from '@omega/core';
import { describe, expect, it } from 'vitest';
import { describeProvenanceProvider } from '../src/conformance.js';
import { sampleInput } from '../src/methods.js';
import { MockProvenanceProvider } from '../src/mock.js';

describeProvenanceProvider('mock', async () => ({ provider: new MockProvenanceProvider() }));

// How scripts and records behave is @omega/core's mockProvider, tested there; here, that this mock is
// typed by ProvenanceProvider and scripts one of its calls.
describe('MockProvenanceProvider', () => {
  it('types its scripts by ProvenanceProvider', () => {
    const typeChecks = (mock: MockProvenanceProvider) => {
      // @ts-expect-error count() resolves to a number, not a string
      mock.returnNext('count', 'one');
    };
    expect(typeChecks).toBeTypeOf('function');
  });

  it('fails a scripted record with the given error, storing nothing, and records the call', async () => {
    const mock = new MockProvenanceProvider();
    const failure = new StorageFailureError('scripted disk failure');
    mock.failNext('record', failure);
    await expect(mock.record(sampleInput(1))).rejects.toBe(failure);
    expect(await mock.count()).toBe(0);
    expect(mock.callsOf('record')).toStrictEqual([
      { method: 'record', args: [sampleInput(1)], error: failure },
    ]);
    await mock.close();
  });
});
