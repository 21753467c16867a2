import { isOmegaError, MockFailureError } from '@omega/core';
import { describe, expect, it } from 'vitest';
import { describeSnapshotProvider } from '../src/conformance.js';
import { sampleSnapshot } from '../src/conformance-fixtures.js';
import { MockSnapshotProvider } from '../src/mock.js';

describeSnapshotProvider('mock', async () => ({ provider: new MockSnapshotProvider() }));

describe('MockSnapshotProvider', () => {
  it('records every call with its arguments and its result or error, in order', async () => {
    const mock = new MockSnapshotProvider();
    const snapshot = sampleSnapshot();
    await mock.save('s', snapshot);
    await mock.load('s');
    await mock.load('../x').catch(() => undefined);
    await mock.info('missing');
    expect(mock.calls.map((call) => call.method)).toEqual(['save', 'load', 'load', 'info']);
    expect(mock.calls[0]).toEqual({ method: 'save', args: ['s', snapshot], result: undefined });
    expect(mock.calls[1]?.result).toEqual(snapshot);
    expect(isOmegaError(mock.calls[2]?.error, 'INVALID_NAME')).toBe(true);
    expect(mock.calls[3]).toEqual({ method: 'info', args: ['missing'], result: null });
    expect(mock.callsOf('load')).toHaveLength(2);
  });

  it('fails the next call of a method as scripted, without running it', async () => {
    const mock = new MockSnapshotProvider();
    const diskFull = new Error('disk full');
    mock.failNext('save', diskFull);
    await expect(mock.save('s', sampleSnapshot())).rejects.toBe(diskFull);
    expect(await mock.load('s')).toBeNull();
    mock.failNext('delete');
    await expect(mock.delete('s')).rejects.toBeInstanceOf(MockFailureError);
    await mock.save('s', sampleSnapshot());
    expect(await mock.load('s')).toEqual(sampleSnapshot());
  });

  it('fails the nth call of a method', async () => {
    const mock = new MockSnapshotProvider();
    await mock.save('s', sampleSnapshot());
    mock.failOn('load', 2);
    expect(await mock.load('s')).toEqual(sampleSnapshot());
    await expect(mock.load('s')).rejects.toMatchObject({ method: 'load', callNumber: 2 });
    expect(await mock.load('s')).toEqual(sampleSnapshot());
  });

  it('returns a canned result without touching the stored snapshots', async () => {
    const mock = new MockSnapshotProvider();
    const canned = [{ name: 'canned', createdAt: 1, size: 2, digest: 'f'.repeat(64) }];
    mock.returnNext('list', canned);
    expect(await mock.list()).toBe(canned);
    expect(await mock.list()).toEqual([]);
  });

  it('adds latency yet returns the same results', async () => {
    const mock = new MockSnapshotProvider({ latencyMs: 2 });
    expect(mock.latencyMs).toBe(2);
    await mock.save('s', sampleSnapshot());
    expect(await mock.load('s')).toEqual(sampleSnapshot());
  });

  it('records close, names itself in ClosedError, and forgets calls on reset but keeps data', async () => {
    const mock = new MockSnapshotProvider();
    await mock.save('s', sampleSnapshot());
    mock.reset();
    expect(mock.calls).toEqual([]);
    expect(await mock.load('s')).toEqual(sampleSnapshot());
    await mock.close();
    const error = await mock.list().catch((reason: unknown) => reason);
    expect(isOmegaError(error, 'CLOSED')).toBe(true);
    expect(isOmegaError(error) && error.details).toMatchObject({
      provider: 'MockSnapshotProvider',
      method: 'list',
    });
    expect(mock.calls.map((call) => call.method)).toEqual(['load', 'close', 'list']);
  });
});
