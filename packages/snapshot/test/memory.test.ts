import { assertSameValue } from '@omega/core/testing';
import { describe, expect, it } from 'vitest';
import { describeSnapshotProvider } from '../src/conformance.js';
import { sampleSnapshot } from '../src/conformance-fixtures.js';
import { MemorySnapshotProvider } from '../src/memory.js';

describeSnapshotProvider('memory', async () => ({ provider: new MemorySnapshotProvider() }));

describe('MemorySnapshotProvider', () => {
  it('keeps the snapshots of two providers apart', async () => {
    const one = new MemorySnapshotProvider();
    const two = new MemorySnapshotProvider();
    await one.save('s', sampleSnapshot(1));
    expect(await two.load('s')).toBeNull();
    await two.save('s', sampleSnapshot(2));
    assertSameValue(await one.load('s'), sampleSnapshot(1));
  });
});
