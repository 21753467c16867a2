import { StorageFailureError } from '@omega/core';
import { describe, expect, it } from 'vitest';
import { describeTraceProvider } from '../src/conformance.js';
import { MockTraceProvider } from '../src/mock.js';
import { queryAll } from './helpers.js';

describeTraceProvider('mock', async () => ({ provider: new MockTraceProvider() }));

// How scripts and records behave is @omega/core's mockProvider, tested there; here, that this mock is
// typed by TraceProvider and scripts one of its calls.
describe('MockTraceProvider', () => {
  it('types its scripts by TraceProvider', () => {
    const typeChecks = (mock: MockTraceProvider) => {
      // @ts-expect-error stats() returns counters, not a number
      mock.returnNext('stats', 1);
    };
    expect(typeChecks).toBeTypeOf('function');
  });

  it('fails a scripted flush with the given error and records the calls', async () => {
    const mock = new MockTraceProvider();
    const failure = new StorageFailureError('scripted disk failure');
    mock.failNext('flush', failure);
    mock.record({ runId: 'r', kind: 'k', at: 1 });
    await expect(mock.flush()).rejects.toBe(failure);
    expect((await queryAll(mock)).map((event) => event.kind)).toStrictEqual(['k']);
    expect(mock.callsOf('flush')).toStrictEqual([{ method: 'flush', args: [], error: failure }]);
    expect(mock.callsOf('record')[0]?.args).toStrictEqual([{ runId: 'r', kind: 'k', at: 1 }]);
    await mock.close();
  });
});
