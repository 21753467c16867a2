import type { DocumentBackend } from './documents.js';
import { InvalidArgumentError } from './errors.js';
import { type Closable, Lifecycle } from './lifecycle.js';

/** Options every document-family backend takes. */
export interface FrontOptions {
  /**
   * Clock of the timestamps the family stores, in milliseconds since the epoch (default `Date.now`). What
   * is not a function is an `InvalidArgumentError` from the constructor.
   */
  now?: () => number;
}

// At construction, so a bad option fails where it was given and not at some later save.
function checkFrontOptions(provider: string, kind: string, options: FrontOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(`${provider} options must be an object, got ${String(options)}`, {
      details: { provider, kind, value: options },
    });
  }
  const { now } = options;
  if (now !== undefined && typeof now !== 'function') {
    throw new InvalidArgumentError(`${provider}: option now must be a function returning milliseconds`, {
      details: { provider, kind, option: 'now', value: now },
    });
  }
}

/**
 * Base of every family front (the family's rules over a {@link DocumentBackend}): holds the backend, the
 * lifecycle and the clock, and closes the backend. A family's front extends it and writes each method
 * once; its memory, filesystem and PostgreSQL backends are that front over another backend.
 */
export class DocumentFront<H> implements Closable {
  /** Closed checks and the name rule: every method calls it first. */
  protected readonly lifecycle: Lifecycle;
  /** Where the documents live. */
  protected readonly backend: DocumentBackend<H>;
  readonly #now: () => number;

  /**
   * @param provider The provider's class name, named by `ClosedError`s.
   * @param kind What the family's names name, named by `InvalidNameError`s.
   */
  constructor(provider: string, kind: string, backend: DocumentBackend<H>, options: FrontOptions = {}) {
    checkFrontOptions(provider, kind, options);
    this.lifecycle = new Lifecycle(provider, kind);
    this.backend = backend;
    this.#now = options.now ?? Date.now;
  }

  /** A reading of the clock for a write of record `name` ({@link readClock}). */
  protected timestamp(name: string): number {
    return readClock(this.#now, this.lifecycle.kind, name);
  }

  /** Later calls reject with `ClosedError`; documents outlive it where the backend keeps them. Idempotent. */
  async close(): Promise<void> {
    if (this.lifecycle.markClosed()) await this.backend.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/**
 * Reads a clock option for a write of record `name`, refusing what is not a timestamp (it would make an
 * unreadable record) with an `InvalidArgumentError` naming the record.
 */
export function readClock(now: () => number, kind: string, name: string): number {
  const value = now();
  // TimestampSchema's rule, checked by hand: this runs on every save.
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidArgumentError(
      `now() returned ${String(value)}, not a non-negative integer of milliseconds`,
      { details: { kind, name, option: 'now', value } },
    );
  }
  return value;
}
