import { ConflictError, isOmegaError } from '@omega/core';
import { MockFailureError } from '@omega/core/testing';
import { describe, expect, it } from 'vitest';
import { describeStateProvider } from '../src/conformance.js';
import { MockStateProvider } from '../src/mock.js';

describeStateProvider('mock', async () => ({ provider: new MockStateProvider() }));

describe('MockStateProvider', () => {
  it('records every call in order with its arguments and result', async () => {
    const mock = new MockStateProvider();
    const state = mock.createState();
    await mock.saveState('run', state);
    const loaded = await mock.loadState('run');
    const clone = mock.cloneState(state);
    expect(await mock.listStates()).toStrictEqual(['run']);
    await mock.deleteState('run');
    expect(mock.calls.map((call) => call.method)).toStrictEqual([
      'createState',
      'saveState',
      'loadState',
      'cloneState',
      'listStates',
      'deleteState',
    ]);
    expect(mock.calls[3]?.args).toStrictEqual([state]);
    expect(mock.calls[3]?.result).toStrictEqual(clone);
    expect(mock.calls[5]?.args).toStrictEqual(['run']);
    expect(mock.calls[0]?.result).toStrictEqual(state);
    expect(mock.calls[1]?.args).toStrictEqual(['run', state]);
    expect(mock.calls[4]?.args).toStrictEqual([]);
    expect(mock.calls[2]?.args).toStrictEqual(['run']);
    expect(mock.calls[2]?.result).toStrictEqual(loaded);
    expect(mock.callsOf('listStates')).toHaveLength(1);
  });

  it('records copies: changing a state after the call does not change what was recorded', async () => {
    const mock = new MockStateProvider();
    const state = mock.createState();
    const before = structuredClone(state);
    await mock.saveState('run', state);
    const loaded = await mock.loadState('run');
    state.env.changed = 'yes';
    loaded!.env.changed = 'too';
    expect(mock.calls[0]?.result).not.toBe(state);
    expect(mock.calls[1]?.args[1]).not.toBe(state);
    expect(mock.calls[0]?.result).toStrictEqual(before);
    expect(mock.calls[1]?.args).toStrictEqual(['run', before]);
    expect(mock.calls[2]?.result).toStrictEqual(before);
  });

  it('records the error of a call that failed', async () => {
    const mock = new MockStateProvider();
    await expect(mock.deleteState('ghost')).rejects.toSatisfy((error) => isOmegaError(error, 'NOT_FOUND'));
    const [call] = mock.callsOf('deleteState');
    expect(isOmegaError(call?.error, 'NOT_FOUND')).toBe(true);
    expect(call && 'result' in call).toBe(false);
  });

  it('failNext fails the next call of that method only, storing nothing', async () => {
    const mock = new MockStateProvider();
    mock.failNext('saveState');
    await expect(mock.saveState('run', mock.createState())).rejects.toBeInstanceOf(MockFailureError);
    expect(await mock.loadState('run')).toBeNull();
    await mock.saveState('run', mock.createState());
    expect(await mock.listStates()).toStrictEqual(['run']);
  });

  it('failNext rejects with the given error', async () => {
    const mock = new MockStateProvider();
    const conflict = new ConflictError('scripted', { details: { kind: 'state', name: 'run' } });
    mock.failNext('loadState', conflict);
    await expect(mock.loadState('run')).rejects.toBe(conflict);
    expect(mock.callsOf('loadState')[0]?.error).toBe(conflict);
  });

  it('a scripted failure of an async method rejects instead of throwing', () => {
    const mock = new MockStateProvider();
    mock.failNext('listStates');
    const pending = mock.listStates();
    expect(pending).toBeInstanceOf(Promise);
    return expect(pending).rejects.toBeInstanceOf(MockFailureError);
  });

  it('a scripted failure of a sync method throws', () => {
    const mock = new MockStateProvider();
    const state = mock.createState();
    mock.failNext('cloneState');
    expect(() => mock.cloneState(state)).toThrow(MockFailureError);
    expect(mock.cloneState(state)).toStrictEqual(state);
    mock.failNext('createState');
    expect(() => mock.createState()).toThrow(MockFailureError);
    expect(mock.createState()).toStrictEqual(state);
  });

  it('failOn fails exactly the nth call', async () => {
    const mock = new MockStateProvider();
    await mock.saveState('run', mock.createState());
    mock.failOn('loadState', 2);
    expect(await mock.loadState('run')).not.toBeNull();
    await expect(mock.loadState('run')).rejects.toBeInstanceOf(MockFailureError);
    expect(await mock.loadState('run')).not.toBeNull();
  });

  it('returnNext returns the canned result without touching the data', async () => {
    const mock = new MockStateProvider();
    const canned = { ...mock.createState(), step: 99 };
    mock.returnNext('loadState', canned).returnNext('saveState', undefined);
    expect(await mock.loadState('absent')).toBe(canned);
    await mock.saveState('skipped', mock.createState());
    expect(await mock.loadState('absent')).toBeNull();
    expect(await mock.listStates()).toStrictEqual([]);
  });

  it('takes latencyMs from its options (the generated mock applies it; tested in @omega/core)', () => {
    expect(new MockStateProvider({ latencyMs: 50 }).latencyMs).toBe(50);
  });

  it('reset forgets calls and scripts but keeps the data', async () => {
    const mock = new MockStateProvider();
    await mock.saveState('run', mock.createState());
    mock.failNext('loadState');
    mock.reset();
    expect(mock.calls).toStrictEqual([]);
    expect(await mock.loadState('run')).not.toBeNull();
  });

  it('records close, after which calls fail with ClosedError', async () => {
    const mock = new MockStateProvider();
    await mock.close();
    await expect(mock.listStates()).rejects.toSatisfy((error) => isOmegaError(error, 'CLOSED'));
    expect(mock.calls.map((call) => call.method)).toStrictEqual(['close', 'listStates']);
  });

  it('refuses an unknown method (at compile time, and at run time) or a wrong canned result', () => {
    const mock = new MockStateProvider();
    // @ts-expect-error: there is no method loadStat
    expect(() => mock.failNext('loadStat')).toThrow(/no method "loadStat"/);
    // @ts-expect-error: listStates resolves to string[]
    mock.returnNext('listStates', 42);
    mock.reset();
    expect(mock.calls).toStrictEqual([]);
  });
});
