import { InvalidArgumentError, OmegaError } from '../errors.js';
import { Lifecycle } from '../lifecycle.js';
import type { ArgsOf, MethodName, MethodTable, ResultOf } from '../methods.js';
import { cloneVal } from '../serde.js';
import type { Val } from '../val.js';

/** A method a mock of `P` records and scripts: every method of its table, and `close`. */
export type MockMethod<P> = MethodName<P> | 'close';

// `close` is a method of every provider but of no method table: index P with it only where it exists.
type Member<P, K> = K extends keyof P ? P[K] : never;

/** One recorded call of method `K` of a mock of `P`. */
export type MockCall<P, K extends MockMethod<P> = MockMethod<P>> =
  K extends MockMethod<P>
    ? {
        method: K;
        /**
         * Copies of the arguments as they were when the call was made (an argument left out is not there),
         * so a caller changing its objects afterwards does not change the record ({@link recordedCopy}).
         */
        args: ArgsOf<Member<P, K>>;
        /**
         * Present when the call returned (or resolved): a copy of the result, as it was then. For an
         * iterable method, copies of the items it yielded, once the iteration ended.
         */
        result?: ResultOf<Member<P, K>>;
        /** Present when the call threw (or rejected; for an iterable method, when its iteration did). */
        error?: unknown;
      }
    : never;

/** Options every mock provider accepts. */
export interface MockOptions {
  /**
   * Delay added before every asynchronous call completes, in milliseconds: a finite number >= 0 (default
   * 0), else an `InvalidArgumentError` from the constructor (or from the `latencyMs` setter).
   */
  latencyMs?: number;
}

/** What a mock adds to the interface it implements: the record of calls and the script. */
export interface MockControls<P> {
  /** Every call in order, with copies of its arguments and result ({@link recordedCopy}), or its error. */
  readonly calls: MockCall<P>[];
  /** Delay added to asynchronous calls, in milliseconds; setting what is not a finite number >= 0 is an `InvalidArgumentError`. */
  latencyMs: number;
  /** Calls recorded for one method. */
  callsOf<K extends MockMethod<P>>(method: K): MockCall<P, K>[];
  /**
   * Make the next call of `method` fail with `error` (a {@link MockFailureError} by default). A name that is
   * not a method is a compile error, and an `InvalidArgumentError` from untyped code.
   */
  failNext(method: MockMethod<P>, error?: unknown): this;
  /**
   * Make the `nth` call (1-based, counted since creation or {@link MockControls.reset}) of `method` fail. An
   * `nth` that is not a positive integer, or a call number already made, is an `InvalidArgumentError`
   * (such a script would never fire).
   */
  failOn(method: MockMethod<P>, nth: number, error?: unknown): this;
  /**
   * Make the next call of `method` return `result` without touching the stored data (for an iterable
   * method, `result` is the array of items its iteration yields). The call hands out a copy
   * ({@link recordedCopy}), taken now: changing `result` afterwards, or what the call returned, changes
   * neither the script nor the record.
   */
  returnNext<K extends MockMethod<P>>(method: K, result: ResultOf<Member<P, K>>): this;
  /** Forget recorded calls, scripts and call counts (stored data is kept). */
  reset(): void;
}

/** The class a mock generator returns: `new (options) => P & MockControls<P>`. */
export type MockConstructor<P, O> = new (options?: O & MockOptions) => P & MockControls<P>;

/**
 * The error a scripted failure throws when none was given: an `OmegaError` with code `SCRIPTED_FAILURE`
 * (so code under test that checks `isOmegaError` sees it as one), details `{ method, callNumber }` and
 * `provider` when known.
 */
export class MockFailureError extends OmegaError {
  constructor(
    readonly method: string,
    readonly callNumber: number,
    provider?: string,
  ) {
    super('SCRIPTED_FAILURE', `scripted failure of ${method}() on call ${callNumber}`, {
      details: provider === undefined ? { method, callNumber } : { provider, method, callNumber },
    });
  }
}

/**
 * What a mock records of an argument or a result: a deep copy, so later changes to the caller's objects
 * (or to the returned ones) do not reach the record. A `Val` is copied with `cloneVal` (Maps, Sets, Dates,
 * bytes, bigints, `undefined` and `-0` kept exactly); anything else `structuredClone` can copy (a plain
 * options object holding something that is not a `Val`, an `Error`) is copied with it; what neither can
 * copy (a function, a class instance holding one, a platform object such as an `AbortSignal`) is recorded
 * as the original itself.
 */
export function recordedCopy<T>(value: T): T {
  // Primitives need no copy (and cloneVal would refuse a symbol).
  if (typeof value !== 'object' || value === null) return value;
  try {
    return cloneVal(value as Val) as T;
  } catch {
    try {
      return structuredClone(value);
    } catch {
      return value;
    }
  }
}

