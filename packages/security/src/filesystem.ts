import { type FilesystemOptions, FilesystemStore } from '@omega/core/fs';
import { SecurityFront, type SecurityFrontOptions } from './front.js';
import { PolicyFile } from './policy-file.js';

// A constructor and `root`, nothing else: a rule needed here belongs in the front, a storage need in core's
// ports.

/**
 * Options of {@link FilesystemSecurityProvider}: `root`, `durable`, `lockTimeoutMs`, and those of every
 * backend (`policy`, `now`, redaction, signer); the policy's place is the backend's own.
 */
export type FilesystemSecurityProviderOptions = FilesystemOptions & Omit<SecurityFrontOptions, 'policyStore'>;

/**
 * The policy and the audit on disk under `root`: the policy in `security/policy.json` (read and validated
 * at construction, a bad rule a `CorruptDataError` naming it; replaced atomically by `setPolicy`), the
 * audit log in `security-audit/` (appends chained by the log's conditional append, from any number of
 * processes), the last checkpoint and the store's own signing key (0600) in `security-state/`. Durable
 * unless `durable: false`: an authorization resolves only once its record survives a crash.
 */
export class FilesystemSecurityProvider extends SecurityFront {
  /** The store root, as an absolute path. */
  readonly root: string;

  constructor(options: FilesystemSecurityProviderOptions) {
    const store = new FilesystemStore(options);
    const policyStore = new PolicyFile(store.root, options.durable ?? true);
    super(store, { ...options, policyStore }, { provider: 'FilesystemSecurityProvider', ownsStore: true });
    this.root = store.root;
  }
}
