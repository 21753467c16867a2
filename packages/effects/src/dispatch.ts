import type { Val } from '@omega/core';
import { Ending } from './ending.js';
import type { EffectContext, EffectHandler, EffectMiddleware, EffectResult } from './index.js';
import { failure, resultFailure } from './rules.js';

/**
 * Runs `handler` for `context.op` with `args` inside `chain` (the first middleware outermost), ending at
 * the deadline or the caller's abort. Never rejects: every failure of a handler or middleware becomes an
 * error result. `args` is frozen, so a middleware cannot change what the handler gets.
 */
export function runEffect(
  handler: EffectHandler,
  context: EffectContext,
  args: Val[],
  chain: readonly EffectMiddleware[],
): Promise<EffectResult> {
  const ending = new Ending(context);
  const inner = ending.context;
  const frozen = Object.freeze(args);

  // The handler's place in the chain: its checked result, or the ending's, whichever comes first.
  const callHandler = (): Promise<EffectResult> =>
    new Promise((resolve) => {
      ending.whenEnded(resolve);
      settled(() => handler(inner, ...frozen), HANDLER, context.op, resolve);
    });

  const layer = (index: number): Promise<EffectResult> => {
    const middleware = chain[index];
    if (middleware === undefined) return callHandler();
    let called = false;
    const next = (): Promise<EffectResult> => {
      if (called) {
        return Promise.resolve(
          failure('NEXT_CALLED_TWICE', `middleware ${index + 1} called next() twice; the chain ran once`),
        );
      }
      called = true;
      return layer(index + 1);
    };
    return new Promise((resolve) => {
      settled(() => middleware(inner, frozen, next), index, context.op, resolve);
    });
  };

  return new Promise((resolve) => {
    const finish = (result: EffectResult) => {
      ending.dispose();
      resolve(result);
    };
    // Without middleware the handler's race is the whole chain's; with it, the chain also races the
    // ending one macrotask later (see Ending).
    if (chain.length > 0) ending.whenEndedLate(finish);
    layer(0).then(finish);
  });
}

/** The `source` of {@link settled} that is the handler; a middleware is its index in the chain. */
const HANDLER = -1;

/**
 * Calls `call` and resolves `resolve` with what it resolves to, checked: its result when it is an
 * `EffectResult`, else an error result saying what `source` (the handler of `op`, or middleware `n`) did
 * wrong (threw, rejected, resolved something else).
 */
function settled(
  call: () => Promise<EffectResult>,
  source: number,
  op: string,
  resolve: (result: EffectResult) => void,
): void {
  const named = () => (source === HANDLER ? `the handler of "${op}"` : `middleware ${source + 1}`);
  let returned: Promise<EffectResult>;
  try {
    returned = call();
  } catch (error) {
    resolve(
      failure(
        source === HANDLER ? 'HANDLER_THREW' : 'MIDDLEWARE_FAILED',
        `${named()} threw: ${messageOf(error)}`,
      ),
    );
    return;
  }
  Promise.resolve(returned).then(
    (result) => resolve(resultFailure(result, named) ?? result),
    (error: unknown) =>
      resolve(
        failure(
          source === HANDLER ? 'HANDLER_REJECTED' : 'MIDDLEWARE_FAILED',
          `${named()} rejected: ${messageOf(error)}`,
        ),
      ),
  );
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  try {
    return String(error);
  } catch {
    return typeof error;
  }
}
