import { mkdir, readdir, readFile, rename, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { digestOf, isOmegaError, type OmegaError } from '@omega/core';
import {
  assertSameValue,
  describeFilesystemFaults,
  editFramedFile,
  INVALID_NAMES,
  readFramedText,
  rejectionOf,
} from '@omega/core/testing';
import { createTempDir, removeTempDir, tempDir } from '@omega/test-kit';
import * as vitest from 'vitest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeSnapshotProvider } from '../src/conformance.js';
import { changeSampleValue, sampleSnapshot } from '../src/conformance-fixtures.js';
import { FilesystemSnapshotProvider, type FilesystemSnapshotProviderOptions } from '../src/filesystem.js';
import type { MachineSnapshot } from '../src/index.js';
import { MemorySnapshotProvider } from '../src/memory.js';

describeSnapshotProvider(
  'filesystem',
  async () => {
    const { dir: root, remove } = await tempDir('omega-snapshot-fs-');
    return { provider: new FilesystemSnapshotProvider({ root }), cleanup: remove };
  },
  { reopen: async (provider) => new FilesystemSnapshotProvider({ root: provider.root }) },
);

async function corruption(promise: Promise<unknown>): Promise<OmegaError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(isOmegaError(error, 'CORRUPT_DATA'), `expected CORRUPT_DATA, got ${String(error)}`).toBe(true);
  return error as OmegaError;
}

/** Everything under `dir`, as sorted relative paths. */
async function tree(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).sort();
}

