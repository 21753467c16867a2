import { type FilesystemOptions, FilesystemStore } from '@omega/core/fs';
import { ProvenanceFront, type ProvenanceFrontOptions } from './front.js';

// A constructor and `root`, nothing else: a rule needed here belongs in the front, a storage need in core's
// ports. TODO(seed): the class keeps the seed's name for this backend where it gives one.

/**
 * Options of {@link FilesystemProvenanceProvider}: `root` (records live in `<root>/provenance/`, created on first
 * use), `durable`, `lockTimeoutMs`, and those of every backend (`now`).
 */
export type FilesystemProvenanceProviderOptions = FilesystemOptions & ProvenanceFrontOptions;

/**
 * Provenance records as one framed file each, `<root>/provenance/<name>.jsonl` (format `omega.provenance`, version
 * 1): a header line with `updatedAt`, then the serde text of the record. Puts are atomic replaces (durable
 * unless `durable: false`), so a crash leaves the previous record or the new one, never a torn one.
 */
export class FilesystemProvenanceProvider extends ProvenanceFront {
  /** The store root, as an absolute path. */
  readonly root: string;

  constructor(options: FilesystemProvenanceProviderOptions) {
    const store = new FilesystemStore(options);
    super(store, options, { provider: 'FilesystemProvenanceProvider', ownsStore: true });
    this.root = store.root;
  }
}
