import { describeOptionChecks } from '@omega/core/testing';
import * as vitest from 'vitest';
import { FilesystemLogicProvider } from '../src/filesystem.js';
import { MemoryLogicProvider } from '../src/memory.js';
import { MockLogicProvider } from '../src/mock.js';

// The option checks every family shares. TODO(seed): options of the family's own (none yet) get tests of
// their own beside this call.
describeOptionChecks(vitest, {
  kind: 'logic',
  clock: true,
  filesystem: (options) => new FilesystemLogicProvider(options),
  memory: (options) => new MemoryLogicProvider(options),
  mock: (options) => new MockLogicProvider(options),
});
