import { assertValidName, decode, emptyState, Lifecycle, NotFoundError, type State } from '@omega/core';
import type { StateProvider } from './index.js';
import { cloneValidState, encodeState, STATE_KIND } from './validate.js';

/**
 * Keeps states in process memory, for tests and short runs. States are stored as serde text, so a
 * saved state shares nothing with the caller and round-trips exactly as on disk.
 */
export class MemoryStateProvider implements StateProvider {
  readonly #lifecycle = new Lifecycle('MemoryStateProvider');
  readonly #states = new Map<string, string>();

  /** A fresh `emptyState()`. */
  createState(): State {
    this.#lifecycle.assertOpen('createState');
    return emptyState();
  }

  /** The state saved under `id`, as a new object, or `null`. */
  async loadState(id: string): Promise<State | null> {
    this.#lifecycle.assertOpen('loadState');
    assertValidName(STATE_KIND, id);
    const text = this.#states.get(id);
    // The text is our own, encoded from a validated State, so decoding gives a State back unchecked.
    return text === undefined ? null : (decode(text) as State);
  }

  /** Validates `state` and stores a copy under `id`, replacing any earlier one. */
  async saveState(id: string, state: State): Promise<void> {
    this.#lifecycle.assertOpen('saveState');
    assertValidName(STATE_KIND, id);
    this.#states.set(id, encodeState(id, state));
  }

  /** A validated deep copy of `state`; throws `InvalidArgumentError` for a bad state. */
  cloneState(state: State): State {
    this.#lifecycle.assertOpen('cloneState');
    return cloneValidState(state);
  }

  /** Removes the state saved under `id`; `NotFoundError` when there is none. */
  async deleteState(id: string): Promise<void> {
    this.#lifecycle.assertOpen('deleteState');
    assertValidName(STATE_KIND, id);
    if (!this.#states.delete(id)) {
      throw new NotFoundError(`no state "${id}" to delete`, { details: { kind: STATE_KIND, name: id } });
    }
  }

  /** Ids of the saved states, sorted. */
  async listStates(): Promise<string[]> {
    this.#lifecycle.assertOpen('listStates');
    return [...this.#states.keys()].sort();
  }

  /** Drops every state; later calls fail with `ClosedError`. Idempotent. */
  async close(): Promise<void> {
    if (this.#lifecycle.markClosed()) this.#states.clear();
  }

  /** Same as {@link MemoryStateProvider.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
