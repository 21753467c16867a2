import { Buffer } from 'node:buffer';

/** Characters of lines kept as text before they are copied into a chunk of bytes at once. */
const TAIL_CHARS = 16 * 1024;

/**
 * The encoded lines of one run waiting to be written. Lines are joined as text, and every 16 K characters
 * copied into a chunk of exactly their bytes with one call (a copy per line cost a tenth of `record()`);
 * the bytes held are then counted exactly, and the text not yet copied by its length (within a few tens
 * of KB of its memory). A write hands the chunks to `writev` as they are.
 */
export class Batch {
  #chunks: Buffer[] = [];
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

  /** The held bytes, in order. */
  chunks(): Buffer[] {
    this.#settle();
    return this.#chunks;
  }

  /** Puts the bytes of a batch whose write failed back before this one's. */
  restore(chunks: readonly Buffer[], bytes: number, events: number): void {
    this.#chunks = [...chunks, ...this.#chunks];
    this.bytes += bytes;
    this.events += events;
  }

  // Copies the text into a chunk; returns how the count of bytes changed (UTF-8 bytes for characters).
  #settle(): number {
    const tail = this.#tail;
    if (tail === '') return 0;
    this.#tail = '';
    const chunk = Buffer.from(tail);
    this.#chunks.push(chunk);
    const change = chunk.length - tail.length;
    this.bytes += change;
    return change;
  }
}
