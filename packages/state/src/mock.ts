import { MockRecorder, type State } from '@omega/core';
import type { StateProvider } from './index.js';
import { MemoryStateProvider } from './memory.js';

/**
 * A scriptable `StateProvider` for testing code that uses one (a runtime, a tool): it records every
 * call in `calls` and can fail the next or the nth call of a method (`failNext`, `failOn`), return a
 * canned result (`returnNext`) or add latency (`latencyMs`). Unscripted, it behaves exactly like
 * `MemoryStateProvider`, whose data it keeps. Construct with `new MockStateProvider({ latencyMs })`.
 */
export class MockStateProvider extends MockRecorder implements StateProvider {
  readonly #inner = new MemoryStateProvider();

  /** Recorded `createState`. */
  createState(): State {
    return this.recordSync('createState', [], () => this.#inner.createState());
  }

  /** Recorded `loadState`. */
  loadState(id: string): Promise<State | null> {
    return this.record('loadState', [id], () => this.#inner.loadState(id));
  }

  /** Recorded `saveState`. */
  saveState(id: string, state: State): Promise<void> {
    return this.record('saveState', [id, state], () => this.#inner.saveState(id, state));
  }

  /** Recorded `cloneState`. */
  cloneState(state: State): State {
    return this.recordSync('cloneState', [state], () => this.#inner.cloneState(state));
  }

  /** Recorded `deleteState`. */
  deleteState(id: string): Promise<void> {
    return this.record('deleteState', [id], () => this.#inner.deleteState(id));
  }

  /** Recorded `listStates`. */
  listStates(): Promise<string[]> {
    return this.record('listStates', [], () => this.#inner.listStates());
  }

  /** Recorded `close`: drops the data; later calls fail with `ClosedError`. Idempotent. */
  close(): Promise<void> {
    return this.record('close', [], () => this.#inner.close());
  }

  /** Same as {@link MockStateProvider.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
