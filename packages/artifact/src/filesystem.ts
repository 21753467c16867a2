import { type FilesystemOptions, FilesystemStore } from '@omega/core/fs';
import { ArtifactFront, type ArtifactFrontOptions } from './front.js';

/**
 * Options of {@link FilesystemArtifactProvider}: `root` (the index lives in `<root>/artifacts/`, values in
 * `<root>/artifact-values/`, created on first use), `capacity`, `maxBytes`, `variants`,
 * `accessResolutionMs`, `durable` (default true), `lockTimeoutMs` and `now`.
 */
export type FilesystemArtifactProviderOptions = FilesystemOptions & ArtifactFrontOptions;

/**
 * An artifact cache on disk, shared by every process that opens the same `root`: values as
 * content-addressed blobs (verified on every read: a missing or altered one is a miss), an index document
 * per expression changed under its cross-process lock and replaced atomically (durably unless
 * `durable: false`).
 */
export class FilesystemArtifactProvider extends ArtifactFront {
  /** The store root, as an absolute path. */
  readonly root: string;

  constructor(options: FilesystemArtifactProviderOptions) {
    const store = new FilesystemStore(options);
    super(store, options, { provider: 'FilesystemArtifactProvider', ownsStore: true });
    this.root = store.root;
  }
}
