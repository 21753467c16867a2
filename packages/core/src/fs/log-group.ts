import { sizeConflict } from '../log.js';
import { syncDirectory } from './dirs.js';
import { io } from './io.js';
import { appendAll, createForAppend, notRegular, openForAppend } from './log-file.js';
import { type EncodedEntry, encodeGroup } from './log-line.js';
import type { LogState, PendingAppend } from './log-state.js';

/** Where and how {@link writeGroup} writes. */
export interface GroupTarget {
  /** The family folder, and the log's file in it. */
  dir: string;
  file: string;
  /** The log, and what its names name, for conflicts. */
  log: string;
  kind: string;
  durable: boolean;
}

/**
 * Writes one group of appends; call it holding the log's lock. Checks the tail (cutting a torn one),
 * each append's expected size in turn, then writes the accepted appends with one `write` and, when
 * durable, one `fdatasync`. Returns the position of each append, or its size conflict; rejects, having
 * stored nothing readable, when the write fails (what part of it landed is cut off again, or left as a
 * torn tail should that fail too), or with its entries stored when only the `fdatasync` fails.
 */
export async function writeGroup(
  target: GroupTarget,
  state: LogState,
  batch: readonly PendingAppend[],
): Promise<(number | Error)[]> {
  const { dir, file, log, kind, durable } = target;
  const { index } = state;
  let fd = openForAppend(file);
  try {
    if (fd === null) {
      index.clear();
    } else {
      const stats = io.fstatSync(fd);
      if (!stats.isFile()) throw notRegular(file);
      await state.catchUp(fd, file, stats);
      // A torn tail: a write that stopped midway, never acknowledged and never counted by readers.
      if (stats.size > index.bytes) io.ftruncateSync(fd, index.bytes);
    }
    const outcomes: (number | Error)[] = [];
    const accepted: EncodedEntry[] = [];
    const first = index.count;
    let size = first;
    for (const append of batch) {
      if (append.expectedSize !== undefined && append.expectedSize !== size) {
        outcomes.push(sizeConflict(kind, log, append.expectedSize, size));
        continue;
      }
      outcomes.push(size);
      for (const entry of append.entries) accepted.push(entry);
      size += append.entries.length;
    }
    if (accepted.length === 0) return outcomes;
    // Created only for entries: a refused first append leaves no file behind.
    if (fd === null) {
      fd = createForAppend(file);
      if (durable) await syncDirectory(dir);
      index.follow(io.fstatSync(fd));
    }
    const start = index.bytes;
    const { bytes, offsets } = encodeGroup(first, accepted);
    try {
      await appendAll(fd, bytes);
    } catch (error) {
      // Cut what part of the group landed, so the file ends where it did; should that fail too, the
      // part is a torn tail, which readers ignore and the next writer cuts.
      try {
        io.ftruncateSync(fd, start);
      } catch {}
      throw error;
    }
    if (durable) await io.fdatasync(fd);
    const end = start + bytes.length;
    index.extend(
      start,
      offsets.map((offset) => start + offset),
      end,
      end,
    );
    return outcomes;
  } finally {
    if (fd !== null) io.closeSync(fd);
  }
}
