import { describeOptionChecks } from '@omega/core/testing';
import * as vitest from 'vitest';
import { FilesystemSessionProvider } from '../src/filesystem.js';
import { MemorySessionProvider } from '../src/memory.js';
import { MockSessionProvider } from '../src/mock.js';

describeOptionChecks(vitest, {
  kind: 'session',
  clock: true,
  filesystem: (options) => new FilesystemSessionProvider(options),
  memory: (options) => new MemorySessionProvider(options),
  mock: (options) => new MockSessionProvider(options),
});
