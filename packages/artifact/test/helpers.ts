import type { ArtifactKey } from '../src/index.js';

/** The key of expression `expr` with dependencies `deps` (and `paramsKey`, when given). */
export function key(expr: string, deps = 'd0', paramsKey?: string): ArtifactKey {
  return paramsKey === undefined
    ? { exprKey: expr, depsFingerprint: deps }
    : { exprKey: expr, depsFingerprint: deps, paramsKey };
}
