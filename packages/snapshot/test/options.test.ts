import { assertOptionsRefused, describeOptionChecks } from '@omega/core/testing';
import * as vitest from 'vitest';
import { describe, it } from 'vitest';
import { FilesystemSnapshotProvider } from '../src/filesystem.js';
import { MemorySnapshotProvider } from '../src/memory.js';
import { MockSnapshotProvider } from '../src/mock.js';

describeOptionChecks(vitest, {
  kind: 'snapshot',
  clock: false,
  filesystem: (options) => new FilesystemSnapshotProvider(options),
  mock: (options) => new MockSnapshotProvider(options),
});

describe('durable, the option of export files, is a boolean on every backend', () => {
  it('memory and mock refuse anything else', () => {
    const bad: Array<[string, unknown]> = [
      ['durable', 'yes'],
      ['durable', 0],
    ];
    assertOptionsRefused((options) => new MemorySnapshotProvider(options), bad);
    assertOptionsRefused((options) => new MockSnapshotProvider(options), bad);
  });
});