function checkLatency(provider: string, value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  throw new InvalidArgumentError(
    `${provider}: latencyMs must be a finite number >= 0, got ${String(value)}`,
    {
      details: { provider, option: 'latencyMs', value },
    },
  );
}

type Script = { kind: 'fail'; error?: unknown } | { kind: 'return'; result: unknown };
type Recorded = { method: string; args: unknown[]; result?: unknown; error?: unknown };
type Callable = Record<string, (...args: unknown[]) => unknown> & { close(): Promise<void> };

// The generated methods reach the recorder through these keys (a class's #private fields are out of reach
// of functions defined outside its body).
const CALL = Symbol('call');
const CALL_SYNC = Symbol('callSync');
const CALL_ITERABLE = Symbol('callIterable');

/** The recorder behind every generated mock: call log, scripts, latency, and its own closed state. */
class MockRecorder {
  readonly calls: Recorded[] = [];
  #latencyMs: number;
  readonly #inner: Callable;
  readonly #lifecycle: Lifecycle;
  readonly #methods: ReadonlySet<string>;
  readonly #next = new Map<string, Script[]>();
  readonly #nth = new Map<string, Map<number, Script>>();
  readonly #counts = new Map<string, number>();

  // Options are checked before the inner provider is made from them, so a bad one fails here, first.
  constructor(
    provider: string,
    methods: ReadonlySet<string>,
    inner: (provider: string) => Callable,
    options: MockOptions,
  ) {
    if (typeof options !== 'object' || options === null) {
      throw new InvalidArgumentError(`${provider} options must be an object, got ${String(options)}`, {
        details: { provider, value: options },
      });
    }
    this.#latencyMs = options.latencyMs === undefined ? 0 : checkLatency(provider, options.latencyMs);
    this.#inner = inner(provider);
    this.#lifecycle = new Lifecycle(provider);
    this.#methods = methods;
  }

  get latencyMs(): number {
    return this.#latencyMs;
  }

  set latencyMs(value: number) {
    this.#latencyMs = checkLatency(this.#lifecycle.provider, value);
  }

  callsOf(method: string): Recorded[] {
    return this.calls.filter((call) => call.method === method);
  }

  failNext(method: string, error?: unknown): this {
    this.#queue(this.#known(method), { kind: 'fail', error });
    return this;
  }

  failOn(method: string, nth: number, error?: unknown): this {
    const provider = this.#lifecycle.provider;
    this.#known(method);
    if (!Number.isInteger(nth) || nth < 1) {
      throw new InvalidArgumentError(`${provider}.failOn: nth must be a positive integer, got ${nth}`, {
        details: { provider, method, nth },
      });
    }
    const made = this.#counts.get(method) ?? 0;
    if (nth <= made) {
      throw new InvalidArgumentError(
        `${provider}.failOn: call ${nth} of ${method}() was already made (${made} so far), so it would never fail`,
        { details: { provider, method, nth, callsSoFar: made } },
      );
    }
    const byNumber = this.#nth.get(method) ?? new Map<number, Script>();
    this.#nth.set(method, byNumber);
    byNumber.set(nth, { kind: 'fail', error });
    return this;
  }

  returnNext(method: string, result: unknown): this {
    this.#queue(this.#known(method), { kind: 'return', result: recordedCopy(result) });
    return this;
  }

  reset(): void {
    this.calls.length = 0;
    this.#next.clear();
    this.#nth.clear();
    this.#counts.clear();
  }

