import { ConflictError, isOmegaError, MockFailureError } from '@omega/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeSessionProvider } from '../src/conformance.js';
import { MockSessionProvider } from '../src/mock.js';
import { fakeClock, session } from './helpers.js';

describeSessionProvider('mock', async () => ({ provider: new MockSessionProvider() }));

describe('MockSessionProvider', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('records every call in order with its arguments and result', async () => {
    const mock = new MockSessionProvider({ now: fakeClock(10, 1) });
    await mock.save('s', session('s'));
    await mock.save('s', session('s2'), { expectedVersion: 1 });
    await mock.exists('s');
    await mock.info('s');
    expect(mock.calls.map((call) => call.method)).toStrictEqual(['save', 'save', 'exists', 'info']);
    expect(mock.calls[0]?.args).toStrictEqual(['s', session('s')]);
    expect(mock.calls[1]?.args).toStrictEqual(['s', session('s2'), { expectedVersion: 1 }]);
    expect(mock.calls[2]?.result).toBe(true);
    expect(mock.calls[3]?.result).toMatchObject({ name: 's', version: 2, createdAt: 10, updatedAt: 11 });
  });

  it('records the error of a call that rejects', async () => {
    const mock = new MockSessionProvider();
    await mock.delete('missing').catch(() => undefined);
    const [call] = mock.callsOf('delete');
    expect(isOmegaError(call?.error, 'NOT_FOUND')).toBe(true);
    expect(call).not.toHaveProperty('result');
  });

  it('fails the next call of a method with the given error, storing nothing', async () => {
    const mock = new MockSessionProvider();
    const scripted = new ConflictError('scripted conflict');
    mock.failNext('save', scripted);
    await expect(mock.save('s', session('s'))).rejects.toBe(scripted);
    expect(await mock.exists('s')).toBe(false);
    await mock.save('s', session('s'));
    expect(await mock.exists('s')).toBe(true);
  });

  it('fails the nth call of a method with a MockFailureError by default', async () => {
    const mock = new MockSessionProvider();
    await mock.save('s', session('s'));
    mock.failOn('load', 2);
    expect(await mock.load('s')).toStrictEqual(session('s'));
    const error = await mock.load('s').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MockFailureError);
    expect(await mock.load('s')).toStrictEqual(session('s'));
  });

  it('returns a canned result without touching the stored sessions', async () => {
    const mock = new MockSessionProvider();
    mock.returnNext('load', session('canned'));
    mock.returnNext('exists', true);
    expect(await mock.load('nothing')).toStrictEqual(session('canned'));
    expect(await mock.exists('nothing')).toBe(true);
    expect(await mock.exists('nothing')).toBe(false);
    expect(await mock.list()).toStrictEqual([]);
  });

  it('delays completion by latencyMs', async () => {
    vi.useFakeTimers();
    const mock = new MockSessionProvider({ latencyMs: 50 });
    let settled = false;
    const pending = mock.exists('s').then((exists) => {
      settled = true;
      return exists;
    });
    await vi.advanceTimersByTimeAsync(49);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(settled).toBe(true);
    expect(await pending).toBe(false);
  });

  it('records close, and the ClosedError of calls after it', async () => {
    const mock = new MockSessionProvider();
    await mock.close();
    await mock.list().catch(() => undefined);
    expect(mock.calls.map((call) => call.method)).toStrictEqual(['close', 'list']);
    expect(isOmegaError(mock.calls[1]?.error, 'CLOSED')).toBe(true);
  });

  it('forgets calls and scripts on reset but keeps the sessions', async () => {
    const mock = new MockSessionProvider();
    await mock.save('s', session('s'));
    mock.failNext('load');
    mock.reset();
    expect(mock.calls).toStrictEqual([]);
    expect(await mock.load('s')).toStrictEqual(session('s'));
  });
});
