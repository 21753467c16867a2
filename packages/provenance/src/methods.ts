import type { MethodTable } from '@omega/core';
import type { EvidenceInput, ProvenanceProvider } from './index.js';

const ID = '0'.repeat(64);

/** A valid input for method samples and tests: a quote of a source, differing by `seed`. */
export function sampleInput(seed = 0): EvidenceInput {
  return {
    subject: 'claim-1',
    kind: 'quote',
    source: { uri: 'https://example.com/doc', quote: `line ${seed}` },
    generatedBy: { runId: 'run-1', step: seed },
    agent: 'omega-small',
    confidence: 0.5,
  };
}

/** Every method of {@link ProvenanceProvider}: the source of the generated mock and conformance groups. */
export const METHODS = {
  record: { sample: () => [sampleInput()] },
  get: { sample: () => [ID] },
  forSubject: { sample: () => ['claim-1'] },
  lineage: { sample: () => [ID] },
  dependents: { sample: () => [ID] },
  count: { sample: () => [] },
} satisfies MethodTable<ProvenanceProvider>;
