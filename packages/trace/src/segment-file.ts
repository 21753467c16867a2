import type { Buffer } from 'node:buffer';
import { constants } from 'node:fs';
import { join } from 'node:path';
import { io, openStoreDirSync, refuseSymlinkSync } from '@omega/core/fs';

/** Trace files: `<writer>.<segment>.jsonl`, segments numbered from 0 with six digits or more. */
export const SEGMENT_FILE = /^([0-9a-z-]{1,64})\.(\d{6,})\.jsonl$/;

// Created exclusively: a writer's files are its own, so nothing else writes where it plans its writes.
const CREATE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/** One writer's open segment of one run: written at planned positions, never appended blindly. */
export interface Segment {
  /** The trace folder it is in, as the store resolved it (the root's symlinks followed). */
  dir: string;
  path: string;
  fd: number;
  index: number;
  /** Bytes planned so far: the position of the next write. */
  size: number;
}

/** The file name of `writer`'s segment `index`. */
export function segmentName(writer: string, index: number): string {
  return `${writer}.${String(index).padStart(6, '0')}.jsonl`;
}

/** The folder of every run's traces under store root `root`. */
export const FOLDER = 'traces';

/**
 * Creates `writer`'s next segment of run `runId` from `index` on (mode 0600; folders 0700, a symlinked one
 * refused): an index taken by a file already there is skipped, and a folder removed meanwhile (a `clear`
 * of another process) made again.
 */
export function createSegment(root: string, runId: string, writer: string, index: number): Segment {
  for (let attempt = 0; ; attempt++) {
    const dir = openStoreDirSync(root, FOLDER);
    const runDir = join(dir, runId);
    io.mkdirSync(runDir, { recursive: true, mode: 0o700 });
    refuseSymlinkSync(runDir);
    const path = join(runDir, segmentName(writer, index));
    try {
      return { dir, path, fd: io.openSync(path, CREATE_FLAGS, 0o600), index, size: 0 };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (attempt >= 8 || (code !== 'EEXIST' && code !== 'ENOENT')) throw error;
      if (code === 'EEXIST') index++;
    }
  }
}

/** True while `segment` is still linked in its folder (a `clear` or the retention of another process unlinks it). */
export function isLinked(segment: Segment): boolean {
  return io.fstatSync(segment.fd).nlink > 0;
}

// The buffers left of `buffers` once `count` of their bytes are written.
function after(buffers: readonly Buffer[], count: number): Buffer[] {
  const rest: Buffer[] = [];
  let skip = count;
  for (const buffer of buffers) {
    if (skip >= buffer.length) {
      skip -= buffer.length;
      continue;
    }
    rest.push(skip > 0 ? buffer.subarray(skip) : buffer);
    skip = 0;
  }
  return rest;
}

// A device that accepts nothing would loop forever: it is reported as the error it amounts to.
function noProgress(): NodeJS.ErrnoException {
  return Object.assign(new Error('a write stored no bytes'), { code: 'EIO', syscall: 'writev' });
}

/** Writes `buffers` at `position`, going on after a short write until every byte is written. */
export async function writeAt(fd: number, buffers: readonly Buffer[], position: number): Promise<void> {
  let done = 0;
  for (let rest = after(buffers, 0); rest.length > 0; ) {
    const { bytesWritten } = await io.writev(fd, rest, position + done);
    if (bytesWritten <= 0) throw noProgress();
    done += bytesWritten;
    rest = after(rest, bytesWritten);
  }
}

/** {@link writeAt}, synchronously: the exit hook's write. */
export function writeAtSync(fd: number, buffers: readonly Buffer[], position: number): void {
  let done = 0;
  for (let rest = after(buffers, 0); rest.length > 0; ) {
    const written = io.writevSync(fd, rest, position + done);
    if (written <= 0) throw noProgress();
    done += written;
    rest = after(rest, written);
  }
}
