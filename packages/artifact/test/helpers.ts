import type { ArtifactKey } from '../src/index.js';

/** The key of expression `expr` with dependencies `deps` (and `paramsKey`, when given). */
export function key(expr: string, deps = 'd0', paramsKey?: string): ArtifactKey {
  return paramsKey === undefined
    ? { exprKey: expr, depsFingerprint: deps }
    : { exprKey: expr, depsFingerprint: deps, paramsKey };
}

/** A clock that starts at `start` and advances by `step` on every reading. */
export function fakeClock(start: number, step: number): () => number {
  let next = start;
  return () => {
    const reading = next;
    next += step;
    return reading;
  };
}
