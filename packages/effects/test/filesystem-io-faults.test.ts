import { realpath, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { INJECTED_FAULTS, runWithFault } from '@omega/core/testing';
import { testWithTempDir } from '@omega/test-kit';
import { describe, expect } from 'vitest';
import { FilesystemEffectHandlerRegistry } from '../src/filesystem.js';

const test = testWithTempDir('omega-effects-faults-');

// load() writes nothing, so its faults are failing reads: each filesystem call it makes fails in turn.
describe('FilesystemEffectHandlerRegistry.load under injected filesystem faults', () => {
  test('each failing call is a StorageFailureError naming its file, and nothing is registered', async ({
    dir,
  }) => {
    for (const name of ['a', 'b']) {
      await writeFile(
        join(dir, `${name}.mjs`),
        `export const op = '${name}.op';\nexport const handler = async () => ({ ok: true, value: 1 });\n`,
      );
    }
    const real = await realpath(dir);
    const clean = new FilesystemEffectHandlerRegistry({ dir });
    const { calls } = await runWithFault(() => clean.load());
    expect(clean.list()).toStrictEqual(['a.op', 'b.op']);
    await clean.close();
    expect(calls.length).toBeGreaterThan(0);
    for (const fault of INJECTED_FAULTS.filter((f) => f !== 'short write')) {
      for (let at = 1; at <= calls.length; at++) {
        const registry = new FilesystemEffectHandlerRegistry({ dir });
        const run = await runWithFault(() => registry.load(), { at, fault });
        const where = `${fault} at call ${at} (${run.injected?.call})`;
        expect(run.outcome.ok, where).toBe(false);
        if (run.outcome.ok) continue;
        expect(run.outcome.error, where).toMatchObject({
          code: 'STORAGE_FAILURE',
          details: { errno: fault, operation: 'load' },
        });
        const file = String((run.outcome.error as { details: { file: unknown } }).details.file);
        expect(
          [dir, real].some((root) => file.startsWith(root)),
          `${where}: ${file}`,
        ).toBe(true);
        expect(registry.list(), where).toStrictEqual([]);
        await registry.close();
      }
    }
  });
});
