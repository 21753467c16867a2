import { emptyState, type MethodTable } from '@omega/core';
import type { StateProvider } from './index.js';

/** Every method of {@link StateProvider}: what the generated mock and conformance groups are made from. */
export const METHODS = {
  createState: { sync: true, sample: () => [] },
  loadState: { name: 0, sample: (id) => [id] },
  saveState: { name: 0, sample: (id) => [id, emptyState()] },
  cloneState: { sync: true, sample: () => [emptyState()] },
  deleteState: { name: 0, sample: (id) => [id] },
  listStates: { sample: () => [] },
} satisfies MethodTable<StateProvider>;
