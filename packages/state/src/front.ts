import {
  DocumentFront,
  emptyState,
  type FrontInit,
  type FrontOptions,
  type State,
  type Store,
} from '@omega/core';
import type { StateProvider } from './index.js';
import { cloneValidState, DOCUMENTS, decodeState, encodeState, notFound, type StateHeader } from './rules.js';

/** Options of every state backend: `now`, the clock of each stored state's `updatedAt` (default `Date.now`). */
export type StateFrontOptions = FrontOptions;

/**
 * The rules of the state family, over the document port of any {@link Store}: closed checks, the id
 * rule, validation and serde, not-found errors. Each provider is this front over its own store, and a
 * store from another package gets a state provider as `new StateFront(store)`. A save is one atomic
 * replace of the document, so concurrent saves of an id leave one whole state: the last writer wins.
 */
export class StateFront extends DocumentFront<StateHeader> implements StateProvider {
  /** Where and how states are stored in a store: `state/<id>`, format `omega.state`. */
  static readonly DOCUMENTS = DOCUMENTS;

  /** A state provider over `store`'s documents; `init` is for provider classes (their name, the store's ownership). */
  constructor(store: Store, options?: StateFrontOptions, init?: FrontInit) {
    super(DOCUMENTS, store, options, init);
  }

  /** A fresh `emptyState()`. */
  createState(): State {
    this.lifecycle.assertOpen('createState');
    return emptyState();
  }

  /** The state saved under `id` as a new object, or `null`; `CorruptDataError` for a damaged one. */
  async loadState(id: string): Promise<State | null> {
    this.lifecycle.assertNamed('loadState', id);
    const stored = await this.documents.read(id);
    if (stored === null) return null;
    return decodeState(id, stored.body, this.documents.prevalidated, stored.file);
  }

  /** Validates `state` and replaces what is stored under `id` with a copy of it. */
  async saveState(id: string, state: State): Promise<void> {
    this.lifecycle.assertNamed('saveState', id);
    const body = encodeState(id, state);
    await this.documents.write(id, { updatedAt: this.timestamp(id) }, body);
  }

  /** A validated deep copy of `state`; throws `InvalidArgumentError` for a bad state. */
  cloneState(state: State): State {
    this.lifecycle.assertOpen('cloneState');
    return cloneValidState(state);
  }

  /** Removes the state saved under `id`; `NotFoundError` when there is none. */
  async deleteState(id: string): Promise<void> {
    this.lifecycle.assertNamed('deleteState', id);
    if (!(await this.documents.remove(id))) throw notFound(id);
  }

  /** Ids of the saved states, sorted by code unit. */
  async listStates(): Promise<string[]> {
    this.lifecycle.assertOpen('listStates');
    return this.documents.names({ limit: Number.POSITIVE_INFINITY });
  }
}
