import { readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MAX_BODY_BYTES } from '@omega/core/fs';
import { rejectionOf } from '@omega/core/testing';
import { testWithTempDir } from '@omega/test-kit';
import { describe, expect } from 'vitest';
import { exoticSnapshot } from '../src/conformance-fixtures.js';
import { MemorySnapshotProvider } from '../src/memory.js';

const test = testWithTempDir('omega-snapshot-import-limits-');

/** A real export in `dir` whose header is rewritten to announce `bodyBytes`, grown sparsely to match. */
async function hugeExport(dir: string, bodyBytes: number): Promise<string> {
  const source = new MemorySnapshotProvider();
  const file = join(dir, 'big.snapshot');
  await source.save('big', exoticSnapshot());
  await source.export('big', file);
  await source.close();
  const text = await readFile(file, 'utf8');
  const header = JSON.parse(text.slice(0, text.indexOf('\n'))) as Record<string, unknown>;
  const line = `${JSON.stringify({ ...header, bodyBytes })}\n`;
  await writeFile(file, line);
  await truncate(file, Buffer.byteLength(line) + bodyBytes + 1);
  return file;
}

describe('import bounds the file before reading it', () => {
  test.for([
    ['600 MB', 600 * 1024 * 1024],
    ['3 GB', 3 * 1024 * 1024 * 1024],
  ] as const)(
    'a %s export is a CorruptDataError stating the limit, not a RangeError',
    async ([, bodyBytes], { dir }) => {
      const file = await hugeExport(dir, bodyBytes);
      const target = new MemorySnapshotProvider();
      const error = await rejectionOf(target.import(file), 'CORRUPT_DATA');
      await target.close();
      expect(error.details).toMatchObject({ file, path: '$.bodyBytes', limit: MAX_BODY_BYTES });
    },
  );
});
