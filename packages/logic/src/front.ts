import {
  Front,
  type FrontInit,
  InvalidArgumentError,
  isOmegaError,
  type Store,
  type SyncStore,
} from '@omega/core';
import { FactBase, type Prepared } from './facts.js';
import { Generations } from './generations.js';
import type {
  LogicBindings,
  LogicDerivation,
  LogicProvider,
  LogicRule,
  LogicSearchHit,
  LogicSearchOptions,
} from './index.js';
import { checkOptions, type LogicFrontOptions } from './options.js';
import { type Change, corruptEntry, KIND, LOG } from './rules.js';

export type { LogicFrontOptions } from './options.js';

/**
 * The logic family's rules, written once over the synchronous face of the log port of any store that has
 * one (memory, filesystem): every provider is this front over its own store. The fact base is a log of
 * changes (facts asserted, rules added, facts retracted, clears) replayed into memory, where facts are
 * derived and searched; a log that is mostly dead is compacted into a new one (generations.ts). Before
 * each operation the front reads the entries appended since it last looked
 * (by another provider over the store, or another process), so every provider of a base sees the same
 * base; each change is appended expecting the size it read, so racing writers are ordered, never lost.
 */
export class LogicFront extends Front implements LogicProvider {
  /**
   * Where and how fact bases are stored in a store: the logs `logic/<name>` and
   * `logic/<name>..<generation>.<id>`, format `omega.logic`.
   */
  static readonly LOG = LOG;

  readonly #name: string;
  readonly #compactAfter: number;
  readonly #generations: Generations;
  #base = new FactBase();

  /** A logic provider over `store`'s fact base `options.name`; `init` is for provider classes. */
  constructor(store: Store & SyncStore, options: LogicFrontOptions = {}, init: FrontInit = {}) {
    super(KIND, store, options, init);
    const provider = this.lifecycle.provider;
    const { name, compactAfter } = checkOptions(provider, options);
    if (typeof (store as Partial<SyncStore>).logSync !== 'function') {
      throw new InvalidArgumentError(
        `${provider} needs a store with synchronous faces (memory, filesystem)`,
        {
          details: { provider, kind: KIND, option: 'store' },
        },
      );
    }
    this.#name = name;
    this.#compactAfter = compactAfter;
    this.#generations = new Generations(store.logSync(LOG), name);
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

  getRules(): LogicRule[] {
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

  query(pattern: string): LogicBindings[] {
    this.lifecycle.assertOpen('query');
    return this.#read().query(pattern);
  }

  ask(fact: string): boolean {
    this.lifecycle.assertOpen('ask');
    return this.#read().ask(fact);
  }

  explain(fact: string): LogicDerivation | null {
    this.lifecycle.assertOpen('explain');
    return this.#read().explain(fact);
  }

  search(text: string, options?: LogicSearchOptions): LogicSearchHit[] {
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
    this.#generations.catchUp(
      (change, log, position) => {
        let prepared: Prepared | null;
        try {
          prepared = this.#base.prepare(change);
        } catch (error) {
          // It was checked before it was written: what no longer parses was damaged since.
          throw isOmegaError(error, 'INVALID_ARGUMENT')
            ? corruptEntry(log, position, `its ${change.op} is invalid: ${error.message}`, error)
            : error;
        }
        if (prepared) this.#base.apply(prepared);
      },
      () => {
        this.#base = new FactBase();
      },
    );
    return this.#base;
  }

  /**
   * Appends `change` and applies it, unless it changes nothing; true when it did. Checked against the
   * base as of the log's end, appended only at that end: when another writer came first, read again. A
   * log due for compaction is compacted first, so a failed compaction fails the change before it is made.
   */
  #change(change: Change): boolean {
    for (;;) {
      const base = this.#read();
      const prepared = base.prepare(change);
      if (prepared === null) return false;
      const at = this.timestamp(this.#name);
      if (this.#dueForCompaction(base)) {
        this.#generations.compact(base.snapshot(), at);
        continue;
      }
      if (!this.#generations.append(change, at)) continue;
      base.apply(prepared);
      return true;
    }
  }

  // At least compactAfter entries, at least half of them dead (the live ones: the facts, the rules, and
  // the `clear` a snapshot starts with).
  #dueForCompaction(base: FactBase): boolean {
    const size = this.#generations.size;
    return size >= this.#compactAfter && size >= 2 * (base.live + 1);
  }
}
