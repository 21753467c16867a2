import { mkdir, readdir, readFile, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { tempDir, testWithTempDir } from '@omega/test-kit';
import * as vitest from 'vitest';
import { describe, expect } from 'vitest';
import { type BlobBackend, blobDigest } from '../src/blobs.js';
import { FilesystemBlobBackend } from '../src/fs/blobs.js';
import { tempPathFor } from '../src/fs/temp.js';
import {
  assertOptionsRefused,
  BAD_FILESYSTEM_OPTIONS,
  BLOB_CONTRACT_SPEC,
  describeBlobBackend,
  mulberry32,
  rejectionOf,
  thrownBy,
} from '../src/testing.js';
import { IMPOSSIBLE_PID, modeOf } from './helpers.js';

const test = testWithTempDir('omega-fs-blobs-');

const SPEC = { kind: 'blob', folder: 'blobs' };

function seededBytes(seed: number, length: number): Uint8Array {
  const next = mulberry32(seed);
  return Uint8Array.from({ length }, () => (next() * 256) | 0);
}

/** Where blob `digest` of {@link SPEC} lives under `root`. */
const fileOf = (root: string, digest: string) => join(root, SPEC.folder, digest.slice(0, 2), digest);

for (const durable of [true, false]) {
  describeBlobBackend(
    vitest,
    `FilesystemBlobBackend, durable: ${durable}`,
    async () => {
      const { dir, remove } = await tempDir('omega-fs-blob-contract-');
      return {
        port: new FilesystemBlobBackend(BLOB_CONTRACT_SPEC, { root: dir, durable }),
        cleanup: remove,
      };
    },
    {
      reopen: async (blobs: BlobBackend) =>
        new FilesystemBlobBackend(BLOB_CONTRACT_SPEC, {
          root: (blobs as FilesystemBlobBackend).root,
          durable,
        }),
    },
  );
}

describe('FilesystemBlobBackend', () => {
  test('checks its spec and options at construction', ({ dir }) => {
    assertOptionsRefused(
      (options) => new FilesystemBlobBackend(SPEC, { root: dir, ...options }),
      BAD_FILESYSTEM_OPTIONS,
    );
    thrownBy(
      () => new FilesystemBlobBackend({ kind: 'blob', folder: '../out' }, { root: dir }),
      'INVALID_NAME',
    );
    expect(new FilesystemBlobBackend(SPEC, { root: 'relative/root' }).root).toBe(resolve('relative/root'));
  });

  test('refuses bad arguments before touching the disk: nothing is created', async ({ dir }) => {
    const blobs = new FilesystemBlobBackend(SPEC, { root: join(dir, 'root') });
    await rejectionOf(() => blobs.get('../../x'), 'INVALID_ARGUMENT');
    await rejectionOf(() => blobs.has('A'.repeat(64)), 'INVALID_ARGUMENT');
    await rejectionOf(() => blobs.remove('..'), 'INVALID_ARGUMENT');
    await rejectionOf(() => blobs.put('bytes' as unknown as Uint8Array), 'INVALID_ARGUMENT');
    await rejectionOf(() => blobs.digests({ limit: 0 }), 'INVALID_ARGUMENT');
    expect(await readdir(dir)).toEqual([]);
  });

  test('stores <root>/<folder>/<2 hex>/<digest>: folders 0700, blobs 0600, nothing else left', async ({
    dir,
  }) => {
    const blobs = new FilesystemBlobBackend(SPEC, { root: dir });
    const bytes = new TextEncoder().encode('laid out');
    const digest = await blobs.put(bytes);
    const file = fileOf(dir, digest);
    expect(await readFile(file)).toEqual(Buffer.from(bytes));
    expect(await modeOf(file)).toBe(0o600);
    expect(await modeOf(join(dir, SPEC.folder))).toBe(0o700);
    expect(await modeOf(join(dir, SPEC.folder, digest.slice(0, 2)))).toBe(0o700);
    expect(await readdir(join(dir, SPEC.folder), { recursive: true })).toEqual([
      digest.slice(0, 2),
      join(digest.slice(0, 2), digest),
    ]);
  });

  test('bytes changed on disk are a CorruptDataError naming the file, small and large', async ({ dir }) => {
    const blobs = new FilesystemBlobBackend(SPEC, { root: dir, durable: false });
    // 3 MB: read through the thread pool and hashed over several turns of the event loop.
    for (const bytes of [seededBytes(1, 100), seededBytes(2, 3 * 1024 * 1024)]) {
      const digest = await blobs.put(bytes);
      const file = fileOf(dir, digest);
      const changed = Buffer.from(bytes);
      const middle = changed.length >> 1;
      changed[middle] = changed[middle]! ^ 0x40;
      await writeFile(file, changed);
      const error = await rejectionOf(() => blobs.get(digest), 'CORRUPT_DATA');
      expect(error.details).toMatchObject({ kind: 'blob', digest, file, reason: 'digest mismatch' });
      // has() reads nothing: the file is there.
      expect(await blobs.has(digest)).toBe(true);
    }
  });

  test('a truncated blob is a CorruptDataError; a put of its bytes replaces it', async ({ dir }) => {
    const blobs = new FilesystemBlobBackend(SPEC, { root: dir });
    const bytes = seededBytes(3, 200 * 1024);
    const digest = await blobs.put(bytes);
    const file = fileOf(dir, digest);
    for (const size of [100 * 1024, 0]) {
      await truncate(file, size);
      const error = await rejectionOf(() => blobs.get(digest), 'CORRUPT_DATA');
      expect(error.details).toMatchObject({ digest, file, bytes: size });
    }
    expect(await blobs.put(bytes)).toBe(digest);
    expect(await blobs.get(digest)).toEqual(bytes);
    expect(await readdir(join(dir, SPEC.folder, digest.slice(0, 2)))).toEqual([digest]);
  });

  test('refuses a symlink for a blob, a subfolder or the folder, touching nothing through it', async ({
    dir,
  }) => {
    const outside = join(dir, 'outside');
    await mkdir(outside);
    const root = join(dir, 'root');
    const blobs = new FilesystemBlobBackend(SPEC, { root });
    const bytes = new TextEncoder().encode('linked');
    const digest = blobDigest(bytes);
    const file = fileOf(root, digest);
    await writeFile(join(outside, 'target'), bytes);
    await mkdir(join(root, SPEC.folder, digest.slice(0, 2)), { recursive: true });
    await symlink(join(outside, 'target'), file);
    for (const call of [
      () => blobs.get(digest),
      () => blobs.has(digest),
      () => blobs.remove(digest),
      () => blobs.put(bytes),
    ]) {
      const error = await rejectionOf(call, 'CORRUPT_DATA');
      expect(error.details).toMatchObject({ file, reason: 'symlink' });
    }
    await rm(join(root, SPEC.folder, digest.slice(0, 2)), { recursive: true });
    await symlink(outside, join(root, SPEC.folder, digest.slice(0, 2)));
    for (const call of [() => blobs.get(digest), () => blobs.put(bytes), () => blobs.remove(digest)]) {
      const error = await rejectionOf(call, 'CORRUPT_DATA');
      expect(error.details).toMatchObject({
        file: join(root, SPEC.folder, digest.slice(0, 2)),
        reason: 'symlink',
      });
    }
    // Not listed either: the listing walks real subfolders only.
    expect(await blobs.digests()).toEqual([]);
    expect(await readdir(outside)).toEqual(['target']);

    const other = join(dir, 'other');
    await mkdir(join(other, 'elsewhere'), { recursive: true });
    await symlink(join(other, 'elsewhere'), join(other, SPEC.folder));
    await rejectionOf(() => new FilesystemBlobBackend(SPEC, { root: other }).put(bytes), 'CORRUPT_DATA');
  });

  test('a directory where a blob should be is a CorruptDataError', async ({ dir }) => {
    const blobs = new FilesystemBlobBackend(SPEC, { root: dir });
    const bytes = new TextEncoder().encode('a directory');
    const digest = blobDigest(bytes);
    await mkdir(fileOf(dir, digest), { recursive: true });
    for (const call of [() => blobs.get(digest), () => blobs.has(digest), () => blobs.put(bytes)]) {
      const error = await rejectionOf(call, 'CORRUPT_DATA');
      expect(error.details).toMatchObject({ file: fileOf(dir, digest) });
    }
  });

  test("sweeps a dead writer's temp file at open, keeps a live one, and lists neither", async ({ dir }) => {
    const first = new FilesystemBlobBackend(SPEC, { root: dir });
    const digest = await first.put(new TextEncoder().encode('kept'));
    const sub = join(dir, SPEC.folder, digest.slice(0, 2));
    const dead = join(sub, `.${digest}.${IMPOSSIBLE_PID}.0123456789ab.tmp`);
    const live = tempPathFor(fileOf(dir, digest));
    await writeFile(dead, 'half a blob');
    await writeFile(live, 'a blob being written');
    // Foreign names are not listed: not a digest, a digest in another subfolder, upper case.
    await writeFile(join(sub, 'README'), '');
    await writeFile(join(sub, `${digest[0] === 'a' ? 'b' : 'a'}${digest.slice(1)}`), '');
    await writeFile(join(sub, digest.toUpperCase()), '');
    expect(await first.digests()).toEqual([digest]);

    const second = new FilesystemBlobBackend(SPEC, { root: dir });
    expect(await second.digests()).toEqual([digest]);
    const entries = await readdir(sub);
    expect(entries).not.toContain(dead.slice(sub.length + 1));
    expect(entries).toContain(live.slice(sub.length + 1));
  });

  test('a folder deleted under a running backend reads as empty, and the next put creates it again', async ({
    dir,
  }) => {
    const blobs = new FilesystemBlobBackend(SPEC, { root: dir });
    const digest = await blobs.put(new TextEncoder().encode('first'));
    await rm(join(dir, SPEC.folder), { recursive: true });
    expect(await blobs.get(digest)).toBeNull();
    expect(await blobs.has(digest)).toBe(false);
    expect(await blobs.remove(digest)).toBe(false);
    expect(await blobs.digests()).toEqual([]);
    expect(await blobs.put(new TextEncoder().encode('first'))).toBe(digest);
    expect(await blobs.digests()).toEqual([digest]);
  });

  test('a folder replaced by a file is a CorruptDataError, not a missing blob', async ({ dir }) => {
    const blobs = new FilesystemBlobBackend(SPEC, { root: dir });
    const digest = await blobs.put(new TextEncoder().encode('first'));
    await rm(join(dir, SPEC.folder), { recursive: true });
    await writeFile(join(dir, SPEC.folder), 'not a folder');
    for (const call of [() => blobs.get(digest), () => blobs.put(new Uint8Array(1)), () => blobs.digests()]) {
      const error = await rejectionOf(call, 'CORRUPT_DATA');
      expect(error.details).toMatchObject({ file: join(dir, SPEC.folder) });
    }
  });
});
