import { type FilesystemOptions, FilesystemStore } from '@omega/core/fs';
import { TraceFront, type TraceFrontOptions } from './front.js';

// A constructor and `root`, nothing else: a rule needed here belongs in the front, a storage need in core's
// ports. TODO(seed): the class keeps the seed's name for this backend where it gives one.

/**
 * Options of {@link FilesystemTraceProvider}: `root` (records live in `<root>/trace/`, created on first
 * use), `durable`, `lockTimeoutMs`, and those of every backend (`now`).
 */
export type FilesystemTraceProviderOptions = FilesystemOptions & TraceFrontOptions;

/**
 * Trace records as one framed file each, `<root>/trace/<name>.jsonl` (format `omega.trace`, version
 * 1): a header line with `updatedAt`, then the serde text of the record. Puts are atomic replaces (durable
 * unless `durable: false`), so a crash leaves the previous record or the new one, never a torn one.
 */
export class FilesystemTraceProvider extends TraceFront {
  /** The store root, as an absolute path. */
  readonly root: string;

  constructor(options: FilesystemTraceProviderOptions) {
    const store = new FilesystemStore(options);
    super(store, options, { provider: 'FilesystemTraceProvider', ownsStore: true });
    this.root = store.root;
  }
}
