import { DocumentFront, type FrontInit, type FrontOptions, type Store } from '@omega/core';
import type { ProvenanceProvider, ProvenanceRecord } from './index.js';
import { DOCUMENTS, decodeProvenance, encodeProvenance, notFound, type ProvenanceHeader } from './rules.js';

// TODO(seed): every method of the seed's interface, once, here: each starts with
// `this.lifecycle.assertNamed(method, name)` (or `assertOpen(method)`), async ones are `async`,
// read-modify-write is `this.documents.update(name, next)`, timestamps come from `this.timestamp(name)`.
// A log or blob family extends `Front` and takes `store.log(LOG)` / `store.blobs(BLOBS)` instead.

/** Options every provenance backend takes: `now`, the clock of each stored record's `updatedAt` (default `Date.now`). */
export type ProvenanceFrontOptions = FrontOptions;

/**
 * The provenance family's rules, written once over the document port of any {@link Store}: every provider
 * (memory, filesystem, PostgreSQL) is this front over its own store, and a store from another package
 * gets a provenance provider as `new ProvenanceFront(store)`. A put is one atomic replace of the document, so
 * concurrent puts of a name leave one whole record: the last writer wins.
 */
export class ProvenanceFront extends DocumentFront<ProvenanceHeader> implements ProvenanceProvider {
  /** Where and how provenance records are stored in a store: `provenance/<name>`, format `omega.provenance`. */
  static readonly DOCUMENTS = DOCUMENTS;

  /** A provenance provider over `store`'s documents; `init` is for provider classes (their name, the store's ownership). */
  constructor(store: Store, options?: ProvenanceFrontOptions, init?: FrontInit) {
    super(DOCUMENTS, store, options, init);
  }

  async get(name: string): Promise<ProvenanceRecord | null> {
    this.lifecycle.assertNamed('get', name);
    const document = await this.documents.read(name);
    return document && decodeProvenance(name, document.body, this.documents.prevalidated, document.file);
  }

  async put(name: string, record: ProvenanceRecord): Promise<void> {
    this.lifecycle.assertNamed('put', name);
    // Encoded before the clock is read and anything is written: a bad record stores nothing.
    const body = encodeProvenance(name, record);
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
