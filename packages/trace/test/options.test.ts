import { describeOptionChecks } from '@omega/core/testing';
import * as vitest from 'vitest';
import { FilesystemTraceProvider } from '../src/filesystem.js';
import { MemoryTraceProvider } from '../src/memory.js';
import { MockTraceProvider } from '../src/mock.js';

// The option checks every family shares. TODO(seed): options of the family's own (none yet) get tests of
// their own beside this call.
describeOptionChecks(vitest, {
  kind: 'trace',
  clock: true,
  filesystem: (options) => new FilesystemTraceProvider(options),
  memory: (options) => new MemoryTraceProvider(options),
  mock: (options) => new MockTraceProvider(options),
});
