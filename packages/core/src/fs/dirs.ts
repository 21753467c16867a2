import { chmod, mkdir, open } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/** Mode of every directory a store creates: owner only. */
export const DIR_MODE = 0o700;

/**
 * Creates `dir` (and, when `recursive`, its missing parents) with mode 0700, set explicitly because the
 * umask may strip bits. Directories that already existed keep their mode: they are the caller's.
 */
export async function makePrivateDir(dir: string, recursive: boolean): Promise<void> {
  // Level by level rather than mkdir's own recursion, which does not say which levels it created.
  const target = resolve(dir);
  try {
    await mkdir(target, { mode: DIR_MODE });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    if (code !== 'ENOENT' || !recursive || dirname(target) === target) throw error;
    await makePrivateDir(dirname(target), true);
    await makePrivateDir(target, false);
    return;
  }
  await chmod(target, DIR_MODE);
}

/** Makes the entries of `dir` (creations, renames, removals) durable. */
export async function syncDirectory(dir: string): Promise<void> {
  // Windows cannot open a directory for fsync; its rename is durable through the journal instead.
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
