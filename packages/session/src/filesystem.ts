import { type FilesystemOptions, FilesystemStore } from '@omega/core/fs';
import { SessionFront, type SessionFrontOptions } from './front.js';

/**
 * Options of {@link FilesystemSessionProvider}: `root` (sessions live in `<root>/sessions/`, created on
 * first use), `durable`, `now`, `lockTimeoutMs` (how long a save or delete waits for another live
 * process holding the session's lock before a `ConflictError`; a holder that died is taken over at once)
 * and `lockLeaseMs` (how long a holder in another pid namespace may miss its heartbeat).
 */
export type FilesystemSessionProviderOptions = FilesystemOptions & SessionFrontOptions;

/**
 * Sessions as one framed file each, `<root>/sessions/<name>.jsonl` (format `omega.session`, version 1):
 * a header line with the version and timestamps, then the serde text of the session. Saves are atomic
 * replaces (durable unless `durable: false`) taken under a per-session cross-process lock and committed
 * over the exact file they read, so versions are exact across processes whatever their stalls, and a crash
 * leaves the previous or the new session, never a torn one.
 */
export class FilesystemSessionProvider extends SessionFront {
  /** The store root, as an absolute path. */
  readonly root: string;

  constructor(options: FilesystemSessionProviderOptions) {
    const store = new FilesystemStore(options);
    super(store, options, { provider: 'FilesystemSessionProvider', ownsStore: true });
    this.root = store.root;
  }
}
