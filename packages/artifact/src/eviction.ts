import type { Variant } from './rules.js';

/** One entry as a scan of the index found it, with its last use as this process knows it. */
export interface Scanned {
  /** Its expression's index document. */
  name: string;
  exprKey: string;
  variant: Variant;
  used: number;
}

/** What a set of entries holds. */
export interface Totals {
  count: number;
  bytes: number;
}

/** The count and bytes of `entries`. */
export function totalsOf(entries: readonly Scanned[]): Totals {
  let bytes = 0;
  for (const { variant } of entries) bytes += variant.bytes;
  return { count: entries.length, bytes };
}

/**
 * The least recently used of `entries` to evict so that what stays holds at most `count` entries and
 * `bytes` bytes (ties: the order of the scan, stable).
 */
export function victims(entries: readonly Scanned[], count: number, bytes: number): Scanned[] {
  const left = totalsOf(entries);
  if (left.count <= count && left.bytes <= bytes) return [];
  const chosen: Scanned[] = [];
  for (const entry of [...entries].sort((a, b) => a.used - b.used)) {
    if (left.count <= count && left.bytes <= bytes) break;
    chosen.push(entry);
    left.count -= 1;
    left.bytes -= entry.variant.bytes;
  }
  return chosen;
}

/**
 * Where an eviction of a full cache stops: a sixteenth below the bound (exactly the bound under 16), so a
 * cache kept full scans its index once every `bound / 16` puts rather than on each.
 */
export function lowWater(bound: number | null): number {
  return bound === null ? Number.POSITIVE_INFINITY : bound - Math.floor(bound / 16);
}
