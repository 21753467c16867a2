import { open, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { testWithTempDir } from '@omega/test-kit';
import { describe, expect } from 'vitest';
import { z } from 'zod';
import { MAX_BODY_BYTES, readFramedFile, writeFramedFile } from '../src/fs/framed.js';
import { rejectionOf } from '../src/testing.js';

const test = testWithTempDir('omega-fs-framed-limits-');

const Header = z.object({});
const META = { format: 'omega.test', formatVersion: 1, name: 'big' };
const EXPECT = { format: 'omega.test', formatVersion: 1 };

/** A valid header line announcing `bodyBytes`, then a sparse file of exactly that body: no disk used. */
async function sparseFramed(dir: string, bodyBytes: number): Promise<string> {
  const file = join(dir, 'big.jsonl');
  const line = `${JSON.stringify({ format: META.format, version: 1, name: META.name, bodyBytes })}\n`;
  await writeFile(file, line);
  await truncate(file, Buffer.byteLength(line) + bodyBytes + 1);
  return file;
}

describe('readFramedFile bounds the body before reading it', () => {
  test.for([
    ['600 MB', 600 * 1024 * 1024],
    ['3 GB', 3 * 1024 * 1024 * 1024],
  ] as const)('refuses a %s body from its header, with the limit', async ([, bodyBytes], { dir }) => {
    const file = await sparseFramed(dir, bodyBytes);
    const error = await rejectionOf(
      readFramedFile(file, EXPECT, Header, { followSymlinks: true }),
      'CORRUPT_DATA',
    );
    expect(error.details).toMatchObject({ file, path: '$.bodyBytes', limit: MAX_BODY_BYTES });
  });

  test('checks the header first: a wrong format in a huge file is named, not read', async ({ dir }) => {
    const file = join(dir, 'huge.jsonl');
    await writeFile(
      file,
      `${JSON.stringify({ format: 'other', version: 1, name: META.name, bodyBytes: 1 })}\n`,
    );
    await truncate(file, 3 * 1024 * 1024 * 1024);
    const error = await rejectionOf(readFramedFile(file, EXPECT, Header), 'CORRUPT_DATA');
    expect(error.details).toMatchObject({ file, path: '$.format' });
  });

  test('a huge file without a header line is corrupt, not a RangeError', async ({ dir }) => {
    const file = join(dir, 'no-header.jsonl');
    const handle = await open(file, 'w');
    await handle.truncate(3 * 1024 * 1024 * 1024);
    await handle.close();
    const error = await rejectionOf(readFramedFile(file, EXPECT, Header), 'CORRUPT_DATA');
    expect(error.details).toMatchObject({ file, path: '$' });
  });

  test('maxBodyBytes lowers the limit, and is validated', async ({ dir }) => {
    const file = join(dir, 'small.jsonl');
    await writeFramedFile(file, META, {}, 'x'.repeat(100));
    expect((await readFramedFile(file, EXPECT, Header, { maxBodyBytes: 100 }))?.body).toHaveLength(100);
    const error = await rejectionOf(
      readFramedFile(file, EXPECT, Header, { maxBodyBytes: 99 }),
      'CORRUPT_DATA',
    );
    expect(error.details).toMatchObject({ limit: 99 });
    await rejectionOf(readFramedFile(file, EXPECT, Header, { maxBodyBytes: -1 }), 'INVALID_ARGUMENT');
    await rejectionOf(
      readFramedFile(file, EXPECT, Header, { maxBodyBytes: MAX_BODY_BYTES + 1 }),
      'INVALID_ARGUMENT',
    );
  });

  test('reads a file whose header line is longer than the first read', async ({ dir }) => {
    const file = join(dir, 'long-header.jsonl');
    await writeFramedFile(file, META, { pad: 'p'.repeat(10_000) }, 'body');
    const doc = await readFramedFile(file, EXPECT, z.object({ pad: z.string() }));
    expect(doc?.body).toBe('body');
  });
});
