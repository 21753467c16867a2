import type { DocumentBackend, DocumentSpec } from './documents.js';
import { InvalidArgumentError } from './errors.js';
import { type Closable, Lifecycle } from './lifecycle.js';
import type { Store } from './store.js';

/** Options every family front takes. */
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

/** How a provider class builds its front (not a user option). */
export interface FrontInit {
  /** The class name errors report (default: the class being constructed). */
  provider?: string;
  /**
   * Whether the front made its store and so closes it with itself (default false: a store given to a
   * front is its owner's to close, since other fronts may share it).
   */
  ownsStore?: boolean;
}

function checkStore(provider: string, kind: string, store: unknown): asserts store is Store {
  const methods = ['documents', 'log', 'blobs', 'close'] as const;
  if (
    typeof store === 'object' &&
    store !== null &&
    methods.every((m) => typeof (store as Store)[m] === 'function')
  ) {
    return;
  }
  throw new InvalidArgumentError(
    `${provider} needs a store (documents, log, blobs, close), got ${String(store)}`,
    {
      details: { provider, kind, option: 'store' },
    },
  );
}

/**
 * Base of every family front (a family's rules over the ports of a {@link Store}): holds the store, the
 * lifecycle and the clock, and closes the store when it made it. A family's front extends it (or
 * {@link DocumentFront}) and writes each method once; its memory, filesystem and PostgreSQL providers
 * are that front over another store.
 */
export class Front implements Closable {
  /** Closed checks and the name rule: every method calls it first. */
  protected readonly lifecycle: Lifecycle;
  /** The store whose ports the front uses. */
  protected readonly store: Store;
  readonly #ownsStore: boolean;
  readonly #now: () => number;

  /** @param kind What the family's names name, named by `InvalidNameError`s. */
  constructor(kind: string, store: Store, options: FrontOptions = {}, init: FrontInit = {}) {
    const provider = init.provider ?? new.target.name;
    checkFrontOptions(provider, kind, options);
    checkStore(provider, kind, store);
    this.lifecycle = new Lifecycle(provider, kind);
    this.store = store;
    this.#ownsStore = init.ownsStore ?? false;
    this.#now = options.now ?? Date.now;
  }

  /** A reading of the clock for a write of record `name` ({@link readClock}). */
  protected timestamp(name: string): number {
    return readClock(this.#now, this.lifecycle.kind, name);
  }

  /**
   * Later calls reject with `ClosedError`; the store is closed too when the front made it. Records
   * outlive it where the store keeps them. Idempotent.
   */
  async close(): Promise<void> {
    if (this.lifecycle.markClosed() && this.#ownsStore) await this.store.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** A {@link Front} over one document port: that of `spec` in the store, as `this.documents`. */
export class DocumentFront<H> extends Front {
  /** Where the family's documents live. */
  protected readonly documents: DocumentBackend<H>;

  constructor(spec: DocumentSpec<H>, store: Store, options: FrontOptions = {}, init: FrontInit = {}) {
    super(spec.kind, store, options, init);
    this.documents = store.documents(spec);
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
