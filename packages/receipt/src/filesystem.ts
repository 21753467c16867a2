import { type FilesystemOptions, FilesystemStore } from '@omega/core/fs';
import { ReceiptFront, type ReceiptFrontOptions } from './front.js';

// A constructor and `root`, nothing else: a rule needed here belongs in the front, a storage need in core's
// ports.

/**
 * Options of {@link FilesystemReceiptProvider}: `root` (receipts live in folders under it, created on first
 * use), `durable`, `lockTimeoutMs`, and those of every backend (`now`, `origin`, `signer`, `redact`).
 */
export type FilesystemReceiptProviderOptions = FilesystemOptions & ReceiptFrontOptions;

/**
 * Receipts on disk under `root`: the log in `receipt-log/` (appends chained by the log's conditional
 * append, from any number of processes), bodies in `receipt-bodies/`, erasure records in
 * `receipt-erasures/`, the tree's tiles in `receipt-tree/`, idempotency keys in `receipt-keys/`, and the
 * last checkpoint and the store's own signing key (0600) in `receipts/`. Durable unless `durable: false`:
 * an acknowledged receipt survives a crash.
 */
export class FilesystemReceiptProvider extends ReceiptFront {
  /** The store root, as an absolute path. */
  readonly root: string;

  constructor(options: FilesystemReceiptProviderOptions) {
    const store = new FilesystemStore(options);
    super(store, options, { provider: 'FilesystemReceiptProvider', ownsStore: true });
    this.root = store.root;
  }
}
