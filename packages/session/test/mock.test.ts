import { ConflictError } from '@omega/core';
import { thrownBy } from '@omega/core/testing';
import { describe, expect, it } from 'vitest';
import { describeSessionProvider } from '../src/conformance.js';
import { MockSessionProvider } from '../src/mock.js';
import { session } from './helpers.js';

describeSessionProvider('mock', async () => ({ provider: new MockSessionProvider() }));

// How scripts and records behave is @omega/core's mockProvider, tested there; here, that this mock is
// typed by SessionProvider and scripts one of its calls.
describe('MockSessionProvider', () => {
  it('types its scripts by SessionProvider', () => {
    const typeChecks = (mock: MockSessionProvider) => {
      // @ts-expect-error 'laod' is not a method of SessionProvider
      mock.failNext('laod');
      // @ts-expect-error exists() resolves to a boolean, not a string
      mock.returnNext('exists', 'yes');
    };
    expect(typeChecks).toBeTypeOf('function');
  });

  it('names itself, not the memory provider keeping its data, when it refuses its clock', () => {
    const error = thrownBy(() => new MockSessionProvider({ now: 42 as never }), 'INVALID_ARGUMENT');
    expect(error.details).toMatchObject({ provider: 'MockSessionProvider', option: 'now' });
    expect(error.message).toContain('MockSessionProvider');
  });

  it('fails a scripted save with the given error, storing nothing, and records the call', async () => {
    const mock = new MockSessionProvider();
    const conflict = new ConflictError('scripted conflict');
    mock.failNext('save', conflict);
    await expect(mock.save('s', session('s'), { expectedVersion: 0 })).rejects.toBe(conflict);
    expect(await mock.exists('s')).toBe(false);
    expect(mock.callsOf('save')).toStrictEqual([
      { method: 'save', args: ['s', session('s'), { expectedVersion: 0 }], error: conflict },
    ]);
  });
});
