import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertBuilt, spawnChild, testWithTempDir } from '@omega/test-kit';
import { beforeAll, describe, expect } from 'vitest';
import { FilesystemBlobBackend } from '../src/fs/blobs.js';

const test = testWithTempDir('omega-fs-blobs-slow-');

const PUT = fileURLToPath(new URL('./fixtures/blob-put.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../dist/fs.js', import.meta.url));

describe('FilesystemBlobBackend across processes', () => {
  // The child fixtures import the built package.
  beforeAll(() => assertBuilt(DIST));

  test('4 processes putting the same 30 blobs at once store each once, whole and verified', async ({
    dir,
  }) => {
    const count = 30;
    const children = Array.from({ length: 4 }, () => spawnChild(PUT, [dir, String(count)]));
    for (const child of children) expect(await child.nextLine()).toBe('ready');
    for (const child of children) child.child.stdin.write('go\n');
    const results = await Promise.all(
      children.map(async (child) => JSON.parse(await child.nextLine()) as string[]),
    );
    expect((await Promise.all(children.map((child) => child.exited))).map((exit) => exit.code)).toEqual([
      0, 0, 0, 0,
    ]);

    for (const digests of results) expect(digests).toEqual(results[0]);
    const digests = results[0]!;
    expect(new Set(digests).size).toBe(count);
    const blobs = new FilesystemBlobBackend({ kind: 'blob', folder: 'blobs' }, { root: dir });
    expect(await blobs.digests()).toEqual([...digests].sort());
    for (const [i, digest] of digests.entries()) {
      expect((await blobs.get(digest))?.byteLength).toBe(i % 3 === 0 ? i * 10_000 : i);
    }
    const entries = await readdir(join(dir, 'blobs'), { recursive: true });
    expect(entries.filter((entry) => entry.endsWith('.tmp'))).toEqual([]);
  });
});
