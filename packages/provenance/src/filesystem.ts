import { type FilesystemOptions, FilesystemStore } from '@omega/core/fs';
import { ProvenanceFront, type ProvenanceFrontOptions } from './front.js';

// A constructor and `root`, nothing else: a rule needed here belongs in the front, a storage need in core's
// ports.

/**
 * Options of {@link FilesystemProvenanceProvider}: `root` (evidence lives in folders under it, created on
 * first use), `durable`, `lockTimeoutMs`, and those of every backend (`now`, `snapshotEvery`).
 */
export type FilesystemProvenanceProviderOptions = FilesystemOptions & ProvenanceFrontOptions;

/**
 * Evidence on disk under `root`: the append-only log `provenance-log/evidence.log` (one checksummed line
 * per evidence; appends from any number of processes, each made atomic by the log's conditional append),
 * and beside it the index snapshot `provenance/index.jsonl`, an atomic replace recording the log size it
 * covers, so opening replays only the entries after it. Durable unless `durable: false`: acknowledged
 * evidence survives a crash; a snapshot lost or damaged is rebuilt from the log.
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
