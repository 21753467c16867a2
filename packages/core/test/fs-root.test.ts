import { chmod, mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { testWithTempDir } from '@omega/test-kit';
import { describe, expect } from 'vitest';
import { entryFile, openStoreDir, refuseSymlink } from '../src/fs/root.js';
import { INVALID_NAMES, rejectionOf, thrownBy, VALID_EDGE_NAMES } from '../src/testing.js';
import { modeOf } from './helpers.js';

const test = testWithTempDir('omega-fs-root-');

describe('openStoreDir', () => {
  test('creates the root, its missing parents and the folder as 0700 whatever the umask', async ({ dir }) => {
    const root = join(dir, 'a', 'b', '.omega');
    const previous = process.umask(0o277);
    let folder: string;
    try {
      folder = await openStoreDir(root, 'sessions');
    } finally {
      process.umask(previous);
    }
    expect(folder).toBe(join(root, 'sessions'));
    for (const path of [join(dir, 'a'), join(dir, 'a', 'b'), root, folder])
      expect(await modeOf(path)).toBe(0o700);
  });

  test('leaves the mode of directories that already existed', async ({ dir }) => {
    const root = join(dir, 'root');
    await mkdir(root);
    await chmod(root, 0o755);
    await openStoreDir(root, 'state');
    await openStoreDir(root, 'state');
    expect(await modeOf(root)).toBe(0o755);
    expect(await modeOf(join(root, 'state'))).toBe(0o700);
  });

  test('resolves a root reached through a symlink to its real path', async ({ dir }) => {
    const real = join(dir, 'real');
    await mkdir(real);
    await symlink(real, join(dir, 'alias'));
    expect(await openStoreDir(join(dir, 'alias'), 'sessions')).toBe(join(real, 'sessions'));
  });

  test('refuses a folder that is a symlink, even to a directory', async ({ dir }) => {
    const outside = join(dir, 'outside');
    await mkdir(outside);
    await mkdir(join(dir, 'root'));
    await symlink(outside, join(dir, 'root', 'sessions'));
    const error = await rejectionOf(openStoreDir(join(dir, 'root'), 'sessions'), 'CORRUPT_DATA');
    expect(error.details).toMatchObject({
      file: join(dir, 'root', 'sessions'),
      reason: 'symlink',
    });
  });

  test('refuses a folder that is a file', async ({ dir }) => {
    await writeFile(join(dir, 'sessions'), '');
    const error = await rejectionOf(openStoreDir(dir, 'sessions'), 'CORRUPT_DATA');
    expect(error.details).toMatchObject({ file: join(dir, 'sessions') });
  });

  test('rejects folders breaking the name rule and empty roots, creating nothing', async ({ dir }) => {
    const root = join(dir, 'root');
    for (const folder of INVALID_NAMES) {
      await rejectionOf(openStoreDir(root, folder as string), 'INVALID_NAME');
    }
    await rejectionOf(openStoreDir('', 'sessions'), 'INVALID_ARGUMENT');
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('entryFile', () => {
  test('joins valid names with the extension, with or without its dot', () => {
    for (const name of VALID_EDGE_NAMES) {
      expect(entryFile('/store/s', 'session', name, '.jsonl')).toBe(`/store/s/${name}.jsonl`);
      expect(entryFile('/store/s', 'session', name, 'jsonl')).toBe(`/store/s/${name}.jsonl`);
    }
  });

  test('rejects every invalid name with an InvalidNameError naming the kind', () => {
    for (const name of INVALID_NAMES) {
      const error = thrownBy(
        () => entryFile('/store/s', 'snapshot', name as string, '.jsonl'),
        'INVALID_NAME',
      );
      expect(error.details).toMatchObject({ kind: 'snapshot' });
    }
  });

  test('rejects an extension that could change the directory', () => {
    for (const extension of ['', '.', '/x', '../x', '.a/b', 'a.b']) {
      thrownBy(() => entryFile('/store/s', 'session', 'ok', extension), 'INVALID_ARGUMENT');
    }
  });
});

describe('refuseSymlink', () => {
  test('passes a file or a missing path, rejects a symlink naming it', async ({ dir }) => {
    const file = join(dir, 'file');
    await writeFile(file, '');
    await refuseSymlink(file);
    await refuseSymlink(join(dir, 'missing'));
    await symlink(file, join(dir, 'link'));
    const error = await rejectionOf(refuseSymlink(join(dir, 'link')), 'CORRUPT_DATA');
    expect(error.details).toEqual({ file: join(dir, 'link'), reason: 'symlink' });
  });
});
