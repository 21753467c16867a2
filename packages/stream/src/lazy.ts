import { checkCount, isOmegaError, type Val } from '@omega/core';
import type { StreamProvider } from './index.js';
import { KIND } from './rules.js';

/**
 * Computes element `index` of a lazy stream, given the elements before it (those stored, then those
 * computed in this force). Called once per element ever: a forced element is stored, never recomputed.
 */
export type LazyStreamProducer = (index: number, before: readonly Val[]) => Val | Promise<Val>;

/**
 * A memoized lazy stream over a {@link StreamProvider}: the lineage's "stream state", SICP's
 * `cons-stream` cells whose forced tails are kept. `force(n)` returns the first `n` elements, computing
 * only those not stored yet; they are appended with `expectedIndex`, so two forcers (two processes, or a
 * forcer resumed after a crash) never store an element twice, and a later `LazyStream` over the same
 * stream, in any process, resumes where the last force stopped. Forces of one instance run one at a time
 * (a second waits for the first, then computes only what is still missing).
 *
 * @example
 * const naturals = new LazyStream(provider, 'naturals', (i) => i);
 * await naturals.force(3); // computes 0, 1, 2
 * await new LazyStream(provider, 'naturals', (i) => i).force(5); // computes 3 and 4 only
 */
export class LazyStream {
  readonly #provider: StreamProvider;
  readonly #id: string;
  readonly #producer: LazyStreamProducer;
  // The forced prefix, as far as this instance knows it, and the force in progress.
  #known: Val[] = [];
  #forcing: Promise<unknown> = Promise.resolve();

  constructor(provider: StreamProvider, id: string, producer: LazyStreamProducer) {
    this.#provider = provider;
    this.#id = id;
    this.#producer = producer;
  }

  /**
   * The first `count` elements: stored ones read back, the rest computed, stored, then returned. A
   * `count` that is not a non-negative integer is an `InvalidArgumentError`; forcing past the end of a
   * stream that was ended is the `ConflictError` of its append.
   */
  force(count: number): Promise<Val[]> {
    let run: Promise<Val[]>;
    try {
      checkCount(KIND, this.#id, 'count', count);
      run = this.#forcing.then(() => this.#force(count));
    } catch (error) {
      run = Promise.reject(error);
    }
    this.#forcing = run.catch(() => undefined);
    return run;
  }

  async #force(count: number): Promise<Val[]> {
    if (this.#known.length < count) await this.#catchUp();
    while (this.#known.length < count) {
      const index = this.#known.length;
      const value = await this.#producer(index, this.#known);
      await this.#provider.append(this.#id, value, { expectedIndex: index });
      this.#known.push(value);
    }
    return this.#known.slice(0, count);
  }

  /** Reads what was stored since this instance last looked, creating the stream on first use. */
  async #catchUp(): Promise<void> {
    if ((await this.#provider.info(this.#id)) === null) {
      await this.#provider.create(this.#id, { lazy: true }).catch((error: unknown) => {
        // Another forcer created it first: fine, it is the same stream.
        if (!isOmegaError(error, 'ALREADY_EXISTS')) throw error;
      });
    }
    for await (const { chunk } of this.#provider.read(this.#id, { from: this.#known.length })) {
      this.#known.push(chunk);
    }
  }
}
