import { symlink, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { testWithTempDir } from '@omega/test-kit';
import { describe, expect } from 'vitest';
import { isReplacedSymlinkError, isTombstoneError, tombstoneTarget } from '../src/fs/document-base.js';
import { symlinkError } from '../src/fs/read.js';

const test = testWithTempDir('omega-fs-document-base-');

// A read that met a symlink asks, once the open failed, what is at the path now: the answer decides
// between "removed" (a tombstone), "read again" (the entry changed meanwhile) and the refusal.
describe('a symlink met by a document read', () => {
  test('is read again once a tombstone was replaced by a document, or is gone', async ({ dir }) => {
    const file = join(dir, 'doc.jsonl');
    const refused = symlinkError(file);
    await writeFile(file, 'a document written since');
    expect(isTombstoneError(refused, file)).toBe(false);
    expect(isReplacedSymlinkError(refused, file)).toBe(true);
    await unlink(file);
    expect(isReplacedSymlinkError(refused, file)).toBe(true);
  });

  test('is a removal when it is a tombstone, and refused when it is a planted link', async ({ dir }) => {
    const file = join(dir, 'doc.jsonl');
    await symlink(tombstoneTarget('AAAAAAAAAAAAAAAA'), file);
    expect(isTombstoneError(symlinkError(file), file)).toBe(true);
    await unlink(file);
    await symlink(join(dir, 'elsewhere'), file);
    expect(isTombstoneError(symlinkError(file), file)).toBe(false);
    expect(isReplacedSymlinkError(symlinkError(file), file)).toBe(false);
    expect(isReplacedSymlinkError(new Error('another failure'), file)).toBe(false);
  });
});
