import {
  Front,
  type FrontInit,
  type FrontOptions,
  InvalidArgumentError,
  isOmegaError,
  isValidName,
  NAME_RULE,
  type Store,
  type SyncLogBackend,
  type SyncStore,
} from '@omega/core';
import { FactBase } from './facts.js';
import type { Bindings, Derivation, LogicProvider, Rule, SearchHit, SearchOptions } from './index.js';
import {
  type Change,
  changeOf,
  corruptEntry,
  DEFAULT_NAME,
  type EntryHeader,
  entryOf,
  KIND,
  LOG,
} from './rules.js';

/**
 * Options every logic backend takes: `name`, the fact base (its log under the store's `logic/` folder,
 * default `facts`: providers opening one name share one base), and `now`, the clock of each change's
 * timestamp (default `Date.now`).
 */
export interface LogicFrontOptions extends FrontOptions {
  name?: string;
}

/**
 * The logic family's rules, written once over the synchronous face of the log port of any store that has
 * one (memory, filesystem): every provider is this front over its own store. The fact base is a log of
 * changes (facts asserted, rules added, facts retracted, clears) replayed into memory, where facts are
 * derived and searched. Before each operation the front reads the entries appended since it last looked
 * (by another provider over the store, or another process), so every provider of a base sees the same
 * base; each change is appended expecting the size it read, so racing writers are ordered, never lost.
 */
export class LogicFront extends Front implements LogicProvider {
  /** Where and how fact bases are stored in a store: `logic/<name>`, format `omega.logic`. */
  static readonly LOG = LOG;

  readonly #log: SyncLogBackend<EntryHeader>;
  readonly #name: string;
  readonly #base = new FactBase();
  // How many entries of the log the base holds.
  #seen = 0;

  /** A logic provider over `store`'s fact base `options.name`; `init` is for provider classes. */
  constructor(store: Store & SyncStore, options: LogicFrontOptions = {}, init: FrontInit = {}) {
    super(KIND, store, options, init);
    const provider = this.lifecycle.provider;
    const name = options.name === undefined ? DEFAULT_NAME : options.name;
    if (!isValidName(name)) {
      throw new InvalidArgumentError(`${provider}: option name must follow the name rule (${NAME_RULE})`, {
        details: { provider, kind: KIND, option: 'name', value: name },
      });
    }
    if (typeof (store as Partial<SyncStore>).logSync !== 'function') {
      throw new InvalidArgumentError(
        `${provider} needs a store with synchronous faces (memory, filesystem)`,
        {
          details: { provider, kind: KIND, option: 'store' },
        },
      );
    }
    this.#name = name;
    this.#log = store.logSync(LOG);
  }

  assertFact(fact: string): void {
    this.lifecycle.assertOpen('assertFact');
    this.#change({ op: 'fact', fact });
  }

  addRule(condition: string, conclusion: string): void {
    this.lifecycle.assertOpen('addRule');
    this.#change({ op: 'rule', condition, conclusion });
  }

  getFacts(): string[] {
    this.lifecycle.assertOpen('getFacts');
    return this.#read().facts();
  }

  getRules(): Rule[] {
    this.lifecycle.assertOpen('getRules');
    return this.#read().rules();
  }

  clear(): void {
    this.lifecycle.assertOpen('clear');
    this.#change({ op: 'clear' });
  }

  count(): number {
    this.lifecycle.assertOpen('count');
    return this.#read().count();
  }

  query(pattern: string): Bindings[] {
    this.lifecycle.assertOpen('query');
    return this.#read().query(pattern);
  }

  ask(fact: string): boolean {
    this.lifecycle.assertOpen('ask');
    return this.#read().ask(fact);
  }

  explain(fact: string): Derivation | null {
    this.lifecycle.assertOpen('explain');
    return this.#read().explain(fact);
  }

  search(text: string, options?: SearchOptions): SearchHit[] {
    this.lifecycle.assertOpen('search');
    return this.#read().search(text, options);
  }

  retract(fact: string): boolean {
    this.lifecycle.assertOpen('retract');
    return this.#change({ op: 'retract', fact });
  }

  signature(): string {
    this.lifecycle.assertOpen('signature');
    return this.#read().signature();
  }

  // The base, with every entry appended so far applied.
  #read(): FactBase {
    const entries = this.#log.read(this.#name, { from: this.#seen, limit: Number.POSITIVE_INFINITY });
    const prevalidated = this.#log.prevalidated;
    for (const entry of entries) {
      const change = changeOf(this.#name, entry, prevalidated);
      let prepared: ReturnType<FactBase['prepare']>;
      try {
        prepared = this.#base.prepare(change);
      } catch (error) {
        // It was checked before it was written: what no longer parses was damaged since.
        throw isOmegaError(error, 'INVALID_ARGUMENT')
          ? corruptEntry(this.#name, entry.position, `its ${change.op} is invalid: ${error.message}`, error)
          : error;
      }
      if (prepared) this.#base.apply(prepared);
      this.#seen = entry.position + 1;
    }
    return this.#base;
  }

  /**
   * Appends `change` and applies it, unless it changes nothing; true when it did. Checked against the
   * base as of the log's end, appended only at that end: when another writer came first, read again.
   */
  #change(change: Change): boolean {
    for (;;) {
      const prepared = this.#read().prepare(change);
      if (prepared === null) return false;
      const at = this.timestamp(this.#name);
      try {
        this.#log.append(this.#name, [entryOf(change, at)], { expectedSize: this.#seen });
      } catch (error) {
        if (isOmegaError(error, 'CONFLICT') && error.details.actualSize !== undefined) continue;
        throw error;
      }
      this.#seen++;
      this.#base.apply(prepared);
      return true;
    }
  }
}
