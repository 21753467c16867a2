import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { thrownBy } from '@omega/core/testing';
import { tempDir, testWithTempDir } from '@omega/test-kit';
import { describe, expect } from 'vitest';
import { describeExpertProvider } from '../src/conformance.js';
import { FilesystemExpertProvider } from '../src/filesystem.js';
import { writeExpertFile } from './files.js';

// Over an empty directory, the registry is its code registrations: the suite's registrations are those.
describeExpertProvider('filesystem', async () => {
  const { dir, remove } = await tempDir('omega-expert-');
  return { provider: new FilesystemExpertProvider({ dir }), cleanup: remove };
});

const test = testWithTempDir('omega-expert-');
const names = (provider: FilesystemExpertProvider) => provider.list().map((expert) => expert.name);

describe('FilesystemExpertProvider: loading', () => {
  test('loads every *.md directly in the directory, and nothing else', async ({ dir }) => {
    await writeExpertFile(dir, 'a.md', ['description: A.']);
    await writeExpertFile(dir, 'b.md', ['name: bee', 'description: B.']);
    await writeExpertFile(dir, '.hidden.md', ['description: never read']);
    await writeFile(join(dir, 'notes.txt'), 'not an expert');
    await mkdir(join(dir, 'nested'));
    await writeExpertFile(join(dir, 'nested'), 'deep.md', [
      'description: not read: loading is not recursive',
    ]);
    await using provider = new FilesystemExpertProvider({ dir });
    expect(names(provider)).toStrictEqual(['a', 'bee']);
    expect(provider.get('bee')).toStrictEqual({
      name: 'bee',
      description: 'B.',
      instructions: 'Instructions.',
    });
  });

  test('takes an expert named in several directories from the earliest', async ({ dir }) => {
    const [first, second] = [join(dir, 'first'), join(dir, 'second')];
    await mkdir(first);
    await mkdir(second);
    await writeExpertFile(first, 'shared.md', ['description: from first']);
    await writeExpertFile(second, 'other.md', ['name: shared', 'description: from second']);
    await writeExpertFile(second, 'only.md', ['description: only in second']);
    await using provider = new FilesystemExpertProvider({ dir: [first, second] });
    expect(names(provider)).toStrictEqual(['only', 'shared']);
    expect(provider.get('shared')?.description).toBe('from first');
    expect(provider.dirs).toStrictEqual([first, second]);
  });

  test('refuses two files of one directory naming one expert, naming both', async ({ dir }) => {
    await writeExpertFile(dir, 'one.md', ['name: twin', 'description: first']);
    await writeExpertFile(dir, 'two.md', ['name: twin', 'description: second']);
    const error = thrownBy(() => new FilesystemExpertProvider({ dir }), 'ALREADY_EXISTS');
    expect(error.details).toMatchObject({
      name: 'twin',
      other: join(dir, 'one.md'),
      file: join(dir, 'two.md'),
    });
  });

  test('refuses a symlinked file, even to a file inside the directory', async ({ dir }) => {
    await writeExpertFile(dir, 'real.md', ['description: real']);
    await symlink(join(dir, 'real.md'), join(dir, 'link.md'));
    const error = thrownBy(() => new FilesystemExpertProvider({ dir }), 'CORRUPT_DATA');
    expect(error.details).toMatchObject({ file: join(dir, 'link.md'), reason: 'symlink' });
  });

  test('refuses a directory under an expert file’s name', async ({ dir }) => {
    await mkdir(join(dir, 'odd.md'));
    const error = thrownBy(() => new FilesystemExpertProvider({ dir }), 'CORRUPT_DATA');
    expect(error.details).toMatchObject({ file: join(dir, 'odd.md'), reason: 'not a regular file' });
  });

  test('follows a symlinked directory, and resolves a relative one at construction', async ({ dir }) => {
    await mkdir(join(dir, 'real'));
    await writeExpertFile(join(dir, 'real'), 'x.md', ['description: x']);
    await symlink(join(dir, 'real'), join(dir, 'link'));
    await using linked = new FilesystemExpertProvider({ dir: join(dir, 'link') });
    expect(names(linked)).toStrictEqual(['x']);
    const error = thrownBy(() => new FilesystemExpertProvider({ dir: 'relative/agents' }), 'NOT_FOUND');
    expect(error.details.file).toBe(resolve('relative/agents'));
  });

  test('refuses a missing directory (NotFoundError) and a file given as one (CorruptDataError)', async ({
    dir,
  }) => {
    expect(
      thrownBy(() => new FilesystemExpertProvider({ dir: join(dir, 'missing') }), 'NOT_FOUND').details.file,
    ).toBe(join(dir, 'missing'));
    await writeFile(join(dir, 'file'), '');
    thrownBy(() => new FilesystemExpertProvider({ dir: join(dir, 'file') }), 'CORRUPT_DATA');
  });
});

describe('FilesystemExpertProvider: reload', () => {
  test('picks up added, changed and removed files', async ({ dir }) => {
    await writeExpertFile(dir, 'kept.md', ['description: kept']);
    await writeExpertFile(dir, 'changed.md', ['description: before']);
    await writeExpertFile(dir, 'removed.md', ['description: removed']);
    await using provider = new FilesystemExpertProvider({ dir });
    await writeExpertFile(dir, 'changed.md', ['description: after']);
    await rm(join(dir, 'removed.md'));
    await writeExpertFile(dir, 'added.md', ['description: added']);
    provider.reload();
    expect(names(provider)).toStrictEqual(['added', 'changed', 'kept']);
    expect(provider.get('changed')?.description).toBe('after');
  });

  test('is all or nothing: a bad file leaves the experts loaded before', async ({ dir }) => {
    await writeExpertFile(dir, 'good.md', ['description: good']);
    await using provider = new FilesystemExpertProvider({ dir });
    await writeExpertFile(dir, 'new.md', ['description: new']);
    await writeExpertFile(dir, 'good.md', ['description: Broken: an unquoted colon']);
    const error = thrownBy(() => provider.reload(), 'CORRUPT_DATA');
    expect(error.details).toMatchObject({ file: join(dir, 'good.md'), line: 2 });
    expect(names(provider)).toStrictEqual(['good']);
    expect(provider.get('good')?.description).toBe('good');
  });

  test('keeps registrations by code over files, and brings back an unregistered file’s expert', async ({
    dir,
  }) => {
    await writeExpertFile(dir, 'filed.md', ['description: from the file']);
    await using provider = new FilesystemExpertProvider({ dir });
    const mine = { name: 'filed', description: 'from code', instructions: 'Mine.' };
    expect(thrownBy(() => provider.register(mine), 'ALREADY_EXISTS').details.name).toBe('filed');
    provider.register(mine, { replace: true });
    provider.reload();
    expect(provider.get('filed')?.description).toBe('from code');
    expect(provider.unregister('filed')).toBe(true);
    expect(provider.get('filed')).toBeUndefined();
    provider.reload();
    expect(provider.get('filed')?.description).toBe('from the file');
  });

  test('after close, reload is a ClosedError', async ({ dir }) => {
    const provider = new FilesystemExpertProvider({ dir });
    await provider.close();
    expect(thrownBy(() => provider.reload(), 'CLOSED').details.method).toBe('reload');
  });
});
