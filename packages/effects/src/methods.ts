import type { MethodTable } from '@omega/core';
import type { EffectContext, EffectHandlerRegistry, EffectResult } from './index.js';

/** A context for sample calls: the generated groups call every method with it after close. */
function sampleContext(op: string): EffectContext {
  return { runId: 'sample-run', step: 0, op, signal: new AbortController().signal };
}

const sampleHandler = async (): Promise<EffectResult> => ({ ok: true, value: null });

/**
 * Every method of {@link EffectHandlerRegistry}: the source of the generated mock and conformance groups.
 * No method takes a stored name: ops follow the op rule (`OP_RULE`), checked by the family's own groups.
 */
export const METHODS = {
  register: { sync: true, sample: () => ['sample.op', sampleHandler] },
  get: { sync: true, sample: () => ['sample.op'] },
  list: { sync: true, sample: () => [] },
  has: { sync: true, sample: () => ['sample.op'] },
  unregister: { sync: true, sample: () => ['sample.op'] },
  dispatch: { sample: () => ['sample.op', sampleContext('sample.op'), 1] },
  use: { sync: true, sample: () => [async (_context, _args, next) => next()] },
  describe: { sync: true, sample: () => ['sample.op'] },
  toolName: { sync: true, sample: () => ['sample.op'] },
  opOf: { sync: true, sample: () => ['sample__op'] },
} satisfies MethodTable<EffectHandlerRegistry>;
