import type { Stats } from 'node:fs';
import { io, SYNC_IO_BYTES } from './io.js';
import { MAX_LINE_BYTES, nextNewline } from './log-line.js';

// The first chunk of a pass is read synchronously (a small read through the page cache costs less than a
// hand-off to the thread pool, see io.ts); a pass that goes on (a first scan of a large log) continues in
// larger chunks through the thread pool, so the event loop keeps turning.
const FIRST_CHUNK = SYNC_IO_BYTES;
const LATER_CHUNK = 1024 * 1024;

/**
 * What one pass over the lines of a file does with them: `visit` is called with each complete line
 * `bytes[start, newline)` (the newline excluded) and the file offset of its first byte, and returns false
 * to stop; `tooLong(offset)` is the error for a run of more than {@link MAX_LINE_BYTES} without a newline.
 */
export interface LinePass {
  visit(bytes: Buffer, start: number, newline: number, offset: number): boolean;
  tooLong(offset: number): Error;
}

/**
 * Visits the complete lines of file `fd` between byte offsets `from` and `to` (a line must end before
 * `to`), reading only as far as the pass goes. A line still unfinished at `to` is not visited: a torn
 * tail, or an append in progress. Throws `pass.tooLong(offset)` for a run of more than
 * {@link MAX_LINE_BYTES} without a newline, which no writer makes.
 */
export async function eachLine(fd: number, from: number, to: number, pass: LinePass): Promise<void> {
  const lines = new LineReader(from, to, pass);
  let length = lines.wanted();
  if (length === 0 || !lines.took(io.readSync(fd, lines.buffer, lines.filled, length, lines.at()))) return;
  for (length = lines.wanted(); length > 0; length = lines.wanted()) {
    const { bytesRead } = await io.read(fd, lines.buffer, lines.filled, length, lines.at());
    if (!lines.took(bytesRead)) return;
  }
}

/** {@link eachLine}, synchronously: every chunk is read on the calling thread. */
export function eachLineSync(fd: number, from: number, to: number, pass: LinePass): void {
  const lines = new LineReader(from, to, pass);
  for (let length = lines.wanted(); length > 0; length = lines.wanted()) {
    if (!lines.took(io.readSync(fd, lines.buffer, lines.filled, length, lines.at()))) return;
  }
}

/**
 * The steps of one pass of {@link eachLine} between its reads, so the synchronous and the asynchronous
 * driver differ only in how they read: `wanted()` says how many bytes to read next (into
 * `buffer[filled, ...)` from file offset `at()`; 0 when done), `took(bytesRead)` visits the lines they
 * complete and says whether to go on.
 */
class LineReader {
  // buffer[0] is at file offset `base`; buffer[0, filled) holds bytes read; the unfinished line starts
  // at buffer[lineStart].
  buffer: Buffer;
  filled = 0;
  #base: number;
  #lineStart = 0;
  readonly #to: number;
  readonly #pass: LinePass;

  constructor(from: number, to: number, pass: LinePass) {
    this.buffer = Buffer.allocUnsafe(Math.min(FIRST_CHUNK, Math.max(to - from, 1)));
    this.#base = from;
    this.#to = to;
    this.#pass = pass;
  }

  /** The file offset of the next read. */
  at(): number {
    return this.#base + this.filled;
  }

  wanted(): number {
    const to = this.#to;
    if (this.#base + this.filled >= to) return 0;
    if (this.filled === this.buffer.length) {
      // Full: move the unfinished line to the front, and grow when it alone fills the buffer (or the
      // small first chunk is done and reading goes on in larger ones).
      const { buffer } = this;
      buffer.copy(buffer, 0, this.#lineStart, this.filled);
      this.#base += this.#lineStart;
      this.filled -= this.#lineStart;
      this.#lineStart = 0;
      if (this.filled === buffer.length || buffer.length < LATER_CHUNK) {
        if (this.filled > MAX_LINE_BYTES) throw this.#pass.tooLong(this.#base);
        const grown = Buffer.allocUnsafe(Math.min(Math.max(buffer.length * 2, LATER_CHUNK), to - this.#base));
        buffer.copy(grown, 0, 0, this.filled);
        this.buffer = grown;
      }
    }
    return Math.min(this.buffer.length - this.filled, to - this.#base - this.filled);
  }

  took(bytesRead: number): boolean {
    // The file is shorter than its size said: it was replaced, or cut by something other than a writer.
    if (bytesRead === 0) return false;
    const { buffer } = this;
    let scanFrom = this.filled;
    this.filled += bytesRead;
    for (;;) {
      const newline = nextNewline(buffer, scanFrom, this.filled);
      if (newline < 0) break;
      if (!this.#pass.visit(buffer, this.#lineStart, newline, this.#base + this.#lineStart)) return false;
      this.#lineStart = newline + 1;
      scanFrom = this.#lineStart;
    }
    if (this.filled - this.#lineStart > MAX_LINE_BYTES)
      throw this.#pass.tooLong(this.#base + this.#lineStart);
    return true;
  }
}

/** Identity of a file: the same path holding another file (dropped and made again) is read anew. */
export interface FileIdentity {
  dev: number;
  ino: number;
  birthtimeMs: number;
}

/** True when `stats` describe the file `identity` was taken from. */
export function sameFile(identity: FileIdentity, stats: Stats): boolean {
  return (
    identity.ino === stats.ino && identity.dev === stats.dev && identity.birthtimeMs === stats.birthtimeMs
  );
}
