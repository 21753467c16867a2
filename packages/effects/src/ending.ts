import type { EffectContext, EffectResult } from './index.js';
import { failure } from './rules.js';

// setTimeout fires at once past this delay (a signed 32-bit count of ms): longer waits are re-armed.
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/**
 * How a dispatch ends early: at its deadline (`TIMEOUT`) or when the caller's signal aborts (`ABORTED`),
 * whether or not the handler heeds its signal. `early` resolves to that result at once: the handler's
 * place in the chain races it, so the middleware see the failure as the handler's result. `late`
 * resolves to it one macrotask later: the whole chain races that, so a dispatch ends even when a
 * middleware does not, while middleware that only await promises settle first and are heard.
 */
export class Ending {
  /** The context the middleware and the handler get: with a signal that aborts at the deadline too. */
  readonly context: EffectContext;
  readonly early: Promise<EffectResult>;
  readonly late: Promise<EffectResult>;
  #settle: (result: EffectResult) => void = () => undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #controller: AbortController | undefined;
  readonly #caller: AbortSignal;
  readonly #onAbort = () =>
    this.#end(failure('ABORTED', `effect "${this.context.op}" aborted by its caller`, false));

  constructor(context: EffectContext) {
    this.#caller = context.signal;
    let settleLate: (result: EffectResult) => void = () => undefined;
    this.late = new Promise((resolve) => {
      settleLate = resolve;
    });
    this.early = new Promise((resolve) => {
      this.#settle = (result) => {
        resolve(result);
        setImmediate(settleLate, result);
      };
    });
    // Listening first: a deadline already passed ends the dispatch here, and the ending stops listening.
    this.#caller.addEventListener('abort', this.#onAbort, { once: true });
    if (context.deadline === undefined) {
      this.context = context;
    } else {
      this.#controller = new AbortController();
      this.context = { ...context, signal: this.#controller.signal };
      this.#arm(context.deadline);
    }
  }

  /** Stops the timer and stops listening to the caller's signal: the dispatch is over. */
  dispose(): void {
    clearTimeout(this.#timer);
    this.#caller.removeEventListener('abort', this.#onAbort);
  }

  #arm(deadline: number): void {
    const wait = deadline - Date.now();
    if (wait <= 0) {
      this.#end(failure('TIMEOUT', `effect "${this.context.op}" passed its deadline`, true));
      return;
    }
    this.#timer = setTimeout(() => this.#arm(deadline), Math.min(wait, LONGEST_TIMER_MS));
  }

  #end(result: EffectResult): void {
    this.dispose();
    this.#settle(result);
    this.#settle = () => undefined;
    const reason = result.ok ? undefined : result.error.code;
    this.#controller?.abort(
      reason === 'TIMEOUT'
        ? new DOMException('the effect passed its deadline', 'TimeoutError')
        : this.#caller.reason,
    );
  }
}
