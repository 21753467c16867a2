/**
 * Runs submitted items in batches, one batch at a time: what is submitted while a batch runs waits and
 * goes into the next one. Concurrent appends of one process then make one conditional append to the log
 * instead of racing each other for the same position. An item `alone` says so runs in a batch of its own,
 * after the items before it and before those after it (a change that the next items must see done).
 */
export class Batches<T, R> {
  #waiting: Array<{ item: T; resolve: (result: R) => void; reject: (error: unknown) => void }> = [];
  #running = false;

  /** `run` gets a batch and resolves to one result per item, in order; its rejection rejects the batch. */
  constructor(
    private readonly run: (items: T[]) => Promise<R[]>,
    private readonly maxBatch = 256,
    private readonly alone: (item: T) => boolean = () => false,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#waiting.push({ item, resolve, reject });
      // Started a microtask later, so the appends of one synchronous burst (`Promise.all` of a map) go
      // into one batch rather than the first alone and the rest after it.
      if (!this.#running) {
        this.#running = true;
        queueMicrotask(() => void this.#drain());
      }
    });
  }

  async #drain(): Promise<void> {
    try {
      while (this.#waiting.length > 0) {
        const batch = this.#waiting.splice(0, this.#nextSize());
        try {
          const results = await this.run(batch.map((waiting) => waiting.item));
          for (const [i, waiting] of batch.entries()) waiting.resolve(results[i] as R);
        } catch (error) {
          for (const waiting of batch) waiting.reject(error);
        }
      }
    } finally {
      this.#running = false;
    }
  }

  /** How many waiting items the next batch takes: up to the first that runs alone, or that one. */
  #nextSize(): number {
    const limit = Math.min(this.maxBatch, this.#waiting.length);
    for (let i = 0; i < limit; i++) {
      if (this.alone(this.#waiting[i]!.item)) return i === 0 ? 1 : i;
    }
    return limit;
  }
}
