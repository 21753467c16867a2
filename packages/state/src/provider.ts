import { type DocumentBackend, DocumentFront, emptyState, type FrontOptions, type State } from '@omega/core';
import type { StateProvider } from './index.js';
import { cloneValidState, decodeState, encodeState, KIND, notFound, type StateHeader } from './rules.js';

/** Options of every state backend: `now`, the clock of each stored state's `updatedAt` (default `Date.now`). */
export type StateFrontOptions = FrontOptions;

/**
 * The rules of the state family, over any {@link DocumentBackend}: closed checks, the id rule, validation
 * and serde, not-found errors. Each backend is this front over its own port. A save is one atomic
 * replace of the document, so concurrent saves of an id leave one whole state: the last writer wins.
 */
export class StateFront extends DocumentFront<StateHeader> implements StateProvider {
  /** @param provider The class name errors report. */
  constructor(provider: string, backend: DocumentBackend<StateHeader>, options?: StateFrontOptions) {
    super(provider, KIND, backend, options);
  }

  /** A fresh `emptyState()`. */
  createState(): State {
    this.lifecycle.assertOpen('createState');
    return emptyState();
  }

  /** The state saved under `id` as a new object, or `null`; `CorruptDataError` for a damaged one. */
  async loadState(id: string): Promise<State | null> {
    this.lifecycle.assertNamed('loadState', id);
    const stored = await this.backend.read(id);
    if (stored === null) return null;
    return decodeState(id, stored.body, this.backend.trusted, stored.file);
  }

  /** Validates `state` and replaces what is stored under `id` with a copy of it. */
  async saveState(id: string, state: State): Promise<void> {
    this.lifecycle.assertNamed('saveState', id);
    const body = encodeState(id, state);
    await this.backend.write(id, { updatedAt: this.timestamp(id) }, body);
  }

  /** A validated deep copy of `state`; throws `InvalidArgumentError` for a bad state. */
  cloneState(state: State): State {
    this.lifecycle.assertOpen('cloneState');
    return cloneValidState(state);
  }

  /** Removes the state saved under `id`; `NotFoundError` when there is none. */
  async deleteState(id: string): Promise<void> {
    this.lifecycle.assertNamed('deleteState', id);
    if (!(await this.backend.remove(id))) throw notFound(id);
  }

  /** Ids of the saved states, sorted by code unit. */
  async listStates(): Promise<string[]> {
    this.lifecycle.assertOpen('listStates');
    return this.backend.names();
  }
}
