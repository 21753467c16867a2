import type { MethodTable } from '@omega/core';
import type { ReceiptInput, ReceiptProvider } from './index.js';

const HASH = '0'.repeat(64);

/** A valid input for method samples. */
export function sampleInput(seed = 0): ReceiptInput {
  return {
    runId: 'run-1',
    kind: 'llm.call',
    request: { prompt: `hello ${seed}` },
    response: { text: 'hi' },
    model: 'omega-small',
    usage: { inputTokens: 3, outputTokens: 1, costUsd: 0.0001 },
    startedAt: 1_000,
    finishedAt: 1_250,
  };
}

/** Every method of {@link ReceiptProvider}: the source of the generated mock and conformance groups. */
export const METHODS = {
  append: { sample: () => [sampleInput()] },
  get: { sample: () => [HASH] },
  body: { sample: () => [HASH] },
  list: { sample: () => [{}] },
  count: { sample: () => [] },
  head: { sample: () => [] },
  verify: { sample: () => [{}] },
  proveInclusion: { sample: () => [0] },
  proveConsistency: { sample: () => [1] },
  erase: { sample: () => [HASH, 'retention'] },
  verifierKey: { sample: () => [] },
} satisfies MethodTable<ReceiptProvider>;
