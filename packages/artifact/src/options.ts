import { type FrontOptions, InvalidArgumentError } from '@omega/core';
import { KIND } from './rules.js';

/** Options every artifact backend takes. */
export interface ArtifactFrontOptions extends FrontOptions {
  /** Most entries kept (every variant counts); least recently used ones are evicted past it. Default unbounded. */
  capacity?: number;
  /** Most bytes of value text kept (each entry counts its value's bytes); default unbounded. */
  maxBytes?: number;
  /** Most variants kept per expression, the least recently used dropped past it (default 8, at most 64). */
  variants?: number;
  /**
   * How stale a stored access time may get, in milliseconds (default 60,000): a hit records its time in
   * this process at once, and writes it to the index only when the stored one is older than this, so a
   * hot entry costs at most one index write a minute (the `relatime` idea). 0 writes every hit.
   */
  accessResolutionMs?: number;
}

/** The options a front runs with, checked. */
export interface CheckedOptions {
  capacity: number | null;
  maxBytes: number | null;
  variants: number;
  accessResolutionMs: number;
}

const DEFAULT_VARIANTS = 8;
// More variants than this per expression would make its index document, read on every hit, large.
const MAX_VARIANTS = 64;
// A minute: eviction only needs to tell recent from old, and a hit of a shared cache on disk must not cost
// an index write each second. Hits in this process are exact whatever the resolution.
const DEFAULT_ACCESS_RESOLUTION_MS = 60_000;

/** Checks the family's options at construction: an `InvalidArgumentError` naming the option otherwise. */
export function checkOptions(provider: string, options: ArtifactFrontOptions): CheckedOptions {
  return {
    capacity: bound(provider, 'capacity', options.capacity, 1),
    maxBytes: bound(provider, 'maxBytes', options.maxBytes, 1),
    variants: integer(provider, 'variants', options.variants, 1, MAX_VARIANTS) ?? DEFAULT_VARIANTS,
    accessResolutionMs:
      integer(provider, 'accessResolutionMs', options.accessResolutionMs, 0, Number.MAX_SAFE_INTEGER) ??
      DEFAULT_ACCESS_RESOLUTION_MS,
  };
}

function bound(provider: string, option: string, value: unknown, min: number): number | null {
  return integer(provider, option, value, min, Number.MAX_SAFE_INTEGER) ?? null;
}

function integer(
  provider: string,
  option: string,
  value: unknown,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max) return value;
  throw new InvalidArgumentError(
    `${provider}: option ${option} must be an integer from ${min} to ${max}, got ${String(value)}`,
    { details: { provider, kind: KIND, option, value } },
  );
}
