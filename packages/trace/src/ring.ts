import type { TraceEvent } from './events.js';
import { decodeLine } from './rules.js';
import type { SinkCounts, SinkOwner, TraceSink } from './sink.js';

/**
 * `text` made flat: a line built by concatenation is a tree of a dozen string pieces, and a ring keeping
 * thousands of them alive made the garbage collector most of `record()`'s time. Reading a
 * character makes V8 copy the pieces into one string.
 */
function flat(text: string): string {
  text.charCodeAt(0);
  return text;
}

/**
 * The memory sink: the last `capacity` lines in a ring, the oldest overwritten (and counted as dropped)
 * when it is full. Lines were encoded by this process from checked events, so they are decoded unchecked,
 * each read making new objects.
 */
export class RingSink implements TraceSink {
  readonly #capacity: number;
  #lines: Array<string | undefined>;
  #runs: Array<string | undefined>;
  /** Index of the oldest line. */
  #start = 0;
  #size = 0;
  #written = 0;
  #dropped = 0;
  #writer = '';

  constructor(capacity: number) {
    this.#capacity = capacity;
    this.#lines = new Array(capacity);
    this.#runs = new Array(capacity);
  }

  bind(owner: SinkOwner): void {
    this.#writer = owner.writer;
  }

  accept(runId: string, line: string): void {
    const at = (this.#start + this.#size) % this.#capacity;
    if (this.#size === this.#capacity) {
      this.#start = (this.#start + 1) % this.#capacity;
      this.#dropped++;
    } else {
      this.#size++;
    }
    this.#lines[at] = flat(line);
    this.#runs[at] = runId;
    this.#written++;
  }

  async flush(): Promise<void> {}

  async events(runId: string | undefined): Promise<TraceEvent[]> {
    const events: TraceEvent[] = [];
    for (let i = 0; i < this.#size; i++) {
      const at = (this.#start + i) % this.#capacity;
      if (runId === undefined || this.#runs[at] === runId) {
        const place = { runId: this.#runs[at] as string, writer: this.#writer };
        events.push(decodeLine((this.#lines[at] as string).slice(0, -1), place));
      }
    }
    return events;
  }

  async clear(runId: string | undefined): Promise<void> {
    const lines: Array<string | undefined> = new Array(this.#capacity);
    const runs: Array<string | undefined> = new Array(this.#capacity);
    let kept = 0;
    for (let i = 0; i < this.#size; i++) {
      const at = (this.#start + i) % this.#capacity;
      if (runId !== undefined && this.#runs[at] !== runId) {
        lines[kept] = this.#lines[at];
        runs[kept] = this.#runs[at];
        kept++;
      }
    }
    this.#lines = lines;
    this.#runs = runs;
    this.#start = 0;
    this.#size = kept;
  }

  counts(): SinkCounts {
    return { written: this.#written, dropped: this.#dropped, bufferedBytes: 0 };
  }

  async close(): Promise<void> {
    this.#lines = [];
    this.#runs = [];
    this.#size = 0;
  }
}
