import { mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { digestOf } from '@omega/core';
import {
  assertSameValue,
  describeFilesystemFaults,
  editFramedFile,
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

  it('stores one framed file per snapshot, its header carrying createdAt and the digest', async () => {
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

  describe('rejects a damaged store file with CorruptDataError naming the file', () => {
    const damages: Array<{
      label: string;
      /** Whether the header line itself is bad, so that list() and info() fail too. */
      header: boolean;
      damage: (file: string) => Promise<void>;
    }> = [
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
    ];

    for (const { label, header, damage } of damages) {
      it(label, async () => {
        const provider = open();
        const exported = join(dir, 'out.snapshot');
        await provider.save('s', sampleSnapshot(1));
        await damage(fileOf('s'));
        const loadError = await rejectionOf(provider.load('s'), 'CORRUPT_DATA');
        expect(String(loadError.details.file)).toMatch(/snapshots[/\\]s\.jsonl$/);
        await rejectionOf(provider.export('s', exported), 'CORRUPT_DATA');
        await expect(stat(exported)).rejects.toMatchObject({ code: 'ENOENT' });
        if (header) {
          const infoError = await rejectionOf(provider.info('s'), 'CORRUPT_DATA');
          expect(String(infoError.details.file)).toMatch(/snapshots[/\\]s\.jsonl$/);
          await rejectionOf(provider.list(), 'CORRUPT_DATA');
        }
      });
    }

    it('an existing file that is damaged when an import wants its name', async () => {
      const provider = open();
      const file = join(dir, 'in.snapshot');
      await provider.save('s', sampleSnapshot(1));
      await provider.export('s', file);
      await editFramedFile(fileOf('s'), (doc) => ({
        ...doc,
        header: { ...doc.header, digest: 'b'.repeat(64) },
      }));
      await rejectionOf(provider.import(file), 'CORRUPT_DATA');
      assertSameValue(await provider.import(file, { overwrite: true }), {
        name: 's',
        snapshot: sampleSnapshot(1),
      });
      assertSameValue(await provider.load('s'), sampleSnapshot(1));
    });
  });

  it('refuses an export file whose embedded name breaks the rule, creating nothing', async () => {
    const provider = open();
    await provider.save('valid', sampleSnapshot());
    const smuggled = join(dir, 'smuggled.snapshot');
    await provider.export('valid', smuggled);
    await editFramedFile(smuggled, (doc) => ({ ...doc, header: { ...doc.header, name: '../x' } }));
    const before = await tree(dir);
    await rejectionOf(provider.import(smuggled), 'CORRUPT_DATA');
    expect(await tree(dir)).toEqual(before);
    expect((await provider.list()).map((info) => info.name)).toEqual(['valid']);
  });

  it('neither exports nor imports through a symlink planted in the folder, leaving its target untouched', async () => {
    const provider = open();
    const outside = join(dir, 'outside.txt');
    await writeFile(outside, 'not yours\n');
    await provider.save('real', sampleSnapshot());
    await symlink(outside, fileOf('x'));
    const planted = join(dir, 'planted.snapshot');
    const other = new MemorySnapshotProvider();
    await other.save('x', sampleSnapshot(2));
    await other.export('x', planted);

    await rejectionOf(provider.export('x', join(dir, 'leak.snapshot')), 'CORRUPT_DATA');
    await rejectionOf(provider.import(planted), 'CORRUPT_DATA');
    await rejectionOf(provider.import(planted, { overwrite: true }), 'CORRUPT_DATA');
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

  it("refuses an export target inside the store's root, through a symlink too, so every family still lists", async () => {
    const provider = open();
    await provider.save('kept', sampleSnapshot(1));
    const outside = join(dir, 'elsewhere');
    await mkdir(outside);
    await symlink(root, join(outside, 'store-link'));
    for (const target of [
      join(folder(), 'exported.jsonl'),
      join(folder(), 'new', 'kept.snapshot'),
      join(outside, 'store-link', 'snapshots', 'via-link.jsonl'),
      join(root, 'sessions', 'evil.jsonl'),
      join(root, 'exports', 'kept.snapshot'),
      join(outside, 'store-link', 'states', 'via-link.jsonl'),
    ]) {
      const error = await rejectionOf(() => provider.export('kept', target), 'INVALID_ARGUMENT');
      expect(error.details).toMatchObject({ kind: 'snapshot', name: 'kept', file: target });
      expect(error.details.reason).toBe("inside the store's root");
    }
    expect((await provider.list()).map((info) => info.name)).toEqual(['kept']);
    expect(await readdir(root)).toEqual(['snapshots']);
    await provider.export('kept', join(outside, 'kept.snapshot'));
    expect(await readdir(outside)).toContain('kept.snapshot');
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
