import { type FilesystemOptions, FilesystemStore, holderState, thisProcess } from '@omega/core/fs';
import { GovernanceFront, type GovernanceFrontOptions } from './front.js';

/**
 * Options of {@link FilesystemGovernanceProvider}: `root` (ledgers live in `<root>/governance/`), `budget`
 * (the ledger's name: every provider of that name under the root shares it; default `default`), the
 * profile and the front's other options, `durable` (default true), `lockTimeoutMs` and `lockLeaseMs`.
 */
export type FilesystemGovernanceProviderOptions = FilesystemOptions & GovernanceFrontOptions;

/**
 * A budget shared by every process of the host that opens `budget` under `root`, kept across restarts so
 * a resumed run continues its budget: one framed file, `<root>/governance/<budget>.jsonl` (format
 * `omega.budget`), changed only by a read-modify-write under its cross-process lock and replaced
 * atomically (durably unless `durable: false`). Reservations record this process as their owner: one
 * whose owner is certainly dead (a `kill -9`) is released by the next operation of any process.
 */
export class FilesystemGovernanceProvider extends GovernanceFront {
  /** The store root, as an absolute path. */
  readonly root: string;

  constructor(options: FilesystemGovernanceProviderOptions) {
    const store = new FilesystemStore(options);
    const { pid, start, pidNs, timeNs, boot, host } = thisProcess();
    super(
      store,
      { owner: { pid, start, pidNs, timeNs, boot, host }, ownerState: holderState, ...options },
      { provider: 'FilesystemGovernanceProvider', ownsStore: true },
    );
    this.root = store.root;
  }
}
