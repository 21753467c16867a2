import { join } from 'node:path';
import { isOmegaError } from '@omega/core';
import { assertSameValue, MockFailureError, thrownBy } from '@omega/core/testing';
import { createTempDir, removeTempDir } from '@omega/test-kit';
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
    assertSameValue(mock.calls[1]?.result, snapshot);
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
    assertSameValue(await mock.load('s'), sampleSnapshot());
  });

  it('records the arguments exactly as passed: an omitted option is absent, an explicit undefined is kept', async () => {
    const dir = await createTempDir('omega-snapshot-mock-');
    try {
      const mock = new MockSnapshotProvider();
      const file = join(dir, 's.snapshot');
      await mock.save('s', sampleSnapshot());
      await mock.export('s', file);
      await mock.import(file);
      await mock.import(file, undefined);
      await mock.import(file, { overwrite: true });
      expect(mock.callsOf('export').map((call) => call.args)).toStrictEqual([['s', file]]);
      expect(mock.callsOf('import').map((call) => call.args)).toStrictEqual([
        [file],
        [file, undefined],
        [file, { overwrite: true }],
      ]);
      expect(mock.callsOf('import').map((call) => call.args.length)).toStrictEqual([1, 2, 2]);
    } finally {
      await removeTempDir(dir);
    }
  });

  it('types its script by the method table, and refuses an unknown method from untyped code', () => {
    const mock = new MockSnapshotProvider();
    // @ts-expect-error: SnapshotProvider has no method "lod"
    const typo = () => mock.failNext('lod');
    expect(thrownBy(typo, 'INVALID_ARGUMENT').details).toMatchObject({ method: 'lod' });
    // @ts-expect-error: list() resolves to SnapshotInfo[], not a string
    mock.returnNext('list', 'not a list');
    mock.returnNext('load', null).returnNext('import', { name: 's', snapshot: sampleSnapshot() });
    mock.failNext('import', new Error('scripted')).failOn('export', 1);
    mock.reset();
    expect(mock.calls).toStrictEqual([]);
  });

  it('fails the nth call of a method', async () => {
    const mock = new MockSnapshotProvider();
    await mock.save('s', sampleSnapshot());
    mock.failOn('load', 2);
    assertSameValue(await mock.load('s'), sampleSnapshot());
    await expect(mock.load('s')).rejects.toMatchObject({ method: 'load', callNumber: 2 });
    assertSameValue(await mock.load('s'), sampleSnapshot());
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
    assertSameValue(await mock.load('s'), sampleSnapshot());
  });

  it('records close, names itself in ClosedError, and forgets calls on reset but keeps data', async () => {
    const mock = new MockSnapshotProvider();
    await mock.save('s', sampleSnapshot());
    mock.reset();
    expect(mock.calls).toEqual([]);
    assertSameValue(await mock.load('s'), sampleSnapshot());
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
