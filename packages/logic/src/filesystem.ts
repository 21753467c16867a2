import { type FilesystemOptions, FilesystemStore } from '@omega/core/fs';
import { LogicFront, type LogicFrontOptions } from './front.js';

// A constructor and `root`, nothing else: a rule needed here belongs in the front, a storage need in core's
// ports. TODO(seed): the class keeps the seed's name for this backend where it gives one.

/**
 * Options of {@link FilesystemLogicProvider}: `root` (records live in `<root>/logic/`, created on first
 * use), `durable`, `lockTimeoutMs`, and those of every backend (`now`).
 */
export type FilesystemLogicProviderOptions = FilesystemOptions & LogicFrontOptions;

/**
 * Logic records as one framed file each, `<root>/logic/<name>.jsonl` (format `omega.logic`, version
 * 1): a header line with `updatedAt`, then the serde text of the record. Puts are atomic replaces (durable
 * unless `durable: false`), so a crash leaves the previous record or the new one, never a torn one.
 */
export class FilesystemLogicProvider extends LogicFront {
  /** The store root, as an absolute path. */
  readonly root: string;

  constructor(options: FilesystemLogicProviderOptions) {
    const store = new FilesystemStore(options);
    super(store, options, { provider: 'FilesystemLogicProvider', ownsStore: true });
    this.root = store.root;
  }
}
