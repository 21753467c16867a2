import { Buffer } from 'node:buffer';

/** Bytes of a fresh chunk: a line longer than this gets a chunk of its own size. */
const CHUNK_BYTES = 64 * 1024;

/**
 * The encoded lines of one run waiting to be written, copied into byte chunks as they come: the bytes
 * counted are the bytes held (no object per line), and a write hands the chunks to `writev` as they are.
 */
export class Batch {
  /** Filled chunks, each cut to its bytes. */
  #full: Buffer[] = [];
  #current: Buffer | null = null;
  #used = 0;
  /** Bytes held (what a write of the batch writes). */
  bytes = 0;
  /** Recorded events among the lines (a `trace.dropped` line is not one). */
  events = 0;

  /** Appends one line; returns its length in bytes. */
  add(line: string, event: boolean): number {
    let current = this.#current;
    const room = current === null ? 0 : current.length - this.#used;
    // Three bytes per UTF-16 unit at most: only a line that might not fit is measured.
    const size = line.length * 3 <= room ? -1 : Buffer.byteLength(line);
    if (current === null || size > room) {
      if (current !== null && this.#used > 0) this.#full.push(current.subarray(0, this.#used));
      current = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, size));
      this.#current = current;
      this.#used = 0;
    }
    const written = current.write(line, this.#used);
    this.#used += written;
    this.bytes += written;
    if (event) this.events++;
    return written;
  }

  /** The held bytes, in order, as views of the chunks. */
  chunks(): Buffer[] {
    if (this.#current === null || this.#used === 0) return this.#full;
    return [...this.#full, this.#current.subarray(0, this.#used)];
  }

  /** Puts the bytes of a batch whose write failed back before this one's. */
  restore(chunks: readonly Buffer[], bytes: number, events: number): void {
    this.#full = [...chunks, ...this.#full];
    this.bytes += bytes;
    this.events += events;
  }
}
