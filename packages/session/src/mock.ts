import { Lifecycle, type MockOptions, MockRecorder, type SessionData, type SessionInfo } from '@omega/core';
import type { DeleteSessionOptions, SaveSessionOptions, SessionProvider } from './index.js';
import { MemorySessionProvider } from './memory.js';

/** Options of {@link MockSessionProvider}. */
export type MockSessionProviderOptions = MockOptions & {
  /** Clock for `createdAt`/`updatedAt`, in milliseconds since the epoch (default `Date.now`). */
  now?: () => number;
};

/**
 * A scriptable session provider for testing a runtime: it keeps sessions in memory, records every call
 * in `calls` (method, arguments, result or error), and plays back `failNext`, `failOn`, `returnNext` and
 * `latencyMs`. Unscripted it behaves exactly like {@link MemorySessionProvider}.
 */
export class MockSessionProvider extends MockRecorder implements SessionProvider {
  readonly #sessions: MemorySessionProvider;
  readonly #lifecycle = new Lifecycle('MockSessionProvider');

  constructor(options: MockSessionProviderOptions = {}) {
    super(options);
    this.#sessions = new MemorySessionProvider({ now: options.now });
  }

  async list(): Promise<SessionInfo[]> {
    return this.record('list', [], async () => {
      this.#lifecycle.assertOpen('list');
      return this.#sessions.list();
    });
  }

  async load(name: string): Promise<SessionData | null> {
    return this.record('load', [name], async () => {
      this.#lifecycle.assertOpen('load');
      return this.#sessions.load(name);
    });
  }

  async save(name: string, data: SessionData, options?: SaveSessionOptions): Promise<void> {
    return this.record('save', passed(name, data, options), async () => {
      this.#lifecycle.assertOpen('save');
      return this.#sessions.save(name, data, options);
    });
  }

  async delete(name: string, options?: DeleteSessionOptions): Promise<void> {
    return this.record('delete', passed(name, options), async () => {
      this.#lifecycle.assertOpen('delete');
      return this.#sessions.delete(name, options);
    });
  }

  async exists(name: string): Promise<boolean> {
    return this.record('exists', [name], async () => {
      this.#lifecycle.assertOpen('exists');
      return this.#sessions.exists(name);
    });
  }

  async info(name: string): Promise<SessionInfo | null> {
    return this.record('info', [name], async () => {
      this.#lifecycle.assertOpen('info');
      return this.#sessions.info(name);
    });
  }

  /** Recorded like every other call; later calls reject with `ClosedError`. Idempotent. */
  async close(): Promise<void> {
    return this.record('close', [], async () => {
      if (this.#lifecycle.markClosed()) await this.#sessions.close();
    });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

// Records arguments as the caller wrote them: an options argument left out is not recorded as undefined.
function passed(...args: unknown[]): unknown[] {
  let end = args.length;
  while (end > 0 && args[end - 1] === undefined) end--;
  return args.slice(0, end);
}
