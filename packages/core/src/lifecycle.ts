import { ClosedError } from './errors.js';
import { assertValidName } from './names.js';

/** Tracks whether a provider is closed; every public method asks it first. */
export class Lifecycle {
  #closed = false;

  /**
   * @param provider Name of the owning provider, for error messages.
   * @param kind What the provider's names name (`session`, ...), for {@link Lifecycle.assertNamed}.
   */
  constructor(
    readonly provider: string,
    readonly kind = 'record',
  ) {}

  get closed(): boolean {
    return this.#closed;
  }

  /** Throws {@link ClosedError} naming the provider and the method when closed. */
  assertOpen(method: string): void {
    if (this.#closed) {
      throw new ClosedError(`${this.provider}.${method}() called after close()`, {
        details: { provider: this.provider, method },
      });
    }
  }

  /**
   * The checks every method taking a stored name makes first: {@link Lifecycle.assertOpen}, then the
   * name rule (an `InvalidNameError` naming {@link Lifecycle.kind}).
   */
  assertNamed(method: string, name: unknown): asserts name is string {
    this.assertOpen(method);
    assertValidName(this.kind, name);
  }

  /** Marks closed; returns false when it already was, so close() stays idempotent. */
  markClosed(): boolean {
    if (this.#closed) return false;
    this.#closed = true;
    return true;
  }
}

/** A provider that holds resources: `close()` releases them; later calls reject with `ClosedError`. */
export interface Closable {
  /** Release resources. Idempotent. */
  close(): Promise<void>;
  /** `await using provider = ...` support; same as {@link Closable.close}. */
  [Symbol.asyncDispose](): Promise<void>;
}
