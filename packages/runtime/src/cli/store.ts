import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ArtifactFront } from '@omega/artifact/front';
import { type Closable, NotFoundError } from '@omega/core';
import { FilesystemStore } from '@omega/core/fs';
import { FilesystemExpertProvider } from '@omega/expert/filesystem';
import { GovernanceFront } from '@omega/governance/front';
import { LogicFront } from '@omega/logic/front';
import { ProvenanceFront } from '@omega/provenance/front';
import { ReceiptFront } from '@omega/receipt/front';
import { SecurityFront } from '@omega/security/front';
import { SessionFront } from '@omega/session/front';
import { SnapshotFront } from '@omega/snapshot/front';
import { StateFront } from '@omega/state/front';
import { StreamFront } from '@omega/stream/front';
import { StreamingTraceProvider } from '@omega/trace/filesystem';
import type { CommandContext } from './command.js';

/** Where the runtime's filesystem preset keeps expert files under its root. */
export const EXPERTS_FOLDER = 'experts';

/**
 * A store root as the runtime's filesystem preset lays it out: one `FilesystemStore` under every family's
 * front (the synchronous families use its synchronous faces), traces in `<root>/traces/`, experts in
 * `<root>/experts/`. Each family is opened on first use, so a command touches only what it reads, and
 * `close()` closes every front it opened, then the store.
 */
export class StoreRoot {
  readonly root: string;
  #store: FilesystemStore | null = null;
  readonly #opened: Closable[] = [];

  constructor(root: string) {
    this.root = root;
  }

  /** The shared store, made on first use. */
  get store(): FilesystemStore {
    this.#store ??= new FilesystemStore({ root: this.root });
    return this.#store;
  }

  #keep<T extends Closable>(provider: T): T {
    this.#opened.push(provider);
    return provider;
  }

  states(): StateFront {
    return this.#keep(new StateFront(this.store));
  }

  sessions(): SessionFront {
    return this.#keep(new SessionFront(this.store));
  }

  snapshots(): SnapshotFront {
    return this.#keep(new SnapshotFront(this.store));
  }

  receipts(): ReceiptFront {
    return this.#keep(new ReceiptFront(this.store));
  }

  provenance(): ProvenanceFront {
    return this.#keep(new ProvenanceFront(this.store));
  }

  streams(): StreamFront {
    return this.#keep(new StreamFront(this.store));
  }

  /** The security audit; the policy is not read (inspecting the audit needs none). */
  audit(): SecurityFront {
    return this.#keep(new SecurityFront(this.store));
  }

  /** The ledger `budget`, with the limits it holds (never the default profile's). */
  budget(budget: string): GovernanceFront {
    return this.#keep(new GovernanceFront(this.store, { budget, adoptLimits: true }));
  }

  /** The fact base `name` (the runtime's is `facts`). */
  logic(name: string): LogicFront {
    return this.#keep(new LogicFront(this.store, { name }));
  }

  /** The artifact cache, bounded by `capacity` entries and `maxBytes` for `prune()`. */
  artifacts(options: { capacity?: number; maxBytes?: number } = {}): ArtifactFront {
    return this.#keep(new ArtifactFront(this.store, options));
  }

  traces(): StreamingTraceProvider {
    return this.#keep(new StreamingTraceProvider({ root: this.root }));
  }

  /** The experts of `dir` (default `<root>/experts`). */
  experts(dir = join(this.root, EXPERTS_FOLDER)): FilesystemExpertProvider {
    return this.#keep(new FilesystemExpertProvider({ dir }));
  }

  /** Closes every provider opened, newest first, then the store; every one even if another fails. */
  async close(): Promise<void> {
    const errors: unknown[] = [];
    for (const provider of this.#opened.splice(0).reverse()) {
      await provider.close().catch((error: unknown) => errors.push(error));
    }
    await this.#store?.close().catch((error: unknown) => errors.push(error));
    this.#store = null;
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, `closing the store at ${this.root} failed`);
  }
}

/**
 * Throws a `NotFoundError` unless `root` is a directory: a command that only reads must not create an
 * empty store where the user mistyped a path.
 */
export async function assertStore(root: string): Promise<void> {
  const found = await stat(root).catch(() => null);
  if (found?.isDirectory() === true) return;
  throw new NotFoundError(`no Omega store at ${root} (set --root to the store's directory)`, {
    details: { kind: 'store', name: root },
  });
}

/** Opens the store at `ctx.root`, runs `fn` over it, and closes it whatever happens. */
export async function withStore<T>(ctx: CommandContext, fn: (store: StoreRoot) => Promise<T>): Promise<T> {
  await assertStore(ctx.root);
  const store = new StoreRoot(ctx.root);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
