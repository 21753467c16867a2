import { DocumentFront, type FrontInit, type FrontOptions, type Store } from '@omega/core';
import type { TraceProvider, TraceRecord } from './index.js';
import { DOCUMENTS, decodeTrace, encodeTrace, notFound, type TraceHeader } from './rules.js';

// TODO(seed): every method of the seed's interface, once, here: each starts with
// `this.lifecycle.assertNamed(method, name)` (or `assertOpen(method)`), async ones are `async`,
// read-modify-write is `this.documents.update(name, next)`, timestamps come from `this.timestamp(name)`.
// A log or blob family extends `Front` and takes `store.log(LOG)` / `store.blobs(BLOBS)` instead.

/** Options every trace backend takes: `now`, the clock of each stored record's `updatedAt` (default `Date.now`). */
export type TraceFrontOptions = FrontOptions;

/**
 * The trace family's rules, written once over the document port of any {@link Store}: every provider
 * (memory, filesystem, PostgreSQL) is this front over its own store, and a store from another package
 * gets a trace provider as `new TraceFront(store)`. A put is one atomic replace of the document, so
 * concurrent puts of a name leave one whole record: the last writer wins.
 */
export class TraceFront extends DocumentFront<TraceHeader> implements TraceProvider {
  /** Where and how trace records are stored in a store: `trace/<name>`, format `omega.trace`. */
  static readonly DOCUMENTS = DOCUMENTS;

  /** A trace provider over `store`'s documents; `init` is for provider classes (their name, the store's ownership). */
  constructor(store: Store, options?: TraceFrontOptions, init?: FrontInit) {
    super(DOCUMENTS, store, options, init);
  }

  async get(name: string): Promise<TraceRecord | null> {
    this.lifecycle.assertNamed('get', name);
    const document = await this.documents.read(name);
    return document && decodeTrace(name, document.body, this.documents.prevalidated, document.file);
  }

  async put(name: string, record: TraceRecord): Promise<void> {
    this.lifecycle.assertNamed('put', name);
    // Encoded before the clock is read and anything is written: a bad record stores nothing.
    const body = encodeTrace(name, record);
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
