import { type FrontOptions, InvalidArgumentError } from '@omega/core';
import { KIND } from './rules.js';

/** The `snapshotEvery` of a front given none. */
export const DEFAULT_SNAPSHOT_EVERY = 4096;

/** Options every provenance backend takes. */
export interface ProvenanceFrontOptions extends FrontOptions {
  /**
   * Where the store persists: how many entries past the stored index snapshot make a provider store a new
   * one (default 4096; at least the stored snapshot's own size, so that rewriting it costs amortized O(1) a
   * record). A provider also stores one when it replayed that many entries on opening, and at close.
   */
  snapshotEvery?: number;
}

/** The `snapshotEvery` option, checked: a positive integer. */
export function checkSnapshotEvery(provider: string, value: unknown): number {
  if (value === undefined) return DEFAULT_SNAPSHOT_EVERY;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
  throw new InvalidArgumentError(`${provider}: option snapshotEvery must be a positive integer`, {
    details: { provider, kind: KIND, option: 'snapshotEvery', value },
  });
}

/** The `depth` of a traversal, checked: a positive integer or Infinity (the default). */
export function checkDepth(method: string, options: unknown): number {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(`${method} options must be an object`, {
      details: { kind: KIND, argument: 'options' },
    });
  }
  const { depth = Number.POSITIVE_INFINITY } = options as { depth?: unknown };
  if (
    depth === Number.POSITIVE_INFINITY ||
    (typeof depth === 'number' && Number.isSafeInteger(depth) && depth > 0)
  ) {
    return depth as number;
  }
  throw new InvalidArgumentError(`${method}: depth must be a positive integer`, {
    details: { kind: KIND, argument: 'depth', value: depth },
  });
}
