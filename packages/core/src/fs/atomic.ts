import type { Stats } from 'node:fs';
import { join } from 'node:path';
import { io } from './io.js';
import { holderState, isProcessAlive, thisHost } from './process.js';
import {
  replaceWithTemp,
  replaceWithTempSync,
  tempOwner,
  toChunks,
  writeTempFile,
  writeTempFileSync,
} from './temp.js';

/** Options of a write. */
export interface WriteOptions {
  /**
   * fsync the file before it replaces the target, and the directory after (default true). With false
   * the replace is still atomic for readers, but a power loss may lose it.
   */
  durable?: boolean;
}

/**
 * Replaces `file` with `data` atomically: readers see the old content or the new, never a mix, even if
 * this process is killed midway. Writes a temp file `.<basename>.<pid>.<random hex>.tmp` in the same
 * directory (opened 'wx', mode 0600 set explicitly), fsyncs it, renames it over `file`, and fsyncs the
 * directory; the fsyncs are skipped with `durable: false`. The temp file is removed on any failure.
 * The directory must exist; I/O failures reject with the Node.js system error.
 */
export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array | readonly Uint8Array[],
  options: WriteOptions = {},
): Promise<void> {
  const durable = options.durable ?? true;
  const temp = await writeTempFile(file, toChunks(data), durable);
  await replaceWithTemp(temp, file, durable);
}

/** {@link writeFileAtomic}, synchronously: the writes and fsyncs block the thread. */
export function writeFileAtomicSync(
  file: string,
  data: string | Uint8Array | readonly Uint8Array[],
  options: WriteOptions = {},
): void {
  const durable = options.durable ?? true;
  replaceWithTempSync(writeTempFileSync(file, toChunks(data), durable), file, durable);
}

/**
 * How old a temp entry of a writer that cannot be checked (another pid namespace, as in containers, or
 * another boot) must be before it is swept: writes take seconds, so an hour means its writer is gone.
 */
export const UNCHECKED_TEMP_AGE_MS = 60 * 60 * 1000;

/**
 * Removes the temp entries that writers killed midway left in `dir` (named as by
 * {@link writeFileAtomic}): those whose writer certainly no longer runs (its pid is gone, or taken by a
 * process that started at another time), and those of writers that cannot be checked from here once
 * they are {@link UNCHECKED_TEMP_AGE_MS} old. A live writer's temp file is kept, and so is a claimed one
 * (see document-commit.ts). Returns the removed paths; a missing `dir` has none.
 */
export async function sweepTempFiles(dir: string): Promise<string[]> {
  const stale = staleTemps(dir, await io.readdir(dir).catch(noEntries));
  // A lock being initialised uses a temp directory, hence recursive; force: another sweeper may win.
  for (const path of stale) await io.rm(path, SWEEP);
  return stale;
}

/** {@link sweepTempFiles}, synchronously. */
export function sweepTempFilesSync(dir: string): string[] {
  let entries: string[];
  try {
    entries = io.readdirSync(dir);
  } catch (error) {
    entries = noEntries(error);
  }
  const stale = staleTemps(dir, entries);
  for (const path of stale) io.rmSync(path, SWEEP);
  return stale;
}

const SWEEP = { recursive: true, force: true };

// A missing folder holds no temp entries.
function noEntries(error: unknown): string[] {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
  throw error;
}

// The paths of the temp entries among `entries` of `dir` whose writer is certainly gone, or cannot be
// checked and left them long ago.
function staleTemps(dir: string, entries: readonly string[]): string[] {
  const stale: string[] = [];
  for (const entry of entries) {
    const owner = tempOwner(entry);
    if (owner === null) continue;
    const path = join(dir, entry);
    // A claimed one (a second link, see document-commit.ts) is a committed write: the next writer of its
    // document installs it or, once its state is gone, removes it.
    if (isClaimed(path)) continue;
    const state =
      owner.identity === null
        ? isProcessAlive(owner.pid)
          ? 'alive'
          : 'dead'
        : holderState({ ...owner.identity, host: thisHost() });
    if (state === 'dead' || (state === 'unknown' && olderThan(path, UNCHECKED_TEMP_AGE_MS))) stale.push(path);
  }
  return stale;
}

// Whether the file at `path` has a second name: a claim (a directory always has, its own `.`).
function isClaimed(path: string): boolean {
  try {
    const stats = io.lstatSync(path);
    return !stats.isDirectory() && stats.nlink > 1;
  } catch {
    return false;
  }
}

// False when `path` is gone (another sweeper won) or younger than `ageMs`. An lstat does not wait for the
// device (see io.ts), so it is made synchronously.
function olderThan(path: string, ageMs: number): boolean {
  let stats: Stats;
  try {
    stats = io.lstatSync(path);
  } catch {
    return false;
  }
  return Date.now() - stats.mtimeMs >= ageMs;
}
