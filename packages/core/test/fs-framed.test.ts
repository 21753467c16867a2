import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { testWithTempDir } from '@omega/test-kit';
import { describe, expect } from 'vitest';
import { z } from 'zod';
import { readFramedFile, readFramedHeader, writeFramedFile } from '../src/fs/framed.js';
import { rejectionOf } from '../src/testing.js';

const test = testWithTempDir('omega-fs-framed-');

const Header = z.object({ createdAt: z.number().int(), tags: z.array(z.string()) });
type Header = z.infer<typeof Header>;
const META = { format: 'omega.test', formatVersion: 2, name: 'doc-1' };
const EXPECT = { format: 'omega.test', formatVersion: 2 };
const HEADER: Header = { createdAt: 1_700_000_000_000, tags: ['a', 'b'] };
const BODY = '{"text":"héllo wörld ✓","n":[1,2,3]}';

async function writeSample(dir: string): Promise<string> {
  const file = join(dir, 'doc-1.jsonl');
  await writeFramedFile(file, META, HEADER, BODY);
  return file;
}

function headerLine(fields: Record<string, unknown>): string {
  return JSON.stringify({ ...META, ...HEADER, bodyBytes: Buffer.byteLength(BODY), ...fields });
}

describe('writeFramedFile / readFramedFile', () => {
  test('round trips name, version, header fields and body', async ({ dir }) => {
    const file = await writeSample(dir);
    expect(await readFramedFile(file, EXPECT, Header)).toEqual({
      name: 'doc-1',
      formatVersion: 2,
      header: HEADER,
      body: BODY,
      bodyBytes: Buffer.byteLength(BODY),
      file,
    });
    expect(await readFramedHeader(file, EXPECT, Header)).toEqual({
      name: 'doc-1',
      formatVersion: 2,
      header: HEADER,
      bodyBytes: Buffer.byteLength(BODY),
      file,
    });
  });

  test('the file is a JSON header line, then the body line; bodyBytes counts UTF-8 bytes', async ({
    dir,
  }) => {
    const file = await writeSample(dir);
    const text = await readFile(file, 'utf8');
    const [line, body, rest] = text.split('\n');
    expect(JSON.parse(line!)).toEqual({
      format: META.format,
      version: META.formatVersion,
      name: META.name,
      ...HEADER,
      bodyBytes: Buffer.byteLength(BODY),
    });
    expect(Object.keys(JSON.parse(line!))).toEqual([
      'format',
      'version',
      'name',
      'createdAt',
      'tags',
      'bodyBytes',
    ]);
    expect(Buffer.byteLength(BODY)).toBeGreaterThan(BODY.length);
    expect(body).toBe(BODY);
    expect(rest).toBe('');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['doc-1.jsonl']);
  });

  test('an empty body and a large body round trip', async ({ dir }) => {
    const file = join(dir, 'x.jsonl');
    await writeFramedFile(file, META, HEADER, '', { durable: false });
    expect((await readFramedFile(file, EXPECT, Header))?.body).toBe('');
    const large = JSON.stringify({ blob: 'é'.repeat(1 << 20) });
    await writeFramedFile(file, META, HEADER, large);
    const read = await readFramedFile(file, EXPECT, Header);
    expect(read?.body).toBe(large);
    expect(read?.bodyBytes).toBe(Buffer.byteLength(large));
    expect((await readFramedHeader(file, EXPECT, Header))?.bodyBytes).toBe(Buffer.byteLength(large));
  });

  test('bodies on either side of the one-buffer size are written whole', async ({ dir }) => {
    const file = join(dir, 'edge.jsonl');
    for (const units of [16 * 1024 - 1, 16 * 1024, 16 * 1024 + 1]) {
      for (const body of ['a'.repeat(units), 'é'.repeat(units)]) {
        await writeFramedFile(file, META, HEADER, body, { durable: false });
        const bytes = Buffer.byteLength(body);
        expect((await stat(file)).size).toBe(bytes + 2 + (await readFile(file, 'utf8')).indexOf('\n'));
        const read = await readFramedFile(file, EXPECT, Header);
        expect(read?.body).toBe(body);
        expect(read?.bodyBytes).toBe(bytes);
      }
    }
  });

  test('older versions are read; the header schema may transform', async ({ dir }) => {
    const file = await writeSample(dir);
    const read = await readFramedFile(
      file,
      { format: 'omega.test', formatVersion: 5 },
      Header.transform((h) => h.tags.length),
    );
    expect(read?.formatVersion).toBe(2);
    expect(read?.header).toBe(2);
  });

  test('a header setting a reserved field, or not an object, is an InvalidArgumentError', async ({ dir }) => {
    const file = join(dir, 'x.jsonl');
    for (const key of ['format', 'version', 'name', 'bodyBytes']) {
      const error = await rejectionOf(writeFramedFile(file, META, { [key]: 1 }, BODY), 'INVALID_ARGUMENT');
      expect(error.details).toMatchObject({ file, path: `$.${key}` });
    }
    for (const header of [null, [1], 'text', { n: 1n }]) {
      await rejectionOf(writeFramedFile(file, META, header, BODY), 'INVALID_ARGUMENT');
    }
    expect(await readdir(dir)).toEqual([]);
  });

  test('a missing file is null', async ({ dir }) => {
    expect(await readFramedFile(join(dir, 'none.jsonl'), EXPECT, Header)).toBeNull();
    expect(await readFramedHeader(join(dir, 'none.jsonl'), EXPECT, Header)).toBeNull();
  });

  test('a symlink is refused, even to a valid document', async ({ dir }) => {
    const target = await writeSample(dir);
    const link = join(dir, 'link.jsonl');
    await symlink(target, link);
    for (const read of [readFramedFile, readFramedHeader]) {
      const error = await rejectionOf(read(link, EXPECT, Header), 'CORRUPT_DATA');
      expect(error.details).toMatchObject({ file: link, reason: 'symlink' });
    }
  });

  test('a symlink is followed only when the caller asks', async ({ dir }) => {
    const target = await writeSample(dir);
    const link = join(dir, 'link.jsonl');
    await symlink(target, link);
    const followed = await readFramedFile(link, EXPECT, Header, { followSymlinks: true });
    expect(followed).toMatchObject({ name: 'doc-1', header: HEADER, body: BODY, file: link });
  });

  test('a directory in place of the file is corrupt', async ({ dir }) => {
    const inner = join(dir, 'dir.jsonl');
    await mkdir(inner);
    for (const read of [readFramedFile, readFramedHeader]) {
      const error = await rejectionOf(read(inner, EXPECT, Header), 'CORRUPT_DATA');
      expect(error.details).toMatchObject({
        file: inner,
        reason: 'not a regular file',
      });
    }
  });

  test.runIf(process.platform === 'linux')(
    'a FIFO in place of the file is corrupt and does not block',
    async ({ dir }) => {
      const fifo = join(dir, 'fifo.jsonl');
      execFileSync('mkfifo', [fifo]);
      for (const read of [readFramedFile, readFramedHeader]) {
        const error = await rejectionOf(read(fifo, EXPECT, Header), 'CORRUPT_DATA');
        expect(error.details).toMatchObject({
          file: fifo,
          reason: 'not a regular file',
        });
      }
    },
  );
});

