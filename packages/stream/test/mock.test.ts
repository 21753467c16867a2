import { StorageFailureError } from '@omega/core';
import { describe, expect, it } from 'vitest';
import { collectChunks, describeStreamProvider } from '../src/conformance.js';
import { MockStreamProvider } from '../src/mock.js';

describeStreamProvider('mock', async () => ({ provider: new MockStreamProvider() }));

// How scripts and records behave is @omega/core's mockProvider, tested there; here, that this mock is
// typed by StreamProvider and scripts its calls.
describe('MockStreamProvider', () => {
  it('types its scripts by StreamProvider', () => {
    const typeChecks = (mock: MockStreamProvider) => {
      // @ts-expect-error append() resolves to an index (a number), not a string
      mock.returnNext('append', 'zero');
    };
    expect(typeChecks).toBeTypeOf('function');
  });

  it('fails a scripted append with the given error, storing nothing, and records the call', async () => {
    const mock = new MockStreamProvider();
    await mock.create('s');
    const failure = new StorageFailureError('scripted disk failure');
    mock.failNext('append', failure);
    await expect(mock.append('s', 'token')).rejects.toBe(failure);
    expect(await mock.info('s')).toMatchObject({ chunks: 0 });
    expect(mock.callsOf('append')).toStrictEqual([
      { method: 'append', args: ['s', 'token'], error: failure },
    ]);
  });

  it('plays back scripted chunks to a reader, as a runtime test would', async () => {
    const mock = new MockStreamProvider();
    mock.returnNext('read', [{ index: 0, chunk: 'Hello' }]);
    expect(await collectChunks(mock, 'any')).toEqual([{ index: 0, chunk: 'Hello' }]);
  });
});
