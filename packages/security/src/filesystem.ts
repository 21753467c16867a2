import { type FilesystemOptions, FilesystemStore } from '@omega/core/fs';
import { SecurityFront, type SecurityFrontOptions } from './front.js';

// A constructor and `root`, nothing else: a rule needed here belongs in the front, a storage need in core's
// ports. TODO(seed): the class keeps the seed's name for this backend where it gives one.

/**
 * Options of {@link FilesystemSecurityProvider}: `root` (records live in `<root>/security/`, created on first
 * use), `durable`, `lockTimeoutMs`, and those of every backend (`now`).
 */
export type FilesystemSecurityProviderOptions = FilesystemOptions & SecurityFrontOptions;

/**
 * Security records as one framed file each, `<root>/security/<name>.jsonl` (format `omega.security`, version
 * 1): a header line with `updatedAt`, then the serde text of the record. Puts are atomic replaces (durable
 * unless `durable: false`), so a crash leaves the previous record or the new one, never a torn one.
 */
export class FilesystemSecurityProvider extends SecurityFront {
  /** The store root, as an absolute path. */
  readonly root: string;

  constructor(options: FilesystemSecurityProviderOptions) {
    const store = new FilesystemStore(options);
    super(store, options, { provider: 'FilesystemSecurityProvider', ownsStore: true });
    this.root = store.root;
  }
}
