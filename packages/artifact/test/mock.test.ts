import { StorageFailureError } from '@omega/core';
import { describe, expect, it } from 'vitest';
import { describeArtifactProvider } from '../src/conformance.js';
import { MockArtifactProvider } from '../src/mock.js';
import { key } from './helpers.js';

describeArtifactProvider('mock', async () => ({ provider: new MockArtifactProvider() }));

// How scripts and records behave is @omega/core's mockProvider, tested there; here, that this mock is
// typed by ArtifactProvider and scripts one of its calls.
describe('MockArtifactProvider', () => {
  it('types its scripts by ArtifactProvider', () => {
    const typeChecks = (mock: MockArtifactProvider) => {
      // @ts-expect-error signature() returns a string, not a number
      mock.returnNext('signature', 1);
    };
    expect(typeChecks).toBeTypeOf('function');
  });

  it('fails a scripted put with the given error, storing nothing, and records the call', async () => {
    const mock = new MockArtifactProvider();
    const failure = new StorageFailureError('scripted disk failure');
    mock.failNext('put', failure);
    expect(() => mock.put(key('e'), 1, {})).toThrow(failure);
    expect(mock.get(key('e'))).toBeUndefined();
    expect(mock.callsOf('put')).toStrictEqual([{ method: 'put', args: [key('e'), 1, {}], error: failure }]);
    await mock.close();
  });
});
