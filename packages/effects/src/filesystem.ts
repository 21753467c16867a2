import { type FilesystemOptions, FilesystemStore } from '@omega/core/fs';
import { EffectsFront, type EffectsFrontOptions } from './front.js';

// A constructor and `root`, nothing else: a rule needed here belongs in the front, a storage need in core's
// ports. TODO(seed): the class keeps the seed's name for this backend where it gives one.

/**
 * Options of {@link FilesystemEffectsProvider}: `root` (records live in `<root>/effects/`, created on first
 * use), `durable`, `lockTimeoutMs`, and those of every backend (`now`).
 */
export type FilesystemEffectsProviderOptions = FilesystemOptions & EffectsFrontOptions;

/**
 * Effects records as one framed file each, `<root>/effects/<name>.jsonl` (format `omega.effects`, version
 * 1): a header line with `updatedAt`, then the serde text of the record. Puts are atomic replaces (durable
 * unless `durable: false`), so a crash leaves the previous record or the new one, never a torn one.
 */
export class FilesystemEffectsProvider extends EffectsFront {
  /** The store root, as an absolute path. */
  readonly root: string;

  constructor(options: FilesystemEffectsProviderOptions) {
    const store = new FilesystemStore(options);
    super(store, options, { provider: 'FilesystemEffectsProvider', ownsStore: true });
    this.root = store.root;
  }
}
