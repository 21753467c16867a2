import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'vitest';

/** Creates a fresh directory in the OS temp directory, its name starting with `prefix`; returns its path. */
export function createTempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Removes `dir` and everything in it; a directory already gone is not an error. */
export function removeTempDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}

/** A temp directory and the function that removes it. */
export interface TempDir {
  dir: string;
  remove: () => Promise<void>;
}

/** A fresh temp directory (see {@link createTempDir}) and its removal. */
export async function tempDir(prefix: string): Promise<TempDir> {
  const dir = await createTempDir(prefix);
  return { dir, remove: () => removeTempDir(dir) };
}

/** A vitest `test` whose `dir` fixture is a fresh temp directory, removed after the test. */
export function testWithTempDir(prefix: string) {
  return test.extend<{ dir: string }>({
    // biome-ignore lint/correctness/noEmptyPattern: vitest reads fixture dependencies from this pattern
    dir: async ({}, use) => {
      const dir = await createTempDir(prefix);
      await use(dir);
      await removeTempDir(dir);
    },
  });
}
