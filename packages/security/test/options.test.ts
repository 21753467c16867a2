import { describeOptionChecks } from '@omega/core/testing';
import * as vitest from 'vitest';
import { FilesystemSecurityProvider } from '../src/filesystem.js';
import { MemorySecurityProvider } from '../src/memory.js';
import { MockSecurityProvider } from '../src/mock.js';

// The option checks every family shares. TODO(seed): options of the family's own (none yet) get tests of
// their own beside this call.
describeOptionChecks(vitest, {
  kind: 'security',
  clock: true,
  filesystem: (options) => new FilesystemSecurityProvider(options),
  memory: (options) => new MemorySecurityProvider(options),
  mock: (options) => new MockSecurityProvider(options),
});
