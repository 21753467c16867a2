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
  const source = `the handler of "${context.op}"`;

  const callHandler = (): Promise<EffectResult> =>
    Promise.race([settled(() => handler(inner, ...frozen), source, 'HANDLER'), ending.early]);

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
    return settled(() => middleware(inner, frozen, next), `middleware ${index + 1}`, 'MIDDLEWARE');
  };

  // Without middleware the handler's race is the whole chain's.
  const result = chain.length === 0 ? layer(0) : Promise.race([layer(0), ending.late]);
  void result.then(() => ending.dispose());
  return result;
}

/**
 * What `call` resolves to, checked: its result when it is an `EffectResult`, else an error result saying
 * what `source` did wrong (threw, rejected, resolved something else).
 */
function settled(
  call: () => Promise<EffectResult>,
  source: string,
  who: 'HANDLER' | 'MIDDLEWARE',
): Promise<EffectResult> {
  let returned: Promise<EffectResult>;
  try {
    returned = call();
  } catch (error) {
    return Promise.resolve(
      failure(
        who === 'HANDLER' ? 'HANDLER_THREW' : 'MIDDLEWARE_FAILED',
        `${source} threw: ${messageOf(error)}`,
      ),
    );
  }
  return Promise.resolve(returned).then(
    (result) => resultFailure(result, source) ?? result,
    (error: unknown) =>
      failure(
        who === 'HANDLER' ? 'HANDLER_REJECTED' : 'MIDDLEWARE_FAILED',
        `${source} rejected: ${messageOf(error)}`,
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
