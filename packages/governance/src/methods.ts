import type { MethodTable } from '@omega/core';
import type { GovernanceProvider } from './index.js';

/** Every method of {@link GovernanceProvider}: the source of the generated mock and conformance groups. */
export const METHODS = {
  getProfile: { sync: true, sample: () => [] },
  getCaps: { sync: true, sample: () => [] },
  checkCap: { sync: true, sample: () => ['eval'] },
  getBudget: { sync: true, sample: () => [] },
  consumeBudget: { sync: true, sample: () => ['tokens', 1] },
  hasRemaining: { sync: true, sample: () => ['tokens'] },
  remaining: { sync: true, sample: () => ['tokens'] },
  remainingAll: { sync: true, sample: () => [] },
  report: { sync: true, sample: () => [] },
  reset: { sync: true, sample: () => [] },
  reserve: { sync: true, sample: () => ['cost', 0.01] },
  child: { sync: true, sample: () => [{ tokens: 10 }] },
  onAlert: { sync: true, sample: () => [() => undefined] },
} satisfies MethodTable<GovernanceProvider>;
