import type { MethodTable } from '@omega/core';
import type { StreamProvider } from './index.js';

/** Every method of {@link StreamProvider}: the source of the generated mock and conformance groups. */
export const METHODS = {
  create: { name: 0, sample: (id) => [id, { model: 'omega-small' }] },
  append: { name: 0, sample: (id) => [id, 'token', { expectedIndex: 0 }] },
  cancel: { name: 0, sample: (id) => [id, 'client gone'] },
  end: { name: 0, sample: (id) => [id, {}] },
  read: { name: 0, iterable: true, sample: (id) => [id, { from: 0 }] },
  info: { name: 0, sample: (id) => [id] },
  list: { sample: () => [] },
  delete: { name: 0, sample: (id) => [id] },
  prune: { sample: () => [{ olderThanMs: 60_000 }] },
} satisfies MethodTable<StreamProvider>;
