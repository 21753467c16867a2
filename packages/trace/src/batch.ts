import { Buffer } from 'node:buffer';

/** Bytes of a fresh chunk: text longer than this gets a chunk of its own size. */
const CHUNK_BYTES = 64 * 1024;
/** Characters of lines kept as text before they are copied into a chunk at once. */
const TAIL_CHARS = 16 * 1024;

/**
 * The encoded lines of one run waiting to be written. Lines are joined as text, and every 16 K characters
 * copied into byte chunks with one call (a copy per line cost a tenth of `record()`); the bytes held are
 * then counted exactly, and the text not yet copied by its length (within a few tens of KB of its
 * memory). A write hands the chunks to `writev` as they are.
 */
export class Batch {
  /** Filled chunks, each cut to its bytes. */
  #full: Buffer[] = [];
  #current: Buffer | null = null;
  #used = 0;
  #tail = '';
  /** Bytes held: exact for the chunks, the length of the text not yet copied. */
  bytes = 0;
  /** Recorded events among the lines (a `trace.dropped` line is not one). */
  events = 0;

  /** Appends one line; returns by how much {@link Batch.bytes} grew. */
  add(line: string, event: boolean): number {
    this.#tail += line;
    if (event) this.events++;
    this.bytes += line.length;
    if (this.#tail.length < TAIL_CHARS) return line.length;
    return line.length + this.#settle();
  }

  /** The held bytes, in order, as views of the chunks. */
  chunks(): Buffer[] {
    this.#settle();
    if (this.#current === null || this.#used === 0) return this.#full;
    return [...this.#full, this.#current.subarray(0, this.#used)];
  }

  /** Puts the bytes of a batch whose write failed back before this one's. */
  restore(chunks: readonly Buffer[], bytes: number, events: number): void {
    this.#full = [...chunks, ...this.#full];
    this.bytes += bytes;
    this.events += events;
  }

  // Copies the text into the chunks; returns how the count of bytes changed (UTF-8 bytes for characters).
  #settle(): number {
    const tail = this.#tail;
    if (tail === '') return 0;
    this.#tail = '';
    let current = this.#current;
    const room = current === null ? 0 : current.length - this.#used;
    // Three bytes per UTF-16 unit at most: only text that might not fit is measured.
    const size = tail.length * 3 <= room ? -1 : Buffer.byteLength(tail);
    if (current === null || size > room) {
      if (current !== null && this.#used > 0) this.#full.push(current.subarray(0, this.#used));
      current = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, size));
      this.#current = current;
      this.#used = 0;
    }
    const written = current.write(tail, this.#used);
    this.#used += written;
    const change = written - tail.length;
    this.bytes += change;
    return change;
  }
}
