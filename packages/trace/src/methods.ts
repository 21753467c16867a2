import type { MethodTable } from '@omega/core';
import type { TraceProvider } from './index.js';

/** Every method of {@link TraceProvider}: the source of the generated mock and conformance groups. */
export const METHODS = {
  record: { sync: true, sample: () => [{ runId: 'sample-run', kind: 'sample' }] },
  flush: { sample: () => [] },
  query: { iterable: true, sample: () => [{ runId: 'sample-run' }] },
  subscribe: { sync: true, sample: () => [{ runId: 'sample-run' }, () => undefined] },
  stats: { sync: true, sample: () => [] },
  clear: { name: 0, sample: (name) => [name] },
} satisfies MethodTable<TraceProvider>;
