import { type FilesystemOptions, FilesystemStore } from '@omega/core/fs';
import { LogicFront, type LogicFrontOptions } from './front.js';

/**
 * Options of {@link FilesystemLogicProvider}: `root` (fact bases live in `<root>/logic/`, created on
 * first use), `name` (the fact base, default `facts`), `durable` (default true), `lockTimeoutMs`, and
 * those of every backend (`now`).
 */
export type FilesystemLogicProviderOptions = FilesystemOptions & LogicFrontOptions;

/**
 * A fact base kept across restarts and shared by the processes that open `name` under `root`: an
 * append-only log, `<root>/logic/<name>.log` (format `omega.logic`), of the facts asserted, rules
 * added, facts retracted and clears, replayed on open. Each change is one append under the log's
 * cross-process lock, synced to disk before it returns (unless `durable: false`); a crash mid-append
 * leaves a torn last line, which the log port drops, so the base reopens as it was before that change.
 * Before each operation the provider reads what other processes appended since, so it sees their facts.
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
