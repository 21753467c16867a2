import { FilesystemStore } from '@omega/core/fs';
import { StateFront } from './front.js';
import type { FilesystemStateProviderOptions } from './index.js';

export type { FilesystemStateProviderOptions } from './index.js';

/**
 * Keeps each state in its own file, `<root>/state/<id>.jsonl` (format `omega.state`, version 1).
 * A save atomically replaces the file (durable by default), so concurrent saves, from any number of
 * processes, leave one complete state: the last writer wins and no reader ever sees a torn file.
 * Everything read back is validated; a damaged file is a `CorruptDataError` naming it.
 */
export class FilesystemStateProvider extends StateFront {
  /** Absolute path of the store root given at construction. */
  readonly root: string;

  constructor(options: FilesystemStateProviderOptions) {
    const store = new FilesystemStore(options);
    super(store, options, { provider: 'FilesystemStateProvider', ownsStore: true });
    this.root = store.root;
  }
}
