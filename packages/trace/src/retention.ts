import { join } from 'node:path';
import { isValidName } from '@omega/core';
import { io } from '@omega/core/fs';
import { SEGMENT_FILE } from './segment-file.js';

/** How much the trace folder keeps, across runs and writers. */
export interface Retention {
  /** Oldest files are removed while the folder holds more bytes than this. */
  maxTotalBytes: number;
  /** Files last written longer ago than this are removed. */
  maxAgeMs: number;
}

interface TraceFile {
  path: string;
  size: number;
  mtimeMs: number;
}

// A folder or file removed meanwhile (by another process's retention or clear) is simply not there.
function orNone<T>(read: () => T, none: T): T {
  try {
    return read();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return none;
    throw error;
  }
}

/** The run folders of the trace folder `dir` (none when it does not exist); anything else is left alone. */
export function runFolders(dir: string): string[] {
  const entries = orNone(() => io.readdirSync(dir, { withFileTypes: true }), []);
  return entries.filter((entry) => entry.isDirectory() && isValidName(entry.name)).map((entry) => entry.name);
}

/** The trace files of run folder `runDir`, by name. */
export function segmentFiles(runDir: string): string[] {
  return orNone(() => io.readdirSync(runDir), []).filter((name) => SEGMENT_FILE.test(name));
}

/**
 * Removes trace files of every run and writer, oldest first, while the folder holds more than
 * `maxTotalBytes` or they are older than `maxAgeMs`; never one in `keep` (this writer's open segments).
 * Another writer whose open segment goes notices at its next write and starts a new one: what it wrote
 * there was the oldest data, and its next write lands in the new file. Run folders left empty are removed.
 */
export function applyRetention(
  dir: string,
  keep: ReadonlySet<string>,
  retention: Retention,
  now: number,
): void {
  const files: TraceFile[] = [];
  let total = 0;
  const runs = runFolders(dir);
  for (const run of runs) {
    const runDir = join(dir, run);
    for (const name of segmentFiles(runDir)) {
      const path = join(runDir, name);
      const stat = orNone(() => io.lstatSync(path), null);
      if (stat === null || !stat.isFile()) continue;
      files.push({ path, size: stat.size, mtimeMs: stat.mtimeMs });
      total += stat.size;
    }
  }
  files.sort((a, b) => a.mtimeMs - b.mtimeMs);
  const oldest = now - retention.maxAgeMs;
  for (const file of files) {
    if (total <= retention.maxTotalBytes && file.mtimeMs >= oldest) break;
    if (keep.has(file.path)) continue;
    orNone(() => io.unlinkSync(file.path), undefined);
    total -= file.size;
  }
  for (const run of runs) {
    try {
      io.rmdirSync(join(dir, run));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'ENOENT') throw error;
    }
  }
}
