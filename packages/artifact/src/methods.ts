import type { MethodTable } from '@omega/core';
import type { ArtifactProvider } from './index.js';

const KEY = { exprKey: 'expr', depsFingerprint: 'deps' };

/** Every method of {@link ArtifactProvider}: the source of the generated mock and conformance groups. */
export const METHODS = {
  get: { sync: true, sample: () => [KEY] },
  getByExpr: { sync: true, sample: () => ['expr', new Map()] },
  put: { sync: true, sample: () => [KEY, 1, {}] },
  clear: { sync: true, sample: () => [] },
  clearByExpr: { sync: true, sample: () => ['expr'] },
  stats: { sync: true, sample: () => [] },
  signature: { sync: true, sample: () => [] },
  prune: { sync: true, sample: () => [] },
} satisfies MethodTable<ArtifactProvider>;
