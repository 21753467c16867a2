import type { Stats } from 'node:fs';
import { io, SYNC_IO_BYTES } from './io.js';
import { MAX_LINE_BYTES, nextNewline } from './log-line.js';

// The first chunk of a pass is read synchronously (a small read through the page cache costs less than a
// hand-off to the thread pool, see io.ts); a pass that goes on (a first scan of a large log) continues in
// larger chunks through the thread pool, so the event loop keeps turning.
const FIRST_CHUNK = SYNC_IO_BYTES;
const LATER_CHUNK = 1024 * 1024;

/**
 * Called with each complete line `bytes[start, newline)` (the newline excluded) and the file offset of
 * its first byte; returns false to stop.
 */
export type LineVisitor = (bytes: Buffer, start: number, newline: number, offset: number) => boolean;

/**
 * Visits the complete lines of file `fd` between byte offsets `from` and `to` (a line must end before
 * `to`), reading only as far as the visitor goes. A line still unfinished at `to` is not visited: the
 * torn tail, or an append in progress. Throws `tooLong(offset)` for a run of more than
 * {@link MAX_LINE_BYTES} without a newline, which no writer makes.
 */
export async function eachLine(
  fd: number,
  from: number,
  to: number,
  visit: LineVisitor,
  tooLong: (offset: number) => Error,
): Promise<void> {
  let buffer = Buffer.allocUnsafe(Math.min(FIRST_CHUNK, Math.max(to - from, 1)));
  // buffer[0] is at file offset `base`; buffer[0, filled) holds bytes read; the unfinished line starts
  // at buffer[lineStart].
  let base = from;
  let filled = 0;
  let lineStart = 0;
  let first = true;
  while (base + filled < to) {
    if (filled === buffer.length) {
      // Full: move the unfinished line to the front, and grow when it alone fills the buffer (or the
      // small first chunk is done and reading goes on in larger ones).
      buffer.copy(buffer, 0, lineStart, filled);
      base += lineStart;
      filled -= lineStart;
      lineStart = 0;
      if (filled === buffer.length || buffer.length < LATER_CHUNK) {
        if (filled > MAX_LINE_BYTES) throw tooLong(base);
        const grown = Buffer.allocUnsafe(Math.min(Math.max(buffer.length * 2, LATER_CHUNK), to - base));
        buffer.copy(grown, 0, 0, filled);
        buffer = grown;
      }
    }
    const length = Math.min(buffer.length - filled, to - base - filled);
    const position = base + filled;
    const bytesRead = first
      ? io.readSync(fd, buffer, filled, length, position)
      : (await io.read(fd, buffer, filled, length, position)).bytesRead;
    first = false;
    // The file is shorter than its size said: a writer cut its torn tail meanwhile.
    if (bytesRead === 0) return;
    let scanFrom = filled;
    filled += bytesRead;
    for (;;) {
      const newline = nextNewline(buffer, scanFrom, filled);
      if (newline < 0) break;
      if (!visit(buffer, lineStart, newline, base + lineStart)) return;
      lineStart = newline + 1;
      scanFrom = lineStart;
    }
    if (filled - lineStart > MAX_LINE_BYTES) throw tooLong(base + lineStart);
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
