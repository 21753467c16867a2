import { mkdir, readdir, readFile, rename, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { testWithTempDir } from '@omega/test-kit';
import { describe, expect } from 'vitest';
import { z } from 'zod';
import { isOmegaError } from '../src/errors.js';
import type { DocumentStoreOptions } from '../src/fs/document-store.js';
import { DocumentStore } from '../src/fs/document-store.js';
import { INVALID_NAMES } from '../src/testing.js';
import { failure, IMPOSSIBLE_PID, modeOf } from './helpers.js';

const test = testWithTempDir('omega-fs-store-');

const Header = z.object({ updatedAt: z.number() });
type Header = z.infer<typeof Header>;

function storeIn(root: string, options: Partial<DocumentStoreOptions<Header>> = {}): DocumentStore<Header> {
  return new DocumentStore({
    root,
    folder: 'docs',
    kind: 'doc',
    format: 'omega.doc',
    version: 1,
    header: Header,
    ...options,
  });
}

describe('DocumentStore', () => {
  test('creates nothing until first used, then the folder under the root', async ({ dir }) => {
    const root = join(dir, '.omega');
    const store = storeIn(root);
    expect(await readdir(dir)).toEqual([]);
    expect(await store.directory()).toBe(join(root, 'docs'));
    expect(await store.names()).toEqual([]);
    expect((await readdir(join(root, 'docs'))).sort()).toEqual(['.locks']);
  });

  test('write, read, readHeader, names and remove', async ({ dir }) => {
    const store = storeIn(dir);
    expect(await store.read('b')).toBeNull();
    expect(await store.readHeader('b')).toBeNull();
    await store.write('b', { updatedAt: 1 }, '{"v":1}');
    await store.write('a', { updatedAt: 2 }, '"α"');
    await store.write('b', { updatedAt: 3 }, '{"v":2}');
    const file = join(dir, 'docs', 'b.jsonl');
    expect(await store.read('b')).toEqual({
      name: 'b',
      version: 1,
      header: { updatedAt: 3 },
      body: '{"v":2}',
      bodyBytes: 7,
      file,
    });
    expect(await store.readHeader('a')).toEqual({
      name: 'a',
      version: 1,
      header: { updatedAt: 2 },
      bodyBytes: 4,
      file: join(dir, 'docs', 'a.jsonl'),
    });
    expect(await store.names()).toEqual(['a', 'b']);
    expect(await store.remove('b')).toBe(true);
    expect(await store.remove('b')).toBe(false);
    expect(await store.read('b')).toBeNull();
    expect(await store.names()).toEqual(['a']);
  });

  test('durable: false round trips', async ({ dir }) => {
    const store = storeIn(dir, { durable: false });
    await store.write('x', { updatedAt: 1 }, '[]');
    await store.create('y', { updatedAt: 2 }, '{}');
    expect((await store.read('x'))?.body).toBe('[]');
    expect((await store.read('y'))?.body).toBe('{}');
    expect(await store.remove('x')).toBe(true);
  });

  test('create fails with AlreadyExistsError when the document exists, leaving it and no temp file', async ({
    dir,
  }) => {
    const store = storeIn(dir);
    await store.create('one', { updatedAt: 1 }, '"first"');
    const error = await failure(store.create('one', { updatedAt: 2 }, '"second"'));
    expect(isOmegaError(error, 'ALREADY_EXISTS')).toBe(true);
    expect((error as { details: unknown }).details).toEqual({
      kind: 'doc',
      name: 'one',
      file: join(dir, 'docs', 'one.jsonl'),
    });
    expect((await store.read('one'))?.body).toBe('"first"');
    expect((await readdir(join(dir, 'docs'))).sort()).toEqual(['.locks', 'one.jsonl']);
  });

  test('of concurrent creators of one name exactly one wins', async ({ dir }) => {
    const store = storeIn(dir);
    const results = await Promise.allSettled(
      Array.from({ length: 16 }, (_, i) =>
        store.create('race', { updatedAt: i }, JSON.stringify({ writer: i })),
      ),
    );
    const winners = results.flatMap((result, i) => (result.status === 'fulfilled' ? [i] : []));
    expect(winners).toHaveLength(1);
    for (const result of results) {
      if (result.status === 'rejected') expect(isOmegaError(result.reason, 'ALREADY_EXISTS')).toBe(true);
    }
    const stored = await store.read('race');
    expect(stored?.body).toBe(JSON.stringify({ writer: winners[0] }));
    expect(stored?.header).toEqual({ updatedAt: winners[0] });
    expect((await readdir(join(dir, 'docs'))).sort()).toEqual(['.locks', 'race.jsonl']);
  });

  test('names lists only regular files named <valid name>.jsonl', async ({ dir }) => {
    const store = storeIn(dir);
    await store.write('good', { updatedAt: 1 }, '1');
    await store.write('-also.good', { updatedAt: 1 }, '1');
    const folder = await store.directory();
    for (const name of [
      'bad name.jsonl',
      '.hidden.jsonl',
      'note.txt',
      'x.jsonl.bak',
      '.jsonl',
      'UPPER.JSONL',
    ]) {
      await writeFile(join(folder, name), '');
    }
    await writeFile(join(folder, `.good.jsonl.${process.pid}.0123456789ab.tmp`), '');
    await mkdir(join(folder, 'dir.jsonl'));
    await symlink(join(folder, 'good.jsonl'), join(folder, 'link.jsonl'));
    expect(await store.names()).toEqual(['-also.good', 'good']);
  });

  test('headers lists every document header sorted by name, reading no body', async ({ dir }) => {
    const store = storeIn(dir);
    await store.write('b', { updatedAt: 2 }, '"b"');
    await store.write('a', { updatedAt: 1 }, '"a body"');
    await writeFile(join(await store.directory(), '.hidden.jsonl'), 'not a document');
    const headers = await store.headers();
    expect(headers.map(({ name, header, bodyBytes }) => ({ name, header, bodyBytes }))).toEqual([
      { name: 'a', header: { updatedAt: 1 }, bodyBytes: 8 },
      { name: 'b', header: { updatedAt: 2 }, bodyBytes: 3 },
    ]);
    await writeFile(join(await store.directory(), 'c.jsonl'), '{"format":"omega.doc"');
    expect(isOmegaError(await failure(store.headers()), 'CORRUPT_DATA')).toBe(true);
  });

  test('bad names are InvalidNameError for every method, and nothing is created anywhere', async ({
    dir,
  }) => {
    const root = join(dir, 'root');
    const store = storeIn(root);
    for (const name of INVALID_NAMES as string[]) {
      const calls = [
        store.read(name),
        store.readHeader(name),
        store.write(name, { updatedAt: 1 }, '1'),
        store.create(name, { updatedAt: 1 }, '1'),
        store.remove(name),
        store.withLock(name, async () => 1),
      ];
      for (const call of calls) {
        const error = await failure(call);
        expect(isOmegaError(error, 'INVALID_NAME')).toBe(true);
        expect((error as { details: unknown }).details).toMatchObject({ kind: 'doc', name });
      }
    }
    expect(await readdir(dir)).toEqual([]);
  });

  test('directories are 0700 and documents 0600 whatever the umask', async ({ dir }) => {
    const store = storeIn(join(dir, 'root'));
    const previous = process.umask(0o277);
    try {
      await store.write('w', { updatedAt: 1 }, '1');
      await store.create('c', { updatedAt: 1 }, '1');
      await store.withLock('w', async () => undefined);
    } finally {
      process.umask(previous);
    }
    const folder = join(dir, 'root', 'docs');
    for (const path of [join(dir, 'root'), folder, join(folder, '.locks'), join(folder, '.locks', 'w')]) {
      expect(await modeOf(path)).toBe(0o700);
    }
    for (const path of [join(folder, 'w.jsonl'), join(folder, 'c.jsonl')])
      expect(await modeOf(path)).toBe(0o600);
  });

  test('a document whose stored name is not its file name is corrupt', async ({ dir }) => {
    const store = storeIn(dir);
    await store.write('a', { updatedAt: 1 }, '1');
    const folder = await store.directory();
    await rename(join(folder, 'a.jsonl'), join(folder, 'b.jsonl'));
    for (const read of [() => store.read('b'), () => store.readHeader('b')]) {
      const error = await failure(read());
      expect(isOmegaError(error, 'CORRUPT_DATA')).toBe(true);
      expect((error as { details: unknown }).details).toMatchObject({
        file: join(folder, 'b.jsonl'),
        path: '$.name',
      });
    }
  });

  test('a document of another format or with a bad header is corrupt', async ({ dir }) => {
    await storeIn(dir, { format: 'omega.other' }).write('a', { updatedAt: 1 }, '1');
    const store = storeIn(dir);
    const wrongFormat = await failure(store.read('a'));
    expect((wrongFormat as { details: unknown }).details).toMatchObject({ path: '$.format' });
    const file = join(dir, 'docs', 'a.jsonl');
    await writeFile(
      file,
      (await readFile(file, 'utf8'))
        .replace('omega.other', 'omega.doc')
        .replace('"updatedAt":1', '"updatedAt":"x"'),
    );
    const badHeader = await failure(store.readHeader('a'));
    expect(isOmegaError(badHeader, 'CORRUPT_DATA')).toBe(true);
    expect((badHeader as { details: unknown }).details).toMatchObject({ file, path: '$.updatedAt' });
  });

  test('a symlink planted in the folder is refused on read, write and remove; its target is untouched', async ({
    dir,
  }) => {
    const outside = join(dir, 'outside.txt');
    await writeFile(outside, 'precious');
    const store = storeIn(join(dir, 'root'));
    const link = join(await store.directory(), 'x.jsonl');
    await symlink(outside, link);
    for (const call of [
      () => store.read('x'),
      () => store.readHeader('x'),
      () => store.write('x', { updatedAt: 1 }, '1'),
      () => store.remove('x'),
    ]) {
      const error = await failure(call());
      expect(isOmegaError(error, 'CORRUPT_DATA')).toBe(true);
      expect((error as { details: unknown }).details).toEqual({ file: link, reason: 'symlink' });
    }
    expect(await readFile(outside, 'utf8')).toBe('precious');
  });

  test('first use sweeps temp entries of dead writers from the folder and the lock folder', async ({
    dir,
  }) => {
    const folder = join(dir, 'docs');
    await mkdir(join(folder, '.locks'), { recursive: true });
    const deadTemp = `.a.jsonl.${IMPOSSIBLE_PID}.0123456789ab.tmp`;
    const liveTemp = `.a.jsonl.${process.pid}.0123456789ab.tmp`;
    await writeFile(join(folder, deadTemp), 'partial');
    await writeFile(join(folder, liveTemp), 'in progress');
    await mkdir(join(folder, '.locks', `.a.${IMPOSSIBLE_PID}.0123456789ab.tmp`));
    const store = storeIn(dir);
    expect(await store.names()).toEqual([]);
    expect((await readdir(folder)).sort()).toEqual([liveTemp, '.locks'].sort());
    expect(await readdir(join(folder, '.locks'))).toEqual([]);
  });

  test('withLock serialises read-modify-write of one document and passes increasing fences', async ({
    dir,
  }) => {
    const store = storeIn(dir);
    await store.write('n', { updatedAt: 0 }, '0');
    const fences = await Promise.all(
      Array.from({ length: 10 }, () =>
        store.withLock('n', async (fence) => {
          const current = Number((await store.read('n'))?.body);
          await store.write('n', { updatedAt: fence }, String(current + 1));
          return fence;
        }),
      ),
    );
    expect((await store.read('n'))?.body).toBe('10');
    expect([...fences].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(await readdir(join(dir, 'docs', '.locks'))).toEqual(['n']);
  });

  test('a lock timeout is a ConflictError', async ({ dir }) => {
    const store = storeIn(dir, { lockTimeoutMs: 10 });
    const error = await store.withLock('held', () => failure(store.withLock('held', async () => 1)));
    expect(isOmegaError(error, 'CONFLICT')).toBe(true);
  });

  test('bad options are rejected when constructing', () => {
    for (const options of [{ version: 0 }, { version: 1.5 }, { folder: '../up' }, { folder: '' }]) {
      let caught: unknown;
      try {
        storeIn('/unused', options);
      } catch (error) {
        caught = error;
      }
      expect(isOmegaError(caught)).toBe(true);
    }
  });
});
