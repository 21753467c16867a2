import { resolve } from 'node:path';
import {
  assertOptionsRefused,
  BAD_CLOCK_OPTIONS,
  BAD_FILESYSTEM_OPTIONS,
  BAD_MOCK_OPTIONS,
} from '@omega/core/testing';
import { describe, expect, it } from 'vitest';
import { FilesystemSessionProvider } from '../src/filesystem.js';
import { MemorySessionProvider } from '../src/memory.js';
import { MockSessionProvider } from '../src/mock.js';

// Never used: every constructor below must fail before touching the disk.
const ROOT = '/nonexistent/omega-options-test';

describe('session provider constructors refuse bad options, naming the option', () => {
  it('FilesystemSessionProvider', () => {
    assertOptionsRefused(
      (options) => new FilesystemSessionProvider({ root: ROOT, ...options }),
      [...BAD_CLOCK_OPTIONS, ...BAD_FILESYSTEM_OPTIONS],
    );
  });

  it('MemorySessionProvider', () => {
    assertOptionsRefused((options) => new MemorySessionProvider(options), BAD_CLOCK_OPTIONS);
  });

  it('MockSessionProvider', () => {
    assertOptionsRefused(
      (options) => new MockSessionProvider(options),
      [...BAD_CLOCK_OPTIONS, ...BAD_MOCK_OPTIONS],
    );
  });

  it('resolves a relative root at construction', () => {
    expect(new FilesystemSessionProvider({ root: 'relative/store' }).root).toBe(resolve('relative/store'));
  });
});
