import { type FilesystemOptions, FilesystemStore } from '@omega/core/fs';
import { SnapshotFront } from './front.js';

/**
 * Options of {@link FilesystemSnapshotProvider}: `root` (snapshots live in `<root>/snapshots/`, created
 * on first use) and `durable` (fsync files and directories on every write, exports included; default true).
 */
export type FilesystemSnapshotProviderOptions = Pick<FilesystemOptions, 'root' | 'durable'>;

/**
 * Snapshots as files under `<root>/snapshots/`, one framed document per snapshot (format
 * `omega.snapshot`, version 1, header { createdAt, digest }). Writes are atomic and durable; every read is
 * validated, and `load` and `export` recompute the digest, so a damaged or hand-edited file is a
 * `CorruptDataError` naming it, never a wrong snapshot.
 */
export class FilesystemSnapshotProvider extends SnapshotFront {
  /** The store root, as an absolute path. */
  readonly root: string;

  constructor(options: FilesystemSnapshotProviderOptions) {
    const store = new FilesystemStore(options);
    super(store, options, { provider: 'FilesystemSnapshotProvider', ownsStore: true });
    this.root = store.root;
  }
}
