import { readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isOmegaError } from '@omega/core';
import { MAX_BODY_BYTES } from '@omega/core/fs';
import { createTempDir, removeTempDir } from '@omega/test-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exoticSnapshot } from '../src/conformance-fixtures.js';
import { MemorySnapshotProvider } from '../src/memory.js';

describe('import bounds the file before reading it', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await createTempDir('omega-snapshot-import-limits-');
  });

  afterEach(async () => {
    await removeTempDir(dir);
  });

  /** A real export whose header is rewritten to announce `bodyBytes`, grown sparsely to match. */
  async function hugeExport(bodyBytes: number): Promise<string> {
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

  for (const [label, bodyBytes] of [
    ['600 MB', 600 * 1024 * 1024],
    ['3 GB', 3 * 1024 * 1024 * 1024],
  ] as const) {
    it(`a ${label} export is a CorruptDataError stating the limit, not a RangeError`, async () => {
      const file = await hugeExport(bodyBytes);
      const target = new MemorySnapshotProvider();
      const error = await target.import(file).then(
        () => null,
        (e: unknown) => e,
      );
      await target.close();
      expect(isOmegaError(error, 'CORRUPT_DATA')).toBe(true);
      expect((error as { details: unknown }).details).toMatchObject({
        file,
        path: '$.bodyBytes',
        limit: MAX_BODY_BYTES,
      });
    });
  }
});
