import type { Stats } from 'node:fs';
import { join, resolve } from 'node:path';
import { CorruptDataError, InvalidArgumentError } from '../errors.js';
import { assertValidName } from '../names.js';
import { makePrivateDir } from './dirs.js';
import { io } from './io.js';
import { symlinkError } from './read.js';
import { keepShape } from './shapes.js';

const EXTENSION = /^\.?[A-Za-z0-9]{1,16}$/;

/**
 * Opens a family folder under a store root: creates `root` (with missing parents) and `root/folder`
 * with mode 0700 set explicitly (directories that already existed keep their mode), resolves `root`
 * with realpath once, and returns the absolute folder path. `folder` follows the name rule; a folder
 * that is a symlink or not a directory is a `CorruptDataError` (details `{ file, reason }`).
 */
export async function openStoreDir(root: string, folder: string): Promise<string> {
  return openStoreDirSync(root, folder);
}

/** {@link openStoreDir}, synchronously: every call it makes is a directory operation, none waits for the device. */
export function openStoreDirSync(root: string, folder: string): string {
  if (typeof root !== 'string' || root.length === 0) {
    throw new InvalidArgumentError('a store root must be a non-empty path', {
      details: { root, reason: 'not a non-empty string' },
    });
  }
  assertValidName('folder', folder);
  const absoluteRoot = resolve(root);
  try {
    makePrivateDir(absoluteRoot, true);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR' || code === 'EEXIST') throw rootNotDirectory(absoluteRoot);
    throw error;
  }
  // The root is the caller's path (a symlink there is theirs to follow), so a file there is a bad
  // argument, not damaged store data.
  if (!io.statSync(absoluteRoot).isDirectory()) throw rootNotDirectory(absoluteRoot);
  const dir = join(io.realpathSync(absoluteRoot), folder);
  makePrivateDir(dir, false);
  checkStoreDirSync(dir);
  return dir;
}

function rootNotDirectory(root: string): InvalidArgumentError {
  return new InvalidArgumentError(`store root ${root} is not a directory`, {
    details: { root, reason: 'not a directory' },
  });
}

/**
 * Checks, with one lstat, that the family folder `dir` a store opened is still its own directory: false
 * when it is gone; a `CorruptDataError` (details `{ file, reason }`) when it is a symlink (the same error
 * as at open) or not a directory.
 */
export async function checkStoreDir(dir: string): Promise<boolean> {
  return checkStoreDirSync(dir);
}

/** {@link checkStoreDir}, synchronously. */
export function checkStoreDirSync(dir: string): boolean {
  let stats: Stats;
  try {
    stats = io.lstatSync(dir);
    keepShape('folder stats', stats);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  if (stats.isSymbolicLink()) throw symlinkError(dir);
  if (!stats.isDirectory()) {
    throw new CorruptDataError(`${dir} is not a directory`, {
      details: { file: dir, reason: 'not a directory' },
    });
  }
  return true;
}

/**
 * The path of entry `name` in `dir`, with `extension` (with or without its leading dot). The name is
 * checked first ({@link assertValidName}, an `InvalidNameError` naming `kind`), so the path never
 * leaves `dir`.
 */
export function entryFile(dir: string, kind: string, name: string, extension: string): string {
  assertValidName(kind, name);
  if (!EXTENSION.test(extension)) {
    throw new InvalidArgumentError(`invalid file extension ${JSON.stringify(extension)}`, {
      details: { kind, name, extension, reason: 'extension must be 1-16 letters or digits' },
    });
  }
  return join(dir, extension.startsWith('.') ? `${name}${extension}` : `${name}.${extension}`);
}

/** Rejects with a `CorruptDataError` (details `{ file, reason: 'symlink' }`) when `file` is a symlink. */
export async function refuseSymlink(file: string): Promise<void> {
  refuseSymlinkSync(file);
}

/** {@link refuseSymlink}, synchronously: throws. */
export function refuseSymlinkSync(file: string): void {
  let isLink: boolean;
  try {
    isLink = io.lstatSync(file).isSymbolicLink();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (isLink) throw symlinkError(file);
}

/**
 * Rejects with a `CorruptDataError` (details `{ file, reason }`) when `file` exists and is not a regular
 * file: a symlink (reason `'symlink'`) or anything else, such as a directory (`'not a regular file'`).
 */
export async function refuseNonFile(file: string): Promise<void> {
  refuseNonFileSync(file);
}

/** {@link refuseNonFile}, synchronously: throws. */
export function refuseNonFileSync(file: string): void {
  let stats: Stats;
  try {
    stats = io.lstatSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (stats.isSymbolicLink()) throw symlinkError(file);
  if (!stats.isFile()) {
    throw new CorruptDataError(`${file} is not a regular file`, {
      details: { file, reason: 'not a regular file' },
    });
  }
}
