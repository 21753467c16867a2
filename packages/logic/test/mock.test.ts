import { StorageFailureError } from '@omega/core';
import { describe, expect, it } from 'vitest';
import { describeLogicProvider } from '../src/conformance.js';
import { MockLogicProvider } from '../src/mock.js';

describeLogicProvider('mock', async () => ({ provider: new MockLogicProvider() }));

// How scripts and records behave is @omega/core's mockProvider, tested there; here, that this mock is
// typed by LogicProvider and scripts one of its calls.
describe('MockLogicProvider', () => {
  it('types its scripts by LogicProvider', () => {
    const typeChecks = (mock: MockLogicProvider) => {
      // @ts-expect-error query() returns bindings of strings, not numbers
      mock.returnNext('query', [{ who: 1 }]);
    };
    expect(typeChecks).toBeTypeOf('function');
  });

  it('fails a scripted assertFact with the given error, storing nothing, and records the call', () => {
    const mock = new MockLogicProvider();
    const failure = new StorageFailureError('scripted disk failure');
    mock.failNext('assertFact', failure);
    expect(() => mock.assertFact('(parent alice bob)')).toThrow(failure);
    expect(mock.count()).toBe(0);
    expect(mock.callsOf('assertFact')).toStrictEqual([
      { method: 'assertFact', args: ['(parent alice bob)'], error: failure },
    ]);
  });

  it('returns a canned query answer, then answers from its facts', () => {
    const mock = new MockLogicProvider();
    mock.assertFact('(parent alice bob)');
    mock.returnNext('query', [{ who: 'carol' }]);
    expect(mock.query('(parent alice ?who)')).toStrictEqual([{ who: 'carol' }]);
    expect(mock.query('(parent alice ?who)')).toStrictEqual([{ who: 'bob' }]);
  });
});
