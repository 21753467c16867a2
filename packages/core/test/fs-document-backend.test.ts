import { mkdir, readdir, readFile, readlink, rename, symlink, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { tempDir, testWithTempDir } from '@omega/test-kit';
import * as vitest from 'vitest';
import { describe, expect, vi } from 'vitest';
import { z } from 'zod';
import type { DocumentBackend, DocumentSpec } from '../src/documents.js';
import { FilesystemDocumentBackend, type FilesystemDocumentOptions } from '../src/fs/document-backend.js';
import {
  DOCUMENT_CONTRACT_SPEC as CONTRACT_SPEC,
  type ContractHeader,
  describeDocumentBackend,
  gate,
  INVALID_NAMES,
  rejectionOf,
  thrownBy,
} from '../src/testing.js';
import { IMPOSSIBLE_PID, modeOf } from './helpers.js';

const test = testWithTempDir('omega-fs-backend-');

const Header = z.object({ updatedAt: z.number() });
type Header = z.infer<typeof Header>;

const SPEC: DocumentSpec<Header> = {
  folder: 'docs',
  kind: 'doc',
  format: 'omega.doc',
  formatVersion: 1,
  header: Header,
};

function storeIn(
  root: string,
  options: Partial<FilesystemDocumentOptions> = {},
  spec: Partial<DocumentSpec<Header>> = {},
): FilesystemDocumentBackend<Header> {
  return new FilesystemDocumentBackend({ ...SPEC, ...spec }, { root, ...options });
}

const reopen = async (port: DocumentBackend<ContractHeader>) =>
  new FilesystemDocumentBackend(CONTRACT_SPEC, {
    root: (port as FilesystemDocumentBackend<ContractHeader>).root,
  });

describeDocumentBackend(
  vitest,
  'FilesystemDocumentBackend',
  async () => {
    const { dir, remove } = await tempDir('omega-fs-contract-');
    return { port: new FilesystemDocumentBackend(CONTRACT_SPEC, { root: dir }), cleanup: remove };
  },
  { reopen },
);

describeDocumentBackend(vitest, 'FilesystemDocumentBackend, durable: false', async () => {
  const { dir, remove } = await tempDir('omega-fs-contract-');
  return {
    port: new FilesystemDocumentBackend(CONTRACT_SPEC, { root: dir, durable: false }),
    cleanup: remove,
  };
});

describe('FilesystemDocumentBackend', () => {
  test('is not prevalidated, and keeps its root as an absolute path', () => {
    const store = storeIn('relative/root');
    expect(store.prevalidated).toBe(false);
    expect(store.root).toBe(resolve('relative/root'));
  });

  test('creates nothing until first used, then the folder under the root', async ({ dir }) => {
    const root = join(dir, '.omega');
    const store = storeIn(root);
    expect(await readdir(dir)).toEqual([]);
    expect(await store.directory()).toBe(join(root, 'docs'));
    expect(await store.names()).toEqual([]);
    expect((await readdir(join(root, 'docs'))).sort()).toEqual(['.locks']);
  });

  test('read and readHeader name the file each document is stored in', async ({ dir }) => {
    const store = storeIn(dir);
    await store.write('b', { updatedAt: 3 }, '{"v":2}');
    await store.write('a', { updatedAt: 2 }, '"α"');
    const file = join(dir, 'docs', 'b.jsonl');
    expect(await store.read('b')).toEqual({
      name: 'b',
      formatVersion: 1,
      header: { updatedAt: 3 },
      body: '{"v":2}',
      bodyBytes: 7,
      file,
    });
    expect(await store.readHeader('a')).toEqual({
      name: 'a',
      formatVersion: 1,
      header: { updatedAt: 2 },
      bodyBytes: 4,
      file: join(dir, 'docs', 'a.jsonl'),
    });
    expect((await store.headers()).map((header) => header.file)).toEqual([
      join(dir, 'docs', 'a.jsonl'),
      file,
    ]);
    expect(await store.remove('b')).toBe(true);
    // A removed document leaves its tombstone, a dangling symlink that no read or listing shows.
    expect((await readdir(join(dir, 'docs'))).sort()).toEqual(['.locks', 'a.jsonl', 'b.jsonl']);
    expect(await readlink(file)).toMatch(/^\.deleted\.[A-Za-z0-9_-]{16}$/);
    expect(await store.read('b')).toBeNull();
    expect(await store.names()).toEqual(['a']);
  });

  test('documents outlive the backend: another one over the same root reads them', async ({ dir }) => {
    const first = storeIn(dir);
    await first.write('kept', { updatedAt: 1 }, '"kept"');
    await first.close();
    expect((await storeIn(dir).read('kept'))?.body).toBe('"kept"');
  });

  test('create fails with AlreadyExistsError naming the file, leaving the document and no temp file', async ({
    dir,
  }) => {
    const store = storeIn(dir);
    await store.create('one', { updatedAt: 1 }, '"first"');
    const error = await rejectionOf(store.create('one', { updatedAt: 2 }, '"second"'), 'ALREADY_EXISTS');
    expect(error.details).toEqual({
      kind: 'doc',
      name: 'one',
      file: join(dir, 'docs', 'one.jsonl'),
    });
    expect((await store.read('one'))?.body).toBe('"first"');
    expect((await readdir(join(dir, 'docs'))).sort()).toEqual(['.locks', 'one.jsonl']);
  });

  test('concurrent creators of one name leave one document and no temp file', async ({ dir }) => {
    const store = storeIn(dir);
    const results = await Promise.allSettled(
      Array.from({ length: 16 }, (_, i) =>
        store.create('race', { updatedAt: i }, JSON.stringify({ writer: i })),
      ),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
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
    await rejectionOf(store.headers(), 'CORRUPT_DATA');
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
        const error = await rejectionOf(call, 'INVALID_NAME');
        expect(error.details).toMatchObject({ kind: 'doc', name });
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
      const error = await rejectionOf(read, 'CORRUPT_DATA');
      expect(error.details).toMatchObject({
        file: join(folder, 'b.jsonl'),
        path: '$.name',
      });
    }
  });

  test('a document of another format or with a bad header is corrupt', async ({ dir }) => {
    await storeIn(dir, {}, { format: 'omega.other' }).write('a', { updatedAt: 1 }, '1');
    const store = storeIn(dir);
    const wrongFormat = await rejectionOf(store.read('a'), 'CORRUPT_DATA');
    expect(wrongFormat.details).toMatchObject({ path: '$.format' });
    const file = join(dir, 'docs', 'a.jsonl');
    await writeFile(
      file,
      (await readFile(file, 'utf8'))
        .replace('omega.other', 'omega.doc')
        .replace('"updatedAt":1', '"updatedAt":"x"'),
    );
    const badHeader = await rejectionOf(store.readHeader('a'), 'CORRUPT_DATA');
    expect(badHeader.details).toMatchObject({ file, path: '$.updatedAt' });
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
      const error = await rejectionOf(call, 'CORRUPT_DATA');
      expect(error.details).toEqual({ file: link, reason: 'symlink' });
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

  test('withLock keeps its lock in <folder>/.locks/<name> while the document exists', async ({ dir }) => {
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

  test('a document removed under its own lock takes the lock directory with it; other lock directories stay', async ({
    dir,
  }) => {
    const store = storeIn(dir);
    const locks = join(dir, 'docs', '.locks');
    await store.write('gone', { updatedAt: 1 }, '1');
    await store.write('kept', { updatedAt: 1 }, '1');
    await store.write('other', { updatedAt: 1 }, '1');
    await store.withLock('kept', async () => undefined);
    await store.withLock('other', async () => undefined);
    expect(await store.withLock('gone', async () => store.remove('gone'))).toBe(true);
    expect((await readdir(locks)).sort()).toEqual(['kept', 'other']);
    // Removing another document under a lock leaves both lock directories alone.
    expect(await store.withLock('kept', async () => store.remove('other'))).toBe(true);
    expect((await readdir(locks)).sort()).toEqual(['kept', 'other']);
    // No such document: its lock directory goes too, so failed deletes leave nothing behind.
    expect(await store.withLock('never', async () => store.remove('never'))).toBe(false);
    expect((await readdir(locks)).sort()).toEqual(['kept', 'other']);
    expect(await store.names()).toEqual(['kept']);
  });

  test('a name whose lock directory went with its document can be locked again, its fences going on here', async ({
    dir,
  }) => {
    const store = storeIn(dir);
    const locks = join(dir, 'docs', '.locks');
    await store.write('x', { updatedAt: 1 }, '1');
    expect(await store.withLock('x', async (fence) => fence)).toBe(1);
    expect(await store.withLock('x', async (fence) => fence)).toBe(2);
    await store.withLock('x', async () => store.remove('x'));
    expect(await readdir(locks)).toEqual([]);
    const fence = await store.withLock('x', async (fence) => {
      await store.create('x', { updatedAt: 2 }, '2');
      return fence;
    });
    expect(fence).toBe(4);
    expect(await readdir(locks)).toEqual(['x']);
    expect((await store.read('x'))?.body).toBe('2');
  });

  test('a holder waiting on another backend gets the lock once the document and its lock directory are gone', async ({
    dir,
  }) => {
    const first = storeIn(dir);
    const second = storeIn(dir);
    await first.write('x', { updatedAt: 1 }, '1');
    const inFirst = gate();
    const letFirstOut = gate();
    const holding = first.withLock('x', async () => {
      inFirst.open();
      await letFirstOut.opened;
      return first.remove('x');
    });
    await inFirst.opened;
    // Held: the second backend times out at once.
    await rejectionOf(
      storeIn(dir, { lockTimeoutMs: 0 }).withLock('x', async () => 0),
      'CONFLICT',
    );
    const waiting = second.withLock('x', async (fence) => ({ fence, document: await second.read('x') }));
    letFirstOut.open();
    expect(await holding).toBe(true);
    expect(await waiting).toEqual({ fence: 2, document: null });
    expect(await readdir(join(dir, 'docs', '.locks'))).toEqual([]);
  });

  test('a lock timeout is a ConflictError', async ({ dir }) => {
    const store = storeIn(dir, { lockTimeoutMs: 10 });
    await store.withLock('held', () =>
      rejectionOf(
        store.withLock('held', async () => 1),
        'CONFLICT',
      ),
    );
  });

  test('bad options are rejected when constructing', () => {
    for (const formatVersion of [0, 1.5])
      thrownBy(() => storeIn('/unused', {}, { formatVersion }), 'INVALID_ARGUMENT');
    for (const folder of ['../up', '']) thrownBy(() => storeIn('/unused', {}, { folder }), 'INVALID_NAME');
    for (const root of ['', undefined, 42]) {
      const error = thrownBy(() => storeIn(root as string), 'INVALID_ARGUMENT');
      expect(error.details).toMatchObject({ kind: 'doc', option: 'root' });
    }
    thrownBy(
      () => new FilesystemDocumentBackend(SPEC, undefined as unknown as FilesystemDocumentOptions),
      'INVALID_ARGUMENT',
    );
  });

  test('a bad durable or lockTimeoutMs is an InvalidArgumentError from the constructor, naming the option', () => {
    const bad: Array<[keyof FilesystemDocumentOptions, unknown]> = [
      ['durable', 'yes'],
      ['durable', 0],
      ['durable', null],
      ['lockTimeoutMs', -1],
      ['lockTimeoutMs', Number.NaN],
      ['lockTimeoutMs', '100'],
      ['lockTimeoutMs', null],
      ['lockTimeoutMs', Number.NEGATIVE_INFINITY],
    ];
    for (const [option, value] of bad) {
      const error = thrownBy(() => storeIn('/unused', { [option]: value }), 'INVALID_ARGUMENT');
      expect(error.details).toMatchObject({ kind: 'doc', option });
      expect(Object.is(error.details.value, value)).toBe(true);
    }
    for (const options of [
      { durable: false },
      { lockTimeoutMs: 0 },
      { lockTimeoutMs: Number.POSITIVE_INFINITY },
    ])
      expect(() => storeIn('/unused', options)).not.toThrow();
  });

  test('resolves a relative root at construction: a later change of directory does not move the store', async ({
    dir,
  }) => {
    const relativeRoot = relative(process.cwd(), join(dir, 'store'));
    expect(isAbsolute(relativeRoot)).toBe(false);
    const store = storeIn(relativeRoot);
    expect(store.root).toBe(resolve(relativeRoot));
    // path.resolve reads process.cwd(): pretend the process moved (process.chdir is refused in workers).
    const cwd = vi.spyOn(process, 'cwd').mockReturnValue(join(dir, 'elsewhere'));
    try {
      await store.write('kept', { updatedAt: 1 }, '1');
      expect(await store.directory()).toBe(join(dir, 'store', 'docs'));
    } finally {
      cwd.mockRestore();
    }
    expect(await readdir(join(dir, 'store', 'docs'))).toContain('kept.jsonl');
  });
});
