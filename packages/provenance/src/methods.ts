import type { MethodTable } from '@omega/core';
import type { ProvenanceProvider } from './index.js';

// TODO(seed): one row per method of the seed's interface (a missing or extra one does not compile):
// `name: <argument index>` for those taking a stored name, `sync: true` for synchronous ones, `iterable:
// true` for those returning an `AsyncIterable`, `sample(name)` giving valid arguments.

/** Every method of {@link ProvenanceProvider}: the source of the generated mock and conformance groups. */
export const METHODS = {
  get: { name: 0, sample: (name) => [name] },
  put: { name: 0, sample: (name) => [name, { value: 1 }] },
  delete: { name: 0, sample: (name) => [name] },
  list: { sample: () => [] },
} satisfies MethodTable<ProvenanceProvider>;
