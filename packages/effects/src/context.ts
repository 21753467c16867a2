import { InvalidArgumentError } from '@omega/core';
import type { EffectContext } from './index.js';
import { whyNotVal } from './rules.js';

/**
 * Throws `InvalidArgumentError` (details `{ provider, method: 'dispatch', op, path }`) unless `context` is
 * an {@link EffectContext} for `op`: a caller's programming error, not a run-time failure, so it is the
 * one thing `dispatch` rejects for besides `ClosedError`.
 */
export function assertContext(
  provider: string,
  op: string,
  context: unknown,
): asserts context is EffectContext {
  const why = whyNotContext(op, context);
  if (why === undefined) return;
  throw new InvalidArgumentError(`${provider}.dispatch("${op}"): ${why.path} ${why.reason}`, {
    details: { provider, method: 'dispatch', op, path: why.path, reason: why.reason },
  });
}

function whyNotContext(op: string, context: unknown): { path: string; reason: string } | undefined {
  if (typeof context !== 'object' || context === null) {
    return { path: 'context', reason: 'is not an object' };
  }
  const { runId, step, op: named, signal, deadline, meta } = context as Partial<EffectContext>;
  if (typeof runId !== 'string') return { path: 'context.runId', reason: 'is not a string' };
  if (!Number.isSafeInteger(step) || (step as number) < 0) {
    return { path: 'context.step', reason: 'is not a non-negative integer' };
  }
  if (named !== op) return { path: 'context.op', reason: 'differs from the op dispatched' };
  if (!(signal instanceof AbortSignal)) return { path: 'context.signal', reason: 'is not an AbortSignal' };
  if (deadline !== undefined && !Number.isFinite(deadline)) {
    return { path: 'context.deadline', reason: 'is not a finite number of milliseconds' };
  }
  if (meta !== undefined) {
    if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) {
      return { path: 'context.meta', reason: 'is not an object' };
    }
    const notVal = whyNotVal(meta);
    if (notVal !== null) {
      return { path: notVal.path.replace(/^\$/, 'context.meta'), reason: `is not a Val: ${notVal.reason}` };
    }
  }
  return undefined;
}
