import type { Variant } from './rules.js';

/** Hits this process saw on a variant and has not written yet: their latest time and their number. */
export interface Touch {
  at: number;
  count: number;
}

/** The variant of `depsFingerprint` and `paramsKey` (absent matches absent only), or undefined. */
export function findVariant(
  variants: readonly Variant[],
  depsFingerprint: string,
  paramsKey: string | undefined,
): Variant | undefined {
  for (const variant of variants) {
    if (variant.depsFingerprint === depsFingerprint && variant.paramsKey === paramsKey) return variant;
  }
  return undefined;
}

/**
 * The first of `variants` (most recently used first) whose every recorded dependency has the same
 * fingerprint in `current`, among those of `paramsKey` when it is given; `skip` holds digests known bad.
 */
export function freshVariant(
  variants: readonly Variant[],
  current: ReadonlyMap<string, string>,
  paramsKey: string | undefined,
  skip: ReadonlySet<string>,
): Variant | undefined {
  for (const variant of variants) {
    if (paramsKey !== undefined && variant.paramsKey !== paramsKey) continue;
    if (skip.has(variant.digest)) continue;
    if (variant.deps.every(({ ref, fingerprint }) => current.get(ref) === fingerprint)) return variant;
  }
  return undefined;
}

/**
 * `variants` with this process's unwritten hits applied (each taken out of `touches`), most recently used
 * first: what a write of the document records.
 */
export function withTouches(variants: readonly Variant[], touches: Map<string, Touch>): Variant[] {
  const touched: Variant[] = [];
  const untouched: Variant[] = [];
  for (const variant of variants) {
    const touch = touches.get(variant.key);
    if (touch === undefined) {
      untouched.push(variant);
      continue;
    }
    touches.delete(variant.key);
    touched.push({
      ...variant,
      accessedAt: Math.max(variant.accessedAt, touch.at),
      accessCount: variant.accessCount + touch.count,
    });
  }
  // Stable: on a tie of milliseconds, a variant hit comes before one only put or read earlier.
  return [...touched, ...untouched].sort((a, b) => b.accessedAt - a.accessedAt);
}

/** When `variant` was last used, as far as this process knows (its own unwritten hits included). */
export function lastUse(variant: Variant, touches: ReadonlyMap<string, Touch>): number {
  const touch = touches.get(variant.key);
  return touch === undefined ? variant.accessedAt : Math.max(variant.accessedAt, touch.at);
}
