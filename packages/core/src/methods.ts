/** Any function: the shape of an interface method. */
export type AnyFunction = (...args: never[]) => unknown;

/** The methods of interface `P` that a method table lists: every string-keyed function but `close`. */
export type MethodName<P> = {
  [K in keyof P]-?: K extends string
    ? K extends 'close'
      ? never
      : P[K] extends AnyFunction
        ? K
        : never
    : never;
}[keyof P];

/** The arguments of method `F`. */
export type ArgsOf<F> = F extends (...args: infer A) => unknown ? A : never;

/**
 * What method `F` returns, resolves to when it is asynchronous, or, when it returns an `AsyncIterable`, the
 * items it yields as an array (what a mock records and a script returns for such a method).
 */
export type ResultOf<F> = F extends (...args: never[]) => infer R
  ? R extends Promise<unknown>
    ? Awaited<R>
    : R extends AsyncIterable<infer T>
      ? T[]
      : R
  : never;

/**
 * What a method table says of one method `F`: its kind (`sync: true`, `iterable: true`, or neither for
 * an asynchronous method), which the compiler checks against `F`, then the name argument and a sample.
 *
 * An iterable method (one returning an `AsyncIterable`, e.g. an `async *` method) makes its checks before
 * the iteration starts: the call itself never throws and returns an iterable, whose first `next()`
 * rejects with the `ClosedError` after close, or the `InvalidNameError` of a name breaking the rule,
 * having yielded nothing. An `async *` method gets this by making its checks before its first `yield`.
 */
export type MethodSpec<F> = (F extends (...args: never[]) => Promise<unknown>
  ? { /** Asynchronous: it rejects, never throws. */ sync?: false; iterable?: false }
  : F extends (...args: never[]) => AsyncIterable<unknown>
    ? {
        /** Returns an `AsyncIterable` whose first `next()` makes the method's checks. */
        iterable: true;
        sync?: false;
      }
    : { /** Synchronous in the interface: it throws. */ sync: true; iterable?: false }) & {
  /** Position of the argument that is a stored name (checked by the name rule), if any. */
  name?: number;
  /**
   * Valid arguments for a call, given a valid name for the named argument: what the generated
   * conformance groups call the method with (after close; with every invalid name at `name`).
   */
  sample: (name: string) => ArgsOf<F>;
};

/**
 * The method table of a family: one entry for every method of its interface `P` (a missing or extra
 * method is a compile error; write it as `{ ... } satisfies MethodTable<P>`). It drives the family's
 * generated mock and the conformance groups every family gets (closed behaviour, the name rule).
 */
export type MethodTable<P> = { readonly [K in MethodName<P>]: MethodSpec<P[K]> };
