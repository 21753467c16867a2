import { constants } from 'node:fs';
import { CorruptDataError } from '../errors.js';
import { io, SYNC_IO_BYTES } from './io.js';
import { symlinkError } from './read.js';
import { FILE_MODE } from './temp.js';

// O_APPEND: every write lands at the end whatever the offset, so a writer never computes one.
// O_NOFOLLOW refuses a planted symlink; O_NONBLOCK keeps a planted FIFO from blocking the open.
const APPEND_FLAGS = constants.O_RDWR | constants.O_APPEND | constants.O_NOFOLLOW | constants.O_NONBLOCK;
const CREATE_FLAGS = APPEND_FLAGS | constants.O_CREAT | constants.O_EXCL;
const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/** The error for a log path that holds something other than a regular file. */
export function notRegular(file: string): CorruptDataError {
  return new CorruptDataError(`${file} is not a regular file`, {
    details: { file, reason: 'not a regular file' },
  });
}

function openFailure(error: unknown, file: string): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ELOOP') return symlinkError(file);
  if (code === 'EISDIR' || code === 'ENXIO') return notRegular(file);
  return error;
}

/** Opens log `file` for appending (O_APPEND); null when there is none. Call it holding the log's lock. */
export function openForAppend(file: string): number | null {
  try {
    return io.openSync(file, APPEND_FLAGS);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw openFailure(error, file);
  }
}

/**
 * Creates log `file` for appending, with mode 0600 (set explicitly: the umask may strip bits). Call it
 * holding the log's lock, after {@link openForAppend} found none.
 */
export function createForAppend(file: string): number {
  let fd: number;
  try {
    fd = io.openSync(file, CREATE_FLAGS, FILE_MODE);
  } catch (error) {
    throw openFailure(error, file);
  }
  try {
    io.fchmodSync(fd, FILE_MODE);
  } catch (error) {
    io.closeSync(fd);
    throw error;
  }
  return fd;
}

/** Opens log `file` for reading; null when there is none. */
export function openForRead(file: string): number | null {
  try {
    return io.openSync(file, READ_FLAGS);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw openFailure(error, file);
  }
}

// Writes of a group that a device may cut short in a row before the append fails.
const MAX_WRITES = 4;

/**
 * Writes `bytes` (a group, starting with its blank line) to `fd`, opened O_APPEND, with one write. When
 * the device takes only part of it (a nearly full disk), the whole group is written again: that part is
 * a torn write, ended by the copy's blank line, which readers skip; continuing it instead would put the
 * rest after whatever another writer appended meanwhile. Small groups are written synchronously (io.ts).
 */
export async function appendAll(fd: number, bytes: Buffer): Promise<void> {
  for (let writes = 1; ; writes++) {
    const written =
      bytes.length <= SYNC_IO_BYTES
        ? io.writevSync(fd, [bytes])
        : (await io.writev(fd, [bytes])).bytesWritten;
    if (whole(bytes, written, writes)) return;
  }
}

/** {@link appendAll}, synchronously, whatever the size. */
export function appendAllSync(fd: number, bytes: Buffer): void {
  for (let writes = 1; !whole(bytes, io.writevSync(fd, [bytes]), writes); writes++);
}

// Whether the `writes`-th write of `bytes` stored all of them; an error once writes keep coming up short.
// One that stores nothing would loop forever: the kernel reports a full disk as ENOSPC, so this is a
// device that accepts nothing without saying why.
function whole(bytes: Buffer, written: number, writes: number): boolean {
  if (written === bytes.length) return true;
  if (written > 0 && writes < MAX_WRITES) return false;
  const error: NodeJS.ErrnoException = new Error(
    `write stored ${written} of ${bytes.length} bytes${written > 0 ? `, ${writes} times in a row` : ''}`,
  );
  error.code = 'EIO';
  throw error;
}
