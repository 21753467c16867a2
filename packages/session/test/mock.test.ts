import { ConflictError, isOmegaError } from '@omega/core';
import { MockFailureError } from '@omega/core/testing';
import { describe, expect, it } from 'vitest';
import { describeSessionProvider } from '../src/conformance.js';
import { MockSessionProvider } from '../src/mock.js';
import { fakeClock, session } from './helpers.js';

describeSessionProvider('mock', async () => ({ provider: new MockSessionProvider() }));

describe('MockSessionProvider', () => {
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

  it('takes latencyMs from its options (the generated mock applies it; tested in @omega/core)', () => {
    expect(new MockSessionProvider({ latencyMs: 50 }).latencyMs).toBe(50);
  });

  it('records close, and the ClosedError of calls after it', async () => {
    const mock = new MockSessionProvider();
    await mock.close();
    await mock.list().catch(() => undefined);
    expect(mock.calls.map((call) => call.method)).toStrictEqual(['close', 'list']);
    expect(isOmegaError(mock.calls[1]?.error, 'CLOSED')).toBe(true);
  });

  it('refuses method names it does not have: at compile time, and at run time from untyped code', () => {
    const mock = new MockSessionProvider();
    // @ts-expect-error 'laod' is not a method of SessionProvider
    expect(() => mock.failNext('laod')).toThrow(/no method "laod"/);
    // @ts-expect-error 'lst' is not a method of SessionProvider
    expect(() => mock.failOn('lst', 1)).toThrow(/no method "lst"/);
    // @ts-expect-error exists() resolves to a boolean, not a string
    mock.returnNext('exists', 'yes');
    expect(mock.calls).toStrictEqual([]);
  });

  it('records the arguments exactly as passed: a left-out option is not recorded, an explicit undefined is', async () => {
    const mock = new MockSessionProvider();
    await mock.save('s', session('s'));
    await mock.save('s', session('s'), undefined);
    await mock.delete('s');
    expect(mock.callsOf('save').map((call) => call.args.length)).toStrictEqual([2, 3]);
    expect(mock.callsOf('delete')[0]?.args).toStrictEqual(['s']);
  });

  it('names itself in the ClosedError of a call after close', async () => {
    const mock = new MockSessionProvider();
    await mock.close();
    const error = await mock.load('s').catch((caught: unknown) => caught);
    expect(isOmegaError(error, 'CLOSED')).toBe(true);
    expect((error as Error).message).toContain('MockSessionProvider.load()');
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
