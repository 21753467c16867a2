import { StorageFailureError } from '@omega/core';
import { describe, expect, it } from 'vitest';
import { describeReceiptProvider } from '../src/conformance.js';
import { sampleInput } from '../src/methods.js';
import { MockReceiptProvider } from '../src/mock.js';

describeReceiptProvider('mock', async () => ({ provider: new MockReceiptProvider() }));

// How scripts and records behave is @omega/core's mockProvider, tested there; here, that this mock is
// typed by ReceiptProvider and scripts one of its calls.
describe('MockReceiptProvider', () => {
  it('types its scripts by ReceiptProvider', () => {
    const typeChecks = (mock: MockReceiptProvider) => {
      // @ts-expect-error count() resolves to a number, not a string
      mock.returnNext('count', 'one');
    };
    expect(typeChecks).toBeTypeOf('function');
  });

  it('fails a scripted append with the given error, storing nothing, and records the call', async () => {
    const mock = new MockReceiptProvider();
    const failure = new StorageFailureError('scripted disk failure');
    mock.failNext('append', failure);
    await expect(mock.append(sampleInput(1))).rejects.toBe(failure);
    expect(await mock.count()).toBe(0);
    expect(mock.callsOf('append')).toStrictEqual([
      { method: 'append', args: [sampleInput(1)], error: failure },
    ]);
  });
});
