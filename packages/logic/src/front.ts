import { DocumentFront, type FrontInit, type FrontOptions, type Store } from '@omega/core';
import type { LogicProvider, LogicRecord } from './index.js';
import { DOCUMENTS, decodeLogic, encodeLogic, type LogicHeader, notFound } from './rules.js';

// TODO(seed): every method of the seed's interface, once, here: each starts with
// `this.lifecycle.assertNamed(method, name)` (or `assertOpen(method)`), async ones are `async`,
// read-modify-write is `this.documents.update(name, next)`, timestamps come from `this.timestamp(name)`.
// A log or blob family extends `Front` and takes `store.log(LOG)` / `store.blobs(BLOBS)` instead.

/** Options every logic backend takes: `now`, the clock of each stored record's `updatedAt` (default `Date.now`). */
export type LogicFrontOptions = FrontOptions;

/**
 * The logic family's rules, written once over the document port of any {@link Store}: every provider
 * (memory, filesystem, PostgreSQL) is this front over its own store, and a store from another package
 * gets a logic provider as `new LogicFront(store)`. A put is one atomic replace of the document, so
 * concurrent puts of a name leave one whole record: the last writer wins.
 */
export class LogicFront extends DocumentFront<LogicHeader> implements LogicProvider {
  /** Where and how logic records are stored in a store: `logic/<name>`, format `omega.logic`. */
  static readonly DOCUMENTS = DOCUMENTS;

  /** A logic provider over `store`'s documents; `init` is for provider classes (their name, the store's ownership). */
  constructor(store: Store, options?: LogicFrontOptions, init?: FrontInit) {
    super(DOCUMENTS, store, options, init);
  }

  async get(name: string): Promise<LogicRecord | null> {
    this.lifecycle.assertNamed('get', name);
    const document = await this.documents.read(name);
    return document && decodeLogic(name, document.body, this.documents.prevalidated, document.file);
  }

  async put(name: string, record: LogicRecord): Promise<void> {
    this.lifecycle.assertNamed('put', name);
    // Encoded before the clock is read and anything is written: a bad record stores nothing.
    const body = encodeLogic(name, record);
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
