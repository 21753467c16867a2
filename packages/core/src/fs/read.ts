import { constants } from 'node:fs';
import { CorruptDataError } from '../errors.js';
import { io, SYNC_IO_BYTES } from './io.js';
import { keepShape } from './shapes.js';

// O_NOFOLLOW refuses a planted symlink at the last path component; O_NONBLOCK keeps a planted FIFO
// from blocking the open (it has no effect on regular files).
const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
const FOLLOWING_READ_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

/** The error for a symlink where a store expects its own file or directory. */
export function symlinkError(file: string): CorruptDataError {
  return new CorruptDataError(`refusing symlink ${file}: stores never follow links`, {
    details: { file, reason: 'symlink' },
  });
}

// Bytes read at open. A file shorter than this is then read whole with one read() and no fstat (a
// regular file reads short only at its end); most documents and every header line fit. They are read
// into one scratch buffer, shared by every open (open is synchronous), and handed out as views of it:
// a fresh 16 KB buffer per open made a small read ~40% slower (GC of external memory), and copying the
// bytes out cost a small load 4%.
const PREFETCH_BYTES = 16 * 1024;
const scratch = Buffer.allocUnsafe(PREFETCH_BYTES);
// Bumped by every open: a handle whose generation is older no longer finds its bytes in the scratch.
let generation = 0;

/** An open regular file; opening refuses symlinks, and anything but a regular file is corrupt data. */
export class ReadableFile {
  // The first bytes of the file, once another open has reused the scratch they were read into.
  #head: Buffer | null = null;

  private constructor(
    readonly file: string,
    private readonly fd: number,
    /** Size in bytes when opened. */
    readonly size: number,
    // How many bytes were read at open.
    private readonly headLength: number,
    private readonly generation: number,
  ) {}

  /**
   * Opens `file`, refusing a symlink unless `followSymlinks`; null when it does not exist. Reads its
   * first `prefetch` bytes (at most 16 KB) at once: a caller that wants only the start passes less.
   */
  static open(file: string, followSymlinks = false, prefetch = PREFETCH_BYTES): ReadableFile | null {
    let fd: number;
    try {
      fd = io.openSync(file, followSymlinks ? FOLLOWING_READ_FLAGS : READ_FLAGS);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return null;
      if (code === 'ELOOP') throw symlinkError(file);
      throw error;
    }
    try {
      const wanted = Math.min(Math.max(prefetch, 1), PREFETCH_BYTES);
      let bytesRead: number;
      generation++;
      try {
        bytesRead = io.readSync(fd, scratch, 0, wanted, 0);
      } catch (error) {
        // A directory (EISDIR), a FIFO or socket (ESPIPE: no positioned reads; EAGAIN): not a document.
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EISDIR' || code === 'ESPIPE' || code === 'EAGAIN') throw notRegular(file);
        throw error;
      }
      // Nothing read, or a full prefetch: fstat tells an empty file from a FIFO and gives the size.
      let size = bytesRead;
      if (bytesRead === 0 || bytesRead === wanted) {
        const stats = io.fstatSync(fd);
        if (!stats.isFile()) throw notRegular(file);
        size = stats.size;
      }
      const handle = new ReadableFile(file, fd, size, Math.min(bytesRead, size), generation);
      keepShape('handle', handle);
      return handle;
    } catch (error) {
      io.closeSync(fd);
      throw error;
    }
  }

  /** The first `length` bytes (fewer if the file ends sooner), in a buffer of their own. */
  async readPrefix(length: number): Promise<Buffer> {
    if (length <= this.headLength) return Buffer.from(this.readPrefixSync(length));
    if (length <= SYNC_IO_BYTES) return this.readPrefixSync(length);
    const buffer = Buffer.allocUnsafe(length);
    let filled = this.head().copy(buffer, 0, 0, this.headLength);
    while (filled < length) {
      const { bytesRead } = await io.read(this.fd, buffer, filled, length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return filled === length ? buffer : buffer.subarray(0, filled);
  }

  /**
   * As {@link readPrefix}, synchronously whatever the length: for bounded reads such as a header line.
   * Bytes read at open come as a view of a shared buffer, valid until the next open: use it at once.
   */
  readPrefixSync(length: number): Buffer {
    if (length <= this.headLength) return this.head().subarray(0, length);
    const buffer = Buffer.allocUnsafe(length);
    let filled = this.head().copy(buffer, 0, 0, this.headLength);
    while (filled < length) {
      const bytesRead = io.readSync(this.fd, buffer, filled, length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return filled === length ? buffer : buffer.subarray(0, filled);
  }

  close(): void {
    io.closeSync(this.fd);
  }

  /**
   * Hands the open descriptor over to the caller, who closes it: a writer keeps the file it read open, so
   * that its inode number cannot be given to another file while it compares it (see document-base.ts).
   */
  detach(): number {
    return this.fd;
  }

  /** The bytes read at open: in the scratch until another open, else read again. */
  private head(): Buffer {
    if (this.#head !== null) return this.#head;
    if (this.generation === generation) return scratch;
    const head = Buffer.allocUnsafe(this.headLength);
    let filled = 0;
    while (filled < head.length) {
      const bytesRead = io.readSync(this.fd, head, filled, head.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    this.#head = head.subarray(0, filled);
    return this.#head;
  }
}

function notRegular(file: string): CorruptDataError {
  return new CorruptDataError(`${file} is not a regular file`, {
    details: { file, reason: 'not a regular file' },
  });
}
