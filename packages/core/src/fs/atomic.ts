import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isProcessAlive } from './process.js';
import { replaceWithTemp, tempOwner, toChunks, writeTempFile } from './temp.js';

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

/**
 * Removes the temp entries that writers killed midway left in `dir` (named as by
 * {@link writeFileAtomic}) whose writer pid no longer runs on this host; a live writer's temp file is
 * kept. Returns the removed paths; a missing `dir` has none.
 */
export async function sweepTempFiles(dir: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const removed: string[] = [];
  for (const entry of entries) {
    const owner = tempOwner(entry);
    if (owner === null || isProcessAlive(owner)) continue;
    const path = join(dir, entry);
    // A lock being initialised uses a temp directory, hence recursive; force: another sweeper may win.
    await rm(path, { recursive: true, force: true });
    removed.push(path);
  }
  return removed;
}
