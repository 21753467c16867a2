import { Lifecycle } from '@omega/core';
import type { Expert, ExpertProvider, ExpertQuery, RegisterExpertOptions } from './index.js';
import { alreadyRegistered, checkedExpert, checkedQuery, copyOf, KIND, replaceOption } from './rules.js';
import { ExpertIndex } from './search.js';

/** How a provider class builds its front (not a user option). */
export interface ExpertFrontInit {
  /** The class name errors report (default: the class being constructed). */
  provider?: string;
}

/**
 * The expert family's rules, written once: validation, the name rule, registration and ranked search.
 * Like the effects family's front it sits on no store: a registry of roles is a small set held in
 * memory, filled by code (`register`) and, in the filesystem backend, from files. Every provider
 * (memory, filesystem, the mock) is this front.
 *
 * It keeps two layers: experts registered by code, and experts loaded (a backend's source: the
 * filesystem backend's files), which {@link ExpertFront.replaceLoaded} swaps whole. A name in both is
 * the registered one; `unregister` removes a name from both, until the next load brings a loaded one
 * back.
 */
export class ExpertFront implements ExpertProvider {
  /** Closed checks: every method calls it first. */
  protected readonly lifecycle: Lifecycle;
  readonly #registered = new Map<string, Expert>();
  #loaded: ReadonlyMap<string, Expert> = new Map();
  // Built at the first find after a change: most changes come in bursts (a load), most finds between them.
  #index: ExpertIndex | undefined;

  constructor(init: ExpertFrontInit = {}) {
    this.lifecycle = new Lifecycle(init.provider ?? new.target.name, KIND);
  }

  register(expert: Expert, options?: RegisterExpertOptions): void {
    this.lifecycle.assertOpen('register');
    const checked = checkedExpert(this.lifecycle.provider, expert);
    const replace = replaceOption(this.lifecycle.provider, checked.name, options);
    if (!replace && this.#has(checked.name)) throw alreadyRegistered(this.lifecycle.provider, checked.name);
    this.#registered.set(checked.name, checked);
    this.#index = undefined;
  }

  get(name: string): Expert | undefined {
    this.lifecycle.assertNamed('get', name);
    const expert = this.#registered.get(name) ?? this.#loaded.get(name);
    return expert === undefined ? undefined : copyOf(expert);
  }

  list(): Expert[] {
    this.lifecycle.assertOpen('list');
    return this.#indexed().search(undefined).map(copyOf);
  }

  find(query: ExpertQuery): Expert[] {
    this.lifecycle.assertOpen('find');
    const { text, tags } = checkedQuery(this.lifecycle.provider, query);
    return this.#indexed().search(text, tags).map(copyOf);
  }

  unregister(name: string): boolean {
    this.lifecycle.assertNamed('unregister', name);
    const registered = this.#registered.delete(name);
    let loaded = false;
    if (this.#loaded.has(name)) {
      const rest = new Map(this.#loaded);
      rest.delete(name);
      this.#loaded = rest;
      loaded = true;
    }
    this.#index = undefined;
    return registered || loaded;
  }

  /** Later calls throw `ClosedError`. Idempotent. */
  async close(): Promise<void> {
    this.lifecycle.markClosed();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Replaces the loaded layer with `experts` (checked already, owned by the front from now on). */
  protected replaceLoaded(experts: ReadonlyMap<string, Expert>): void {
    this.#loaded = experts;
    this.#index = undefined;
  }

  #has(name: string): boolean {
    return this.#registered.has(name) || this.#loaded.has(name);
  }

  #indexed(): ExpertIndex {
    if (this.#index === undefined) {
      const experts = [...this.#registered.values()];
      for (const [name, expert] of this.#loaded) if (!this.#registered.has(name)) experts.push(expert);
      this.#index = new ExpertIndex(experts);
    }
    return this.#index;
  }
}
