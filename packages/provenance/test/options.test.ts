import { describeOptionChecks, thrownBy } from '@omega/core/testing';
import * as vitest from 'vitest';
import { describe, expect, it } from 'vitest';
import { FilesystemProvenanceProvider } from '../src/filesystem.js';
import { MemoryProvenanceProvider } from '../src/memory.js';
import { MockProvenanceProvider } from '../src/mock.js';

describeOptionChecks(vitest, {
  kind: 'provenance',
  clock: true,
  filesystem: (options) => new FilesystemProvenanceProvider(options),
  memory: (options) => new MemoryProvenanceProvider(options),
  mock: (options) => new MockProvenanceProvider(options),
});

describe('the snapshotEvery option', () => {
  it('refuses what is not a positive integer, naming the option', () => {
    for (const snapshotEvery of [0, -1, 1.5, Number.POSITIVE_INFINITY, '8', null]) {
      const error = thrownBy(
        () => new MemoryProvenanceProvider({ snapshotEvery: snapshotEvery as number }),
        'INVALID_ARGUMENT',
      );
      expect(error.details).toMatchObject({ option: 'snapshotEvery', provider: 'MemoryProvenanceProvider' });
    }
  });
});