  /** Recorded like every other call; later calls reject with `ClosedError` naming this mock. Idempotent. */
  close(): Promise<void> {
    return this[CALL]('close', []) as Promise<void>;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async [CALL](method: string, args: unknown[]): Promise<unknown> {
    const call: Recorded = { method, args: args.map(recordedCopy) };
    this.calls.push(call);
    const script = this.#take(method);
    if (this.#latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.#latencyMs));
    try {
      const result = script ? this.#play(script, method) : await this.#run(method, args);
      call.result = recordedCopy(result);
      return result;
    } catch (error) {
      call.error = error;
      throw error;
    }
  }

  /** Synchronous methods throw rather than reject; latency does not apply to them. */
  [CALL_SYNC](method: string, args: unknown[]): unknown {
    const call: Recorded = { method, args: args.map(recordedCopy) };
    this.calls.push(call);
    const script = this.#take(method);
    try {
      const result = script ? this.#play(script, method) : this.#run(method, args);
      call.result = recordedCopy(result);
      return result;
    } catch (error) {
      call.error = error;
      throw error;
    }
  }

  /**
   * Iterable methods: the call is recorded and its script taken when it is made; latency, a scripted
   * failure and the closed check come at the first `next()`, as the method table promises. `result` is
   * the copies of the items yielded, set when the iteration ends (finished, or stopped by the caller).
   */
  [CALL_ITERABLE](method: string, args: unknown[]): AsyncIterable<unknown> {
    const call: Recorded = { method, args: args.map(recordedCopy) };
    this.calls.push(call);
    const script = this.#take(method);
    return this.#iterate(call, script, this.#counts.get(method) ?? 0, args);
  }

  async *#iterate(
    call: Recorded,
    script: Script | undefined,
    callNumber: number,
    args: unknown[],
  ): AsyncGenerator<unknown> {
    const items: unknown[] = [];
    let failed = false;
    try {
      if (this.#latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.#latencyMs));
      const source = (script ? this.#play(script, call.method, callNumber) : this.#run(call.method, args)) as
        | Iterable<unknown>
        | AsyncIterable<unknown>;
      for await (const item of source) {
        items.push(recordedCopy(item));
        yield item;
      }
    } catch (error) {
      failed = true;
      call.error = error;
      throw error;
    } finally {
      if (!failed) call.result = items;
    }
  }

  #run(method: string, args: unknown[]): unknown {
    if (method === 'close') return this.#lifecycle.markClosed() ? this.#inner.close() : undefined;
    // Checked here, so a ClosedError names this mock and not the provider keeping its data.
    this.#lifecycle.assertOpen(method);
    return this.#inner[method]!(...args);
  }

  // Typed callers cannot pass an unknown name; this catches the untyped ones, whose script would never fire.
  #known(method: string): string {
    if (this.#methods.has(method)) return method;
    throw new InvalidArgumentError(`${this.#lifecycle.provider} has no method ${JSON.stringify(method)}`, {
      details: { provider: this.#lifecycle.provider, method, methods: [...this.#methods] },
    });
  }

  #queue(method: string, script: Script): void {
    const queue = this.#next.get(method) ?? [];
    this.#next.set(method, queue);
    queue.push(script);
  }

  #take(method: string): Script | undefined {
    const count = (this.#counts.get(method) ?? 0) + 1;
    this.#counts.set(method, count);
    const byNumber = this.#nth.get(method)?.get(count);
    if (byNumber) {
      this.#nth.get(method)?.delete(count);
      return byNumber;
    }
    return this.#next.get(method)?.shift();
  }

  #play(script: Script, method: string, callNumber = this.#counts.get(method) ?? 0): unknown {
    if (script.kind === 'return') return recordedCopy(script.result);
    throw script.error ?? new MockFailureError(method, callNumber, this.#lifecycle.provider);
  }
}

/**
 * Generates the mock of a family from its method table: a class named `provider` whose instances
 * implement `P` by delegating to `inner(options, provider)` (which keeps the data), record every call in `calls`,
 * and play back `failNext`, `failOn`, `returnNext` and `latencyMs`. Unscripted, a mock behaves exactly
 * like its inner provider, except that a call after `close()` is a `ClosedError` naming the mock.
 * `inner` is given the mock's class name too: a front built under that name (`FrontInit.provider`) makes
 * the errors of the inner provider, such as a refused option, name the mock the caller constructed.
 *
 * @example
 * export class MockSessionProvider extends mockProvider('MockSessionProvider', SESSION_METHODS,
 *   (options: MockSessionProviderOptions, provider) =>
 *     new SessionFront(new MemoryStore(), options, { provider, ownsStore: true })) {}
 */
export function mockProvider<P extends object, O extends object>(
  provider: string,
  table: MethodTable<P>,
  inner: (options: O & MockOptions, provider: string) => P & { close(): Promise<void> },
): MockConstructor<P, O> {
  const methods = new Set([...Object.keys(table), 'close']);
  class Mock extends MockRecorder {
    constructor(options: O & MockOptions = {} as O & MockOptions) {
      super(provider, methods, (name) => inner(options, name) as unknown as Callable, options);
    }
  }
  for (const [method, spec] of Object.entries(table) as Array<
    [string, { sync?: boolean; iterable?: boolean }]
  >) {
    const call = spec.sync === true ? CALL_SYNC : spec.iterable === true ? CALL_ITERABLE : CALL;
    const body = function (this: MockRecorder, ...args: unknown[]) {
      return this[call](method, args);
    };
    Object.defineProperty(body, 'name', { value: method });
    Object.defineProperty(Mock.prototype, method, { value: body, writable: true, configurable: true });
  }
  Object.defineProperty(Mock, 'name', { value: provider });
  return Mock as unknown as MockConstructor<P, O>;
}
