import { resolve } from 'node:path';
import {
  assertOptionsRefused,
  BAD_CLOCK_OPTIONS,
  BAD_FILESYSTEM_OPTIONS,
  BAD_MOCK_OPTIONS,
} from '@omega/core/testing';
import { describe, expect, it } from 'vitest';
import { FilesystemStateProvider } from '../src/filesystem.js';
import { MemoryStateProvider } from '../src/memory.js';
import { MockStateProvider } from '../src/mock.js';

// Never used: every constructor below must fail before touching the disk.
const ROOT = '/nonexistent/omega-options-test';

describe('state provider constructors refuse bad options, naming the option', () => {
  it('FilesystemStateProvider', () => {
    assertOptionsRefused(
      (options) => new FilesystemStateProvider({ root: ROOT, ...options }),
      [...BAD_CLOCK_OPTIONS, ...BAD_FILESYSTEM_OPTIONS],
    );
  });

  it('MemoryStateProvider', () => {
    assertOptionsRefused((options) => new MemoryStateProvider(options), BAD_CLOCK_OPTIONS);
  });

  it('MockStateProvider', () => {
    assertOptionsRefused(
      (options) => new MockStateProvider(options),
      [...BAD_CLOCK_OPTIONS, ...BAD_MOCK_OPTIONS],
    );
  });

  it('resolves a relative root at construction', () => {
    expect(new FilesystemStateProvider({ root: 'relative/store' }).root).toBe(resolve('relative/store'));
  });
});
