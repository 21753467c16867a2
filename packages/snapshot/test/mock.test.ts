import { describe, expect, it } from 'vitest';
import { describeSnapshotProvider } from '../src/conformance.js';
import { sampleSnapshot } from '../src/conformance-fixtures.js';
import { MockSnapshotProvider } from '../src/mock.js';

describeSnapshotProvider('mock', async () => ({ provider: new MockSnapshotProvider() }));

// How scripts and records behave is @omega/core's mockProvider, tested there; here, that this mock is
// typed by SnapshotProvider and scripts one of its calls.
describe('MockSnapshotProvider', () => {
  it('types its scripts by SnapshotProvider', () => {
    const typeChecks = (mock: MockSnapshotProvider) => {
      // @ts-expect-error: SnapshotProvider has no method "lod"
      mock.failNext('lod');
      // @ts-expect-error: list() resolves to SnapshotInfo[], not a string
      mock.returnNext('list', 'not a list');
    };
    expect(typeChecks).toBeTypeOf('function');
  });

  it('fails the nth import as scripted, leaving the store as it was', async () => {
    const mock = new MockSnapshotProvider();
    mock.failOn('import', 1);
    await expect(mock.import('/nonexistent/never-read.snapshot')).rejects.toMatchObject({
      method: 'import',
      callNumber: 1,
    });
    await mock.save('s', sampleSnapshot());
    expect((await mock.list()).map((info) => info.name)).toStrictEqual(['s']);
  });
});