describe('FilesystemSnapshotProvider', () => {
  let dir: string;
  let root: string;
  const open = (options: Partial<FilesystemSnapshotProviderOptions> = {}) =>
    new FilesystemSnapshotProvider({ root, ...options });
  const folder = () => join(root, 'snapshots');
  const fileOf = (name: string) => join(folder(), `${name}.jsonl`);

  beforeEach(async () => {
    dir = await createTempDir('omega-snapshot-fs-test-');
    root = join(dir, 'root');
  });

  afterEach(async () => {
    await removeTempDir(dir);
  });

  it('stores one framed file per snapshot, 0600 inside a 0700 folder', async () => {
    const provider = open();
    const snapshot = sampleSnapshot(2);
    await provider.save('s', snapshot);
    const { header } = await readFramedText(fileOf('s'));
    expect(header).toMatchObject({
      format: 'omega.snapshot',
      version: 1,
      name: 's',
      createdAt: snapshot.createdAt,
      digest: digestOf(snapshot),
      bodyBytes: (await provider.info('s'))?.size,
    });
    expect((await stat(fileOf('s'))).mode & 0o777).toBe(0o600);
    expect((await stat(folder())).mode & 0o777).toBe(0o700);
    expect((await readdir(folder())).filter((entry) => !entry.startsWith('.'))).toEqual(['s.jsonl']);
  });

  it('round-trips with durable: false, including export and import', async () => {
    const provider = open({ durable: false });
    const file = join(dir, 'exports', 'fast.snapshot');
    await provider.save('fast', sampleSnapshot(3));
    assertSameValue(await provider.load('fast'), sampleSnapshot(3));
    await provider.export('fast', file);
    await provider.delete('fast');
    assertSameValue(await provider.import(file), { name: 'fast', snapshot: sampleSnapshot(3) });
  });

  it('rejects a missing or empty root with InvalidArgumentError', () => {
    for (const bad of [undefined, '', 42]) {
      let error: unknown;
      try {
        new FilesystemSnapshotProvider({ root: bad as string });
      } catch (thrown) {
        error = thrown;
      }
      expect(isOmegaError(error, 'INVALID_ARGUMENT')).toBe(true);
    }
  });

  describe('rejects a damaged store file with CorruptDataError naming the file', () => {
    const damages: Array<{
      label: string;
      /** Whether the header line itself is bad, so that list() and info() fail too. */
      header: boolean;
      damage: (file: string) => Promise<void>;
    }> = [
      {
        label: 'a body that is not JSON',
        header: false,
        damage: (file) => editFramedFile(file, (doc) => ({ ...doc, body: '{"state": nope' })),
      },
      {
        label: 'a value changed in the body, JSON still valid',
        header: false,
        damage: changeSampleValue,
      },
      {
        label: 'a body of the wrong shape',
        header: false,
        damage: (file) =>
          editFramedFile(file, (doc) => ({
            ...doc,
            body: doc.body.replace('"status":"running"', '"status":"paused"'),
          })),
      },
      {
        label: 'a different digest in the header',
        header: false,
        damage: (file) =>
          editFramedFile(file, (doc) => ({ ...doc, header: { ...doc.header, digest: 'a'.repeat(64) } })),
      },
      {
        label: 'a header field of the wrong type',
        header: true,
        damage: (file) =>
          editFramedFile(file, (doc) => ({ ...doc, header: { ...doc.header, createdAt: 'yesterday' } })),
      },
      {
        label: 'a wrong format tag',
        header: true,
        damage: (file) =>
          editFramedFile(file, (doc) => ({ ...doc, header: { ...doc.header, format: 'omega.session' } })),
      },
      {
        label: 'a file truncated in its header',
        header: true,
        damage: async (file) => writeFile(file, (await readFile(file)).subarray(0, 20)),
      },
      {
        label: 'a file truncated in its body',
        header: false,
        damage: async (file) => {
          const bytes = await readFile(file);
          await writeFile(file, bytes.subarray(0, bytes.length - 10));
        },
      },
    ];

    for (const { label, header, damage } of damages) {
      it(label, async () => {
        const provider = open();
        const exported = join(dir, 'out.snapshot');
        await provider.save('s', sampleSnapshot(1));
        await damage(fileOf('s'));
        const loadError = await corruption(provider.load('s'));
        expect(String(loadError.details.file)).toMatch(/snapshots[/\\]s\.jsonl$/);
        await corruption(provider.export('s', exported));
        await expect(stat(exported)).rejects.toMatchObject({ code: 'ENOENT' });
        if (header) {
          const infoError = await corruption(provider.info('s'));
          expect(String(infoError.details.file)).toMatch(/snapshots[/\\]s\.jsonl$/);
          await corruption(provider.list());
        }
      });
    }

    it('a file renamed to another snapshot name', async () => {
      const provider = open();
      await provider.save('original', sampleSnapshot(1));
      await rename(fileOf('original'), fileOf('renamed'));
      const error = await corruption(provider.load('renamed'));
      expect(String(error.details.file)).toMatch(/renamed\.jsonl$/);
      await corruption(provider.info('renamed'));
    });

    it('an existing file that is damaged when an import wants its name', async () => {
      const provider = open();
      const file = join(dir, 'in.snapshot');
      await provider.save('s', sampleSnapshot(1));
      await provider.export('s', file);
      await editFramedFile(fileOf('s'), (doc) => ({
        ...doc,
        header: { ...doc.header, digest: 'b'.repeat(64) },
      }));
      await corruption(provider.import(file));
      assertSameValue(await provider.import(file, { overwrite: true }), {
        name: 's',
        snapshot: sampleSnapshot(1),
      });
      assertSameValue(await provider.load('s'), sampleSnapshot(1));
    });
  });

  it('creates nothing outside the root for names that break the rule', async () => {
    const provider = open();
    await provider.save('valid', sampleSnapshot());
    const smuggled = join(dir, 'smuggled.snapshot');
    await provider.export('valid', smuggled);
    await editFramedFile(smuggled, (doc) => ({ ...doc, header: { ...doc.header, name: '../x' } }));
    const before = await tree(dir);
    for (const bad of INVALID_NAMES) {
      const name = bad as string;
      for (const call of [
        () => provider.save(name, sampleSnapshot()),
        () => provider.load(name),
        () => provider.info(name),
        () => provider.delete(name),
        () => provider.export(name, join(dir, 'never.snapshot')),
      ]) {
        expect(isOmegaError(await call().catch((error: unknown) => error), 'INVALID_NAME')).toBe(true);
      }
    }
    await corruption(provider.import(smuggled));
    expect(await tree(dir)).toEqual(before);
    expect((await provider.list()).map((info) => info.name)).toEqual(['valid']);
  });

  it('refuses a symlink planted in the folder on read and write, leaving its target untouched', async () => {
    const provider = open();
    const outside = join(dir, 'outside.txt');
    await writeFile(outside, 'not yours\n');
    await provider.save('real', sampleSnapshot());
    await symlink(outside, fileOf('x'));
    const planted = join(dir, 'planted.snapshot');
    const other = new MemorySnapshotProvider();
    await other.save('x', sampleSnapshot(2));
    await other.export('x', planted);

    const error = await corruption(provider.load('x'));
    expect(String(error.details.file)).toMatch(/snapshots[/\\]x\.jsonl$/);
    await corruption(provider.info('x'));
    await corruption(provider.save('x', sampleSnapshot(3)));
    await corruption(provider.export('x', join(dir, 'leak.snapshot')));
    await corruption(provider.import(planted));
    await corruption(provider.import(planted, { overwrite: true }));
    expect(await readFile(outside, 'utf8')).toBe('not yours\n');
    await expect(stat(join(dir, 'leak.snapshot'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('follows a symlink at an import path the caller chose', async () => {
    const provider = open();
    const other = new MemorySnapshotProvider();
    await other.save('linked', sampleSnapshot(4));
    const real = join(dir, 'real.snapshot');
    await other.export('linked', real);
    const link = join(dir, 'link.snapshot');
    await symlink(real, link);
    const { name, snapshot } = await provider.import(link);
    expect(name).toBe('linked');
    assertSameValue(snapshot, await other.load('linked'));
    expect(await provider.info('linked')).toEqual(await other.info('linked'));
  });

  it('refuses an export target inside the snapshots folder, through a symlink too, so the store still lists', async () => {
    const provider = open();
    await provider.save('kept', sampleSnapshot(1));
    const outside = join(dir, 'elsewhere');
    await mkdir(outside);
    await symlink(root, join(outside, 'store-link'));
    for (const target of [
      join(folder(), 'exported.jsonl'),
      join(folder(), 'new', 'kept.snapshot'),
      join(outside, 'store-link', 'snapshots', 'via-link.jsonl'),
    ]) {
      const error = await rejectionOf(() => provider.export('kept', target), 'INVALID_ARGUMENT');
      expect(error.details).toMatchObject({ kind: 'snapshot', name: 'kept', file: target });
    }
    expect((await provider.list()).map((info) => info.name)).toEqual(['kept']);
    // The rest of the root is the caller's: an exports folder beside the family folders is fine.
    await provider.export('kept', join(root, 'exports', 'kept.snapshot'));
    await provider.export('kept', join(outside, 'kept.snapshot'));
    expect(await readdir(outside)).toContain('kept.snapshot');
  });

  it('refuses a snapshots folder that is a symlink', async () => {
    const elsewhere = join(dir, 'elsewhere');
    await mkdir(elsewhere);
    await mkdir(root);
    await symlink(elsewhere, folder());
    const provider = open();
    await corruption(provider.save('s', sampleSnapshot()));
    await corruption(provider.list());
    expect(await readdir(elsewhere)).toEqual([]);
  });

  it('leaves no temporary files behind', async () => {
    const provider = open();
    const exports = join(dir, 'exports');
    for (let step = 0; step < 5; step++) {
      await provider.save(`s${step}`, sampleSnapshot(step));
      await provider.export(`s${step}`, join(exports, `s${step}.snapshot`));
    }
    await provider.delete('s0');
    await provider.import(join(exports, 's0.snapshot'));
    const leftovers = [...(await tree(folder())), ...(await tree(exports))].filter((entry) =>
      entry.endsWith('.tmp'),
    );
    expect(leftovers).toEqual([]);
    expect((await provider.list()).length).toBe(5);
  });

  it('gives the same info as the memory backend for the same snapshot', async () => {
    const provider = open();
    const memory = new MemorySnapshotProvider();
    const snapshot: MachineSnapshot = { ...sampleSnapshot(7), parent: 'p' };
    await provider.save('same', snapshot);
    await memory.save('same', snapshot);
    expect(await provider.info('same')).toEqual(await memory.info('same'));
  });
});

describeFilesystemFaults(vitest, {
  kind: 'snapshot',
  folder: 'snapshots',
  open: (root) => new FilesystemSnapshotProvider({ root }),
  save: (provider, name) => provider.save(name, sampleSnapshot()),
  load: (provider, name) => provider.load(name),
  list: async (provider) => (await provider.list()).map((info) => info.name),
  remove: (provider, name) => provider.delete(name),
});
