import { resolve } from 'node:path';
import {
  assertValidName,
  DocumentStore,
  decodeRecord,
  emptyState,
  InvalidArgumentError,
  Lifecycle,
  NotFoundError,
  RecordShapes,
  type State,
  TimestampSchema,
  z,
} from '@omega/core';
import type { FilesystemStateProviderOptions, StateProvider } from './index.js';
import { cloneValidState, encodeState, STATE_KIND } from './validate.js';

/** Family fields of the first line of every state file, beside format, version, name and bodyBytes. */
const StateFileHeaderSchema = z.object({ updatedAt: TimestampSchema });
type StateFileHeader = z.infer<typeof StateFileHeaderSchema>;

/**
 * Keeps each state in its own file, `<root>/state/<id>.jsonl` (format `omega.state`, version 1).
 * A save atomically replaces the file (durable by default), so concurrent saves, from any number of
 * processes, leave one complete state: the last writer wins and no reader ever sees a torn file.
 * Everything read back is validated; a damaged file is a `CorruptDataError` naming it.
 */
export class FilesystemStateProvider implements StateProvider {
  /** Absolute path of the store root given at construction. */
  readonly root: string;
  readonly #lifecycle = new Lifecycle('FilesystemStateProvider');
  readonly #store: DocumentStore<StateFileHeader>;
  readonly #now: () => number;

  constructor(options: FilesystemStateProviderOptions) {
    if (typeof options?.root !== 'string' || options.root === '') {
      throw new InvalidArgumentError('FilesystemStateProvider needs a non-empty `root` directory', {
        details: { kind: STATE_KIND, option: 'root' },
      });
    }
    this.root = resolve(options.root);
    this.#now = options.now ?? Date.now;
    this.#store = new DocumentStore({
      root: this.root,
      folder: 'state',
      kind: STATE_KIND,
      format: 'omega.state',
      version: 1,
      header: StateFileHeaderSchema,
      durable: options.durable ?? true,
    });
  }

  /** A fresh `emptyState()`. */
  createState(): State {
    this.#lifecycle.assertOpen('createState');
    return emptyState();
  }

  /** The state saved under `id`, or `null`; `CorruptDataError` when its file is damaged. */
  async loadState(id: string): Promise<State | null> {
    this.#lifecycle.assertOpen('loadState');
    assertValidName(STATE_KIND, id);
    const document = await this.#store.read(id);
    if (document === null) return null;
    const { file, body } = document;
    return decodeRecord(RecordShapes.state, body, { kind: STATE_KIND, name: id, file });
  }

  /** Validates `state` and atomically replaces the file of `id` with it. */
  async saveState(id: string, state: State): Promise<void> {
    this.#lifecycle.assertOpen('saveState');
    assertValidName(STATE_KIND, id);
    const body = encodeState(id, state);
    const updatedAt = this.#now();
    if (!Number.isSafeInteger(updatedAt) || updatedAt < 0) {
      throw new InvalidArgumentError(`the now() option returned ${updatedAt}, not a time in whole ms`, {
        details: { kind: STATE_KIND, name: id, option: 'now', value: updatedAt },
      });
    }
    await this.#store.write(id, { updatedAt }, body);
  }

  /** A validated deep copy of `state`; throws `InvalidArgumentError` for a bad state. */
  cloneState(state: State): State {
    this.#lifecycle.assertOpen('cloneState');
    return cloneValidState(state);
  }

  /** Removes the file of `id`; `NotFoundError` when there is none. */
  async deleteState(id: string): Promise<void> {
    this.#lifecycle.assertOpen('deleteState');
    assertValidName(STATE_KIND, id);
    if (!(await this.#store.remove(id))) {
      throw new NotFoundError(`no state "${id}" to delete in ${this.root}`, {
        details: { kind: STATE_KIND, name: id, root: this.root },
      });
    }
  }

  /** Ids of the saved states, sorted; files that are not `<valid id>.jsonl` are ignored. */
  async listStates(): Promise<string[]> {
    this.#lifecycle.assertOpen('listStates');
    return this.#store.names();
  }

  /** Later calls fail with `ClosedError`; the files stay. Idempotent. */
  async close(): Promise<void> {
    this.#lifecycle.markClosed();
  }

  /** Same as {@link FilesystemStateProvider.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
