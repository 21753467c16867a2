import { FilesystemDocumentBackend } from '@omega/core/fs';
import type { FilesystemStateProviderOptions } from './index.js';
import { StateFront } from './provider.js';
import { DOCUMENTS, type StateHeader } from './rules.js';

export type { FilesystemStateProviderOptions } from './index.js';

/**
 * Keeps each state in its own file, `<root>/state/<id>.jsonl` (format `omega.state`, version 1).
 * A save atomically replaces the file (durable by default), so concurrent saves, from any number of
 * processes, leave one complete state: the last writer wins and no reader ever sees a torn file.
 * Everything read back is validated; a damaged file is a `CorruptDataError` naming it.
 */
export class FilesystemStateProvider extends StateFront {
  /** Absolute path of the store root given at construction. */
  readonly root = (this.backend as FilesystemDocumentBackend<StateHeader>).root;

  constructor(options: FilesystemStateProviderOptions) {
    super('FilesystemStateProvider', new FilesystemDocumentBackend(DOCUMENTS, options), options);
  }
}
