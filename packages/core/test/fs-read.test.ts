import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { testWithTempDir } from '@omega/test-kit';
import { describe, expect } from 'vitest';
import { ReadableFile } from '../src/fs/read.js';

const test = testWithTempDir('omega-fs-read-');

/** Opens `file`, which must exist. */
function openFile(file: string): ReadableFile {
  const handle = ReadableFile.open(file);
  if (handle === null) throw new Error(`${file} is missing`);
  return handle;
}

describe('ReadableFile: the bytes read at open share one buffer', () => {
  test('a handle opened before another still reads its own bytes', async ({ dir }) => {
    const first = join(dir, 'first');
    const second = join(dir, 'second');
    await writeFile(first, 'first file\n');
    await writeFile(second, 'SECOND FILE, LONGER\n');
    const a = openFile(first);
    const b = openFile(second);
    try {
      expect(a.readPrefixSync(a.size).toString()).toBe('first file\n');
      expect(b.readPrefixSync(5).toString()).toBe('SECON');
      expect(a.readPrefixSync(5).toString()).toBe('first');
      expect((await a.readPrefix(a.size + 10)).toString()).toBe('first file\n');
    } finally {
      a.close();
      b.close();
    }
  });

  test('readPrefix returns bytes of its own, unchanged by a later open', async ({ dir }) => {
    const first = join(dir, 'first');
    const second = join(dir, 'second');
    await writeFile(first, 'aaaa');
    await writeFile(second, 'bbbb');
    const a = openFile(first);
    const owned = await a.readPrefix(4);
    a.close();
    openFile(second).close();
    expect(owned.toString()).toBe('aaaa');
  });

  test('a file longer than the prefetch is read whole past the bytes read at open', async ({ dir }) => {
    const file = join(dir, 'long');
    const text = Array.from({ length: 3000 }, (_, i) => `${i},`).join('');
    await writeFile(file, text);
    const handle = openFile(file);
    try {
      openFile(join(dir, 'long')).close();
      expect(handle.size).toBe(Buffer.byteLength(text));
      expect(handle.readPrefixSync(handle.size).toString()).toBe(text);
      expect((await handle.readPrefix(handle.size)).toString()).toBe(text);
    } finally {
      handle.close();
    }
  });
});
