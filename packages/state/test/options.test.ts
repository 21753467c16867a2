import { describeOptionChecks } from '@omega/core/testing';
import * as vitest from 'vitest';
import { FilesystemStateProvider } from '../src/filesystem.js';
import { MemoryStateProvider } from '../src/memory.js';
import { MockStateProvider } from '../src/mock.js';

describeOptionChecks(vitest, {
  kind: 'state',
  clock: true,
  filesystem: (options) => new FilesystemStateProvider(options),
  memory: (options) => new MemoryStateProvider(options),
  mock: (options) => new MockStateProvider(options),
});
