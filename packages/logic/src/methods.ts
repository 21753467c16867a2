import type { MethodTable } from '@omega/core';
import type { LogicProvider } from './index.js';

/** Every method of {@link LogicProvider}: the source of the generated mock and conformance groups. */
export const METHODS = {
  assertFact: { sync: true, sample: () => ['(parent alice bob)'] },
  addRule: { sync: true, sample: () => ['(parent ?x ?y)', '(ancestor ?x ?y)'] },
  getFacts: { sync: true, sample: () => [] },
  getRules: { sync: true, sample: () => [] },
  clear: { sync: true, sample: () => [] },
  count: { sync: true, sample: () => [] },
  query: { sync: true, sample: () => ['(parent alice ?who)'] },
  ask: { sync: true, sample: () => ['(parent alice bob)'] },
  explain: { sync: true, sample: () => ['(parent alice bob)'] },
  search: { sync: true, sample: () => ['Marie Curie', { limit: 3 }] },
  retract: { sync: true, sample: () => ['(parent alice bob)'] },
  signature: { sync: true, sample: () => [] },
} satisfies MethodTable<LogicProvider>;
