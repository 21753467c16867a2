/** One recorded call of a mock provider. */
export interface MockCall {
  method: string;
  args: readonly unknown[];
  /** Present when the call returned (or resolved). */
  result?: unknown;
  /** Present when the call threw (or rejected). */
  error?: unknown;
}

/** Options every mock provider accepts. */
export interface MockOptions {
  /** Delay added before every asynchronous call completes, in milliseconds. */
  latencyMs?: number;
}

/** The error a scripted failure throws when none was given. */
export class MockFailureError extends Error {
  constructor(
    readonly method: string,
    readonly callNumber: number,
  ) {
    super(`scripted failure of ${method}() on call ${callNumber}`);
    this.name = 'MockFailureError';
  }
}

type Script = { kind: 'fail'; error?: unknown } | { kind: 'return'; result: unknown };

/**
 * Base of every `Mock*Provider`: records each call and plays back scripted failures, latency and
 * canned results. Unscripted, a mock behaves exactly like a correct provider.
 */
export class MockRecorder {
  /** Every call in order, with its arguments and its result or error. */
  readonly calls: MockCall[] = [];
  /** Delay added to asynchronous calls, in milliseconds. */
  latencyMs: number;

  #next = new Map<string, Script[]>();
  #nth = new Map<string, Map<number, Script>>();
  #counts = new Map<string, number>();

  constructor(options: MockOptions = {}) {
    this.latencyMs = options.latencyMs ?? 0;
  }

  /** Make the next call of `method` fail with `error` (a {@link MockFailureError} by default). */
  failNext(method: string, error?: unknown): this {
    this.#queue(method, { kind: 'fail', error });
    return this;
  }

  /** Make the `nth` call (1-based, counted since creation or {@link reset}) of `method` fail. */
  failOn(method: string, nth: number, error?: unknown): this {
    if (!Number.isInteger(nth) || nth < 1)
      throw new RangeError(`failOn: nth must be a positive integer, got ${nth}`);
    const byNumber = this.#nth.get(method) ?? new Map<number, Script>();
    this.#nth.set(method, byNumber);
    byNumber.set(nth, { kind: 'fail', error });
    return this;
  }

  /** Make the next call of `method` return `result` without touching the stored data. */
  returnNext(method: string, result: unknown): this {
    this.#queue(method, { kind: 'return', result });
    return this;
  }

  /** Calls recorded for one method. */
  callsOf(method: string): MockCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /** Forget recorded calls, scripts and call counts (stored data is kept). */
  reset(): void {
    this.calls.length = 0;
    this.#next.clear();
    this.#nth.clear();
    this.#counts.clear();
  }

  /** Run an asynchronous method body under the script. */
  protected async record<T>(method: string, args: readonly unknown[], body: () => Promise<T>): Promise<T> {
    const call: MockCall = { method, args };
    this.calls.push(call);
    const script = this.#take(method);
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    try {
      const result = script ? this.#play<T>(script, method) : await body();
      call.result = result;
      return result;
    } catch (error) {
      call.error = error;
      throw error;
    }
  }

  /** Run a synchronous method body under the script (latency does not apply). */
  protected recordSync<T>(method: string, args: readonly unknown[], body: () => T): T {
    const call: MockCall = { method, args };
    this.calls.push(call);
    const script = this.#take(method);
    try {
      const result = script ? this.#play<T>(script, method) : body();
      call.result = result;
      return result;
    } catch (error) {
      call.error = error;
      throw error;
    }
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

  #play<T>(script: Script, method: string): T {
    if (script.kind === 'return') return script.result as T;
    throw script.error ?? new MockFailureError(method, this.#counts.get(method) ?? 0);
  }
}
