import { stat } from 'node:fs/promises';
import { ArtifactFront } from '@omega/artifact/front';
import { type Closable, NotFoundError } from '@omega/core';
import { FilesystemStore } from '@omega/core/fs';
import { LogicFront } from '@omega/logic/front';
import { SecurityFront } from '@omega/security/front';
import type { Families, FamilyName } from '../families.js';
import { type OpenFamilyOptions, openFamily } from '../open-family.js';
import type { CommandContext } from './command.js';

/**
 * The folder of a root where `omega` looks for expert files when not given `--dir` (the runtime itself
 * loads the folder of its `experts` option, wherever that is).
 */
export const EXPERTS_FOLDER = 'experts';

/**
 * A store root as the runtime's filesystem preset lays it out. Each family is opened on first use with the
 * runtime's `openFamily` (the folders `createRuntime({ root })` uses), so a command touches only what it
 * reads; `store` is a `FilesystemStore` of the same root for reading the families' ports directly (the
 * doctor's walks). `close()` closes everything opened, newest first.
 */
export class StoreRoot {
  readonly root: string;
  #store: FilesystemStore | null = null;
  readonly #opened: Closable[] = [];

  constructor(root: string) {
    this.root = root;
  }

  /** A store of the root, made on first use, for reading ports directly. */
  get store(): FilesystemStore {
    this.#store ??= new FilesystemStore({ root: this.root });
    return this.#store;
  }

  #keep<T extends Closable>(provider: T): T {
    this.#opened.push(provider);
    return provider;
  }

  #family<F extends FamilyName>(name: F, options: Omit<OpenFamilyOptions, 'root'> = {}): Families[F] {
    return this.#keep(openFamily(name, { root: this.root, ...options }));
  }

  states() {
    return this.#family('state');
  }

  sessions() {
    return this.#family('session');
  }

  snapshots() {
    return this.#family('snapshot');
  }

  receipts() {
    return this.#family('receipt');
  }

  traces() {
    return this.#family('trace');
  }

  streams() {
    return this.#family('stream');
  }

  /** The security family as the runtime opens it: its policy file is read and validated first. */
  security() {
    return this.#family('security');
  }

  /**
   * The security audit over this root's store, without the policy (reading the audit needs none): so the
   * audit can be listed and verified even when the policy file is damaged.
   */
  audit(): SecurityFront {
    return this.#keep(new SecurityFront(this.store));
  }

  provenance() {
    return this.#family('provenance');
  }

  /** The ledger `budget`, with the limits it holds (never a profile's). */
  budget(budget: string) {
    return this.#family('governance', { ledger: budget });
  }

  /** The experts of folder `dir`, or the built-in roles. */
  experts(dir?: string) {
    return this.#family('expert', dir === undefined ? {} : { experts: dir });
  }

  /** The fact base `name` (the runtime's is `facts`), over this root's store. */
  logic(name: string): LogicFront {
    return this.#keep(new LogicFront(this.store, { name }));
  }

  /** The artifact cache over this root's store, bounded by `capacity` entries and `maxBytes` for `prune()`. */
  artifacts(options: { capacity?: number; maxBytes?: number } = {}): ArtifactFront {
    return this.#keep(new ArtifactFront(this.store, options));
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
