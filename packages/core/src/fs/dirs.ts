import type { Dirent } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { io } from './io.js';

/** Mode of every directory a store creates: owner only. */
export const DIR_MODE = 0o700;

/**
 * Creates `dir` (and, when `recursive`, its missing parents) with mode 0700, set explicitly because the
 * umask may strip bits. Directories that already existed keep their mode: they are the caller's.
 */
export function makePrivateDir(dir: string, recursive: boolean): void {
  // Level by level rather than mkdir's own recursion, which does not say which levels it created.
  const target = resolve(dir);
  try {
    io.mkdirSync(target, { mode: DIR_MODE });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    if (code !== 'ENOENT' || !recursive || dirname(target) === target) throw error;
    makePrivateDir(dirname(target), true);
    makePrivateDir(target, false);
    return;
  }
  io.chmodSync(target, DIR_MODE);
}

/** Makes the entries of `dir` (creations, renames, removals) durable. */
export async function syncDirectory(dir: string): Promise<void> {
  const fd = openDirectory(dir);
  if (fd === null) return;
  try {
    await io.fsync(fd);
  } finally {
    io.closeSync(fd);
  }
}

/** {@link syncDirectory}, synchronously (for the synchronous faces: it blocks until the device is done). */
export function syncDirectorySync(dir: string): void {
  const fd = openDirectory(dir);
  if (fd === null) return;
  try {
    io.fsyncSync(fd);
  } finally {
    io.closeSync(fd);
  }
}

// Windows cannot open a directory for fsync (null); its rename is durable through the journal instead.
function openDirectory(dir: string): number | null {
  return process.platform === 'win32' ? null : io.openSync(dir, 'r');
}

/** The options of a `readdir` that tells files from folders. */
export const DIRENTS = { withFileTypes: true } as const;

/** The `readdir` failure of a missing folder (deleted under a running backend) as its empty listing; any other is rethrown. */
export function missingAsEmpty(error: unknown): Dirent[] {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
  throw error;
}

/** The entries of folder `dir`, synchronously: none when it is missing. */
export function listSync(dir: string): Dirent[] {
  try {
    return io.readdirSync(dir, DIRENTS);
  } catch (error) {
    return missingAsEmpty(error);
  }
}
