import type { Closable, State } from '@omega/core';

export {
  type Closable,
  emptyState,
  type State,
  StateSchema,
  StateStatusSchema,
  type Val,
} from '@omega/core';
export type { MockOptions } from '@omega/core/testing';

/**
 * Stores CESK machine states by id (the id follows the one naming rule, `NAME_RULE` in `@omega/core`).
 *
 * Backends: `MemoryStateProvider` (`@omega/state/memory`), `FilesystemStateProvider`
 * (`@omega/state/filesystem`) and `MockStateProvider` (`@omega/state/mock`). Every backend passes
 * `describeStateProvider` (`@omega/state/conformance`).
 */
export interface StateProvider extends Closable {
  /** Create fresh CESK state */
  createState(): State;

  /** Load state by ID */
  loadState(id: string): Promise<State | null>;

  /** Save state with ID */
  saveState(id: string, state: State): Promise<void>;

  /** Clone state (deep copy for snapshots) */
  cloneState(state: State): State;

  /** Delete a saved state; `NotFoundError` when there is none under `id`. */
  deleteState(id: string): Promise<void>;

  /** Ids of the saved states, sorted by code unit. */
  listStates(): Promise<string[]>;
}

/** Options of `FilesystemStateProvider`. */
export interface FilesystemStateProviderOptions {
  /** Store root directory; states live in `<root>/state/`, created on first use. */
  root: string;
  /**
   * fsync each file and the folder on every save (default `true`). `false` is faster and still atomic,
   * but a crash of the machine may lose the latest saves.
   */
  durable?: boolean;
  /** Clock for the `updatedAt` field of each stored file, in ms since the epoch (default `Date.now`). */
  now?: () => number;
}
