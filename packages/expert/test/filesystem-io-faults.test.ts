import { realpath } from 'node:fs/promises';
import type { OmegaError } from '@omega/core';
import { INJECTED_FAULTS, runWithFault } from '@omega/core/testing';
import { testWithTempDir } from '@omega/test-kit';
import { describe, expect } from 'vitest';
import { FilesystemExpertProvider } from '../src/filesystem.js';
import { writeExpertFile } from './files.js';

const test = testWithTempDir('omega-expert-faults-');

// The family writes nothing (register changes memory only), so its faults are failing reads during a
// reload: each filesystem call of it fails in turn, and the experts loaded before must stay.
describe('FilesystemExpertProvider.reload under injected filesystem faults', () => {
  test('each failing call is a StorageFailureError naming a file of the directory, and the loaded experts stay', async ({
    dir,
  }) => {
    await writeExpertFile(dir, 'a.md', ['description: a']);
    await writeExpertFile(dir, 'b.md', ['description: b']);
    const roots = [dir, await realpath(dir)];
    await using provider = new FilesystemExpertProvider({ dir });
    const before = provider.list();
    const { calls } = await runWithFault(async () => provider.reload());
    expect(calls.length).toBeGreaterThan(0);
    // One row per fault and call, compared at once: a failure shows every case that went wrong.
    const seen: unknown[] = [];
    const wanted: unknown[] = [];
    for (const fault of INJECTED_FAULTS.filter((f) => f !== 'short write')) {
      for (let at = 1; at <= calls.length; at++) {
        const run = await runWithFault(async () => provider.reload(), { at, fault });
        const error = run.outcome.ok ? undefined : (run.outcome.error as OmegaError);
        const file = String(error?.details?.file);
        seen.push({
          at: `${fault} at ${run.injected?.call}`,
          code: error?.code,
          errno: error?.details?.errno,
          operation: error?.details?.operation,
          inDirectory: roots.some((root) => file.startsWith(root)),
          unchanged: JSON.stringify(provider.list()) === JSON.stringify(before),
        });
        wanted.push({
          at: `${fault} at ${run.injected?.call}`,
          code: 'STORAGE_FAILURE',
          errno: fault,
          operation: 'load',
          inDirectory: true,
          unchanged: true,
        });
      }
    }
    expect(seen).toStrictEqual(wanted);
  });
});