// Each case turns the bytes of a valid document into a damaged one; `path` is where the reader must point.
const CORRUPTIONS: Array<{
  label: string;
  path: string;
  damage: (text: string) => string;
  headerToo: boolean;
}> = [
  { label: 'empty file', path: '$', damage: () => '', headerToo: true },
  { label: 'no newline at all', path: '$', damage: (t) => t.replaceAll('\n', ''), headerToo: true },
  { label: 'header not JSON', path: '$', damage: (t) => `{oops${t}`, headerToo: true },
  { label: 'header a JSON array', path: '$', damage: (t) => `[1]\n${t.split('\n')[1]}\n`, headerToo: true },
  {
    label: 'wrong format tag',
    path: '$.format',
    damage: (t) => t.replace('"omega.test"', '"omega.other"'),
    headerToo: true,
  },
  {
    label: 'newer version',
    path: '$.version',
    damage: (t) => t.replace('"version":2', '"version":3'),
    headerToo: true,
  },
  {
    label: 'version 0',
    path: '$.version',
    damage: (t) => t.replace('"version":2', '"version":0'),
    headerToo: true,
  },
  {
    label: 'version not an integer',
    path: '$.version',
    damage: (t) => t.replace('"version":2', '"version":"2"'),
    headerToo: true,
  },
  {
    label: 'name not a string',
    path: '$.name',
    damage: (t) => t.replace('"name":"doc-1"', '"name":7'),
    headerToo: true,
  },
  {
    label: 'header field of the wrong type',
    path: '$.createdAt',
    damage: (t) => t.replace('"createdAt":1700000000000', '"createdAt":"yesterday"'),
    headerToo: true,
  },
  {
    label: 'nested header field of the wrong type',
    path: '$.tags[1]',
    damage: (t) => t.replace('"tags":["a","b"]', '"tags":["a",2]'),
    headerToo: true,
  },
  {
    label: 'header field missing',
    path: '$.tags',
    damage: (t) => t.replace(',"tags":["a","b"]', ''),
    headerToo: true,
  },
  {
    label: 'bodyBytes negative',
    path: '$.bodyBytes',
    damage: (t) => t.replace(/"bodyBytes":\d+/, '"bodyBytes":-1'),
    headerToo: true,
  },
  { label: 'body truncated', path: '$.bodyBytes', damage: (t) => t.slice(0, -10), headerToo: true },
  { label: 'body extended', path: '$.bodyBytes', damage: (t) => `${t}{"more":1}\n`, headerToo: true },
  { label: 'closing newline missing', path: '$.bodyBytes', damage: (t) => t.slice(0, -1), headerToo: true },
  {
    label: 'closing newline replaced',
    path: 'body',
    damage: (t) => `${t.slice(0, -1)} `,
    headerToo: false,
  },
];

