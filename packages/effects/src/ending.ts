import { type DeadlineWaiter, unwatch, watch } from './deadlines.js';
import type { EffectContext, EffectResult } from './index.js';
import { failure } from './rules.js';

// One 'abort' listener per caller signal, shared by every dispatch under way with it: adding and removing
// an EventTarget listener costs about a microsecond, a Set entry a few nanoseconds, and a runtime passes
// one signal to many dispatches (a run's). The WeakMap lets a signal and its set go together.
const waiting = new WeakMap<AbortSignal, Set<Ending>>();

function follow(signal: AbortSignal, ending: Ending): void {
  let endings = waiting.get(signal);
  if (endings === undefined) {
    const set = new Set<Ending>();
    endings = set;
    waiting.set(signal, set);
    signal.addEventListener(
      'abort',
      () => {
        for (const pending of set) pending.abort();
        set.clear();
      },
      { once: true },
    );
  }
  endings.add(ending);
}

/**
 * How a dispatch ends early: at its deadline (`TIMEOUT`) or when the caller's signal aborts (`ABORTED`),
 * whether or not the handler heeds its signal. {@link Ending.whenEnded} hears of it at once: the handler's
 * place in the chain races it, so the middleware see the failure as the handler's result.
 * {@link Ending.whenEndedLate} hears of it one macrotask later: the whole chain races that, so a dispatch
 * ends even when a middleware does not, while middleware that only await promises settle first and are
 * heard.
 */
export class Ending implements DeadlineWaiter {
  /**
   * The context the middleware and the handler get. With a deadline, its `signal` aborts at the deadline
   * too; it is made when first read, since most handlers never read it and making one costs microseconds.
   */
  readonly context: EffectContext;
  /** When the dispatch must be done: its context's deadline, or never. */
  readonly deadline: number;
  #early: ((result: EffectResult) => void) | undefined;
  #late: ((result: EffectResult) => void) | undefined;
  #result: EffectResult | undefined;
  #controller: AbortController | undefined;
  #reason: unknown;
  readonly #caller: AbortSignal;

  constructor(context: EffectContext) {
    this.#caller = context.signal;
    follow(this.#caller, this);
    this.deadline = context.deadline ?? Number.POSITIVE_INFINITY;
    if (context.deadline === undefined) {
      this.context = context;
    } else {
      const ending = this;
      this.context = {
        ...context,
        get signal() {
          return ending.#signal();
        },
      };
      watch(this);
    }
  }

  /** Calls `listener` with the ending's result when the dispatch ends early (at once if it has). */
  whenEnded(listener: (result: EffectResult) => void): void {
    if (this.#result === undefined) this.#early = listener;
    else listener(this.#result);
  }

  /** Calls `listener` with the ending's result one macrotask after the dispatch ends early. */
  whenEndedLate(listener: (result: EffectResult) => void): void {
    if (this.#result === undefined) this.#late = listener;
    else setImmediate(listener, this.#result);
  }

  /** Ends the dispatch as aborted by its caller (called by the caller signal's listener). */
  abort(): void {
    this.#end(
      failure('ABORTED', `effect "${this.context.op}" aborted by its caller`, false),
      this.#caller.reason,
    );
  }

  /** Ends the dispatch at its deadline (called by the deadline timer). */
  expire(): void {
    const reason = new DOMException('the effect passed its deadline', 'TimeoutError');
    this.#end(failure('TIMEOUT', `effect "${this.context.op}" passed its deadline`, true), reason);
  }

  /** Stops waiting for the deadline and following the caller's signal: the dispatch is over. */
  dispose(): void {
    if (this.deadline !== Number.POSITIVE_INFINITY) unwatch(this);
    waiting.get(this.#caller)?.delete(this);
  }

  #signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#result !== undefined) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  #end(result: EffectResult, reason: unknown): void {
    if (this.#result !== undefined) return;
    this.#result = result;
    this.#reason = reason;
    this.dispose();
    this.#early?.(result);
    if (this.#late !== undefined) setImmediate(this.#late, result);
    this.#controller?.abort(reason);
  }
}
