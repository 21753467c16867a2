import { type FilesystemOptions, FilesystemStore } from '@omega/core/fs';
import { StreamFront, type StreamFrontOptions } from './front.js';

// A constructor and `root`, nothing else: a rule needed here belongs in the front, a storage need in core's
// ports.

/**
 * Options of {@link FilesystemStreamProvider}: `root` (streams live in `<root>/streams/`, created on first
 * use), `durable`, `lockTimeoutMs`, and those of every backend (`now`, `idleTimeoutMs`).
 */
export type FilesystemStreamProviderOptions = FilesystemOptions & StreamFrontOptions;

/**
 * Streams on disk under `<root>/streams/`: one append-only log per stream (format `omega.stream`, version
 * 1), shared by every process opening the root. An append resolves once its chunk is durable (unless
 * `durable: false`), so a writer killed at any point leaves every acknowledged chunk readable and the
 * stream open; followers in any process are woken through the log port's `wait` (a directory watch,
 * polled as a fallback).
 */
export class FilesystemStreamProvider extends StreamFront {
  /** The store root, as an absolute path. */
  readonly root: string;

  constructor(options: FilesystemStreamProviderOptions) {
    const store = new FilesystemStore(options);
    super(store, options, { provider: 'FilesystemStreamProvider', ownsStore: true });
    this.root = store.root;
  }
}
