import { describeOptionChecks } from '@omega/core/testing';
import * as vitest from 'vitest';
import { FilesystemEffectsProvider } from '../src/filesystem.js';
import { MemoryEffectsProvider } from '../src/memory.js';
import { MockEffectsProvider } from '../src/mock.js';

// The option checks every family shares. TODO(seed): options of the family's own (none yet) get tests of
// their own beside this call.
describeOptionChecks(vitest, {
  kind: 'effects',
  clock: true,
  filesystem: (options) => new FilesystemEffectsProvider(options),
  memory: (options) => new MemoryEffectsProvider(options),
  mock: (options) => new MockEffectsProvider(options),
});
