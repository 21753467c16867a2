import { emptyState, type MethodTable } from '@omega/core';
import type { SessionData, SessionProvider } from './index.js';

const sample = (): SessionData => ({ state: emptyState(), meta: {} });

/** Every method of {@link SessionProvider}: the source of the generated mock and conformance groups. */
export const METHODS = {
  list: { sample: () => [] },
  load: { name: 0, sample: (name) => [name] },
  save: { name: 0, sample: (name) => [name, sample()] },
  delete: { name: 0, sample: (name) => [name] },
  exists: { name: 0, sample: (name) => [name] },
  info: { name: 0, sample: (name) => [name] },
} satisfies MethodTable<SessionProvider>;