describe('corrupt framed files are CorruptDataError naming the file and the first bad path', () => {
  test.for(CORRUPTIONS)('$label', async ({ damage, path, headerToo }, { dir }) => {
    const file = await writeSample(dir);
    await writeFile(file, damage(await readFile(file, 'utf8')));
    const readers = headerToo ? [readFramedFile, readFramedHeader] : [readFramedFile];
    for (const read of readers) {
      const error = await rejectionOf(read(file, EXPECT, Header), 'CORRUPT_DATA');
      expect(error.details).toMatchObject({
        file,
        path,
        reason: expect.any(String),
      });
    }
  });

  test('a body that is not UTF-8 is corrupt', async ({ dir }) => {
    const file = await writeSample(dir);
    const bytes = await readFile(file);
    bytes[bytes.length - 3] = 0xff;
    await writeFile(file, bytes);
    const error = await rejectionOf(readFramedFile(file, EXPECT, Header), 'CORRUPT_DATA');
    expect(error.details).toMatchObject({ file, path: 'body' });
  });

  test('a header line longer than the first read is still found', async ({ dir }) => {
    const file = join(dir, 'long.jsonl');
    const tags = Array.from({ length: 2000 }, (_, i) => `tag-${i}`);
    await writeFramedFile(file, META, { ...HEADER, tags }, BODY);
    expect((await readFramedHeader(file, EXPECT, Header))?.header.tags).toEqual(tags);
    await writeFile(file, headerLine({ tags }));
    const error = await rejectionOf(readFramedHeader(file, EXPECT, Header), 'CORRUPT_DATA');
    expect(error.details).toMatchObject({ file, path: '$' });
  });
});
