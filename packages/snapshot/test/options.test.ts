import { resolve } from 'node:path';
import { assertOptionsRefused, BAD_FILESYSTEM_OPTIONS, BAD_MOCK_OPTIONS } from '@omega/core/testing';
import { describe, expect, it } from 'vitest';
import { FilesystemSnapshotProvider } from '../src/filesystem.js';
import { MockSnapshotProvider } from '../src/mock.js';

// Never used: every constructor below must fail before touching the disk.
const ROOT = '/nonexistent/omega-options-test';

describe('snapshot provider constructors refuse bad options, naming the option', () => {
  it('FilesystemSnapshotProvider', () => {
    assertOptionsRefused(
      (options) => new FilesystemSnapshotProvider({ root: ROOT, ...options }),
      BAD_FILESYSTEM_OPTIONS,
    );
  });

  it('MockSnapshotProvider', () => {
    assertOptionsRefused((options) => new MockSnapshotProvider(options), BAD_MOCK_OPTIONS);
  });

  it('resolves a relative root at construction', () => {
    expect(new FilesystemSnapshotProvider({ root: 'relative/store' }).root).toBe(resolve('relative/store'));
  });
});
