import { describeOptionChecks } from '@omega/core/testing';
import * as vitest from 'vitest';
import { FilesystemProvenanceProvider } from '../src/filesystem.js';
import { MemoryProvenanceProvider } from '../src/memory.js';
import { MockProvenanceProvider } from '../src/mock.js';

// The option checks every family shares. TODO(seed): options of the family's own (none yet) get tests of
// their own beside this call.
describeOptionChecks(vitest, {
  kind: 'provenance',
  clock: true,
  filesystem: (options) => new FilesystemProvenanceProvider(options),
  memory: (options) => new MemoryProvenanceProvider(options),
  mock: (options) => new MockProvenanceProvider(options),
});
