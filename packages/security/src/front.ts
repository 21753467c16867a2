import { DocumentFront, type FrontInit, type FrontOptions, type Store } from '@omega/core';
import type { SecurityProvider, SecurityRecord } from './index.js';
import { DOCUMENTS, decodeSecurity, encodeSecurity, notFound, type SecurityHeader } from './rules.js';

// TODO(seed): every method of the seed's interface, once, here: each starts with
// `this.lifecycle.assertNamed(method, name)` (or `assertOpen(method)`), async ones are `async`,
// read-modify-write is `this.documents.update(name, next)`, timestamps come from `this.timestamp(name)`.
// A log or blob family extends `Front` and takes `store.log(LOG)` / `store.blobs(BLOBS)` instead.

/** Options every security backend takes: `now`, the clock of each stored record's `updatedAt` (default `Date.now`). */
export type SecurityFrontOptions = FrontOptions;

/**
 * The security family's rules, written once over the document port of any {@link Store}: every provider
 * (memory, filesystem, PostgreSQL) is this front over its own store, and a store from another package
 * gets a security provider as `new SecurityFront(store)`. A put is one atomic replace of the document, so
 * concurrent puts of a name leave one whole record: the last writer wins.
 */
export class SecurityFront extends DocumentFront<SecurityHeader> implements SecurityProvider {
  /** Where and how security records are stored in a store: `security/<name>`, format `omega.security`. */
  static readonly DOCUMENTS = DOCUMENTS;

  /** A security provider over `store`'s documents; `init` is for provider classes (their name, the store's ownership). */
  constructor(store: Store, options?: SecurityFrontOptions, init?: FrontInit) {
    super(DOCUMENTS, store, options, init);
  }

  async get(name: string): Promise<SecurityRecord | null> {
    this.lifecycle.assertNamed('get', name);
    const document = await this.documents.read(name);
    return document && decodeSecurity(name, document.body, this.documents.prevalidated, document.file);
  }

  async put(name: string, record: SecurityRecord): Promise<void> {
    this.lifecycle.assertNamed('put', name);
    // Encoded before the clock is read and anything is written: a bad record stores nothing.
    const body = encodeSecurity(name, record);
    await this.documents.write(name, { updatedAt: this.timestamp(name) }, body);
  }

  async delete(name: string): Promise<void> {
    this.lifecycle.assertNamed('delete', name);
    if (!(await this.documents.remove(name))) throw notFound(name);
  }

  async list(): Promise<string[]> {
    this.lifecycle.assertOpen('list');
    return this.documents.names({ limit: Number.POSITIVE_INFINITY });
  }
}
