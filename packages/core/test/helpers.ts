import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base } from 'vitest';

/** A vitest `test` whose `dir` fixture is a fresh temp directory, removed after the test. */
export function testWithTempDir(prefix: string) {
  return base.extend<{ dir: string }>({
    // biome-ignore lint/correctness/noEmptyPattern: vitest reads fixture dependencies from this pattern
    dir: async ({}, use) => {
      const dir = await mkdtemp(join(tmpdir(), prefix));
      await use(dir);
      await rm(dir, { recursive: true, force: true });
    },
  });
}

/** The rejection of `promise`; fails the test when it resolves. */
export async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** Permission bits of a path. */
export async function modeOf(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

/** Above Linux's largest pid_max (2^22), so no process can have it. */
export const IMPOSSIBLE_PID = 99_999_999;
