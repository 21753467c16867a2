import type { FrontOptions } from '@omega/core';
import { badOption } from './rules.js';

/**
 * How long a follower waits for the next chunk of an open stream before a `StreamIdleError`, by default.
 * A model streams a token every few hundred milliseconds, and even a long tool call answers within a
 * minute; a writer silent for longer has most likely died without ending its stream.
 */
export const DEFAULT_STREAM_IDLE_TIMEOUT_MS = 60_000;
// setTimeout's largest delay: a longer one would fire at once.
const MAX_IDLE_TIMEOUT_MS = 2 ** 31 - 1;

/** Options every stream backend takes. */
export interface StreamFrontOptions extends FrontOptions {
  /**
   * Milliseconds a following reader waits for the next chunk of an open stream before its iteration
   * rejects with a `StreamIdleError` (default {@link DEFAULT_STREAM_IDLE_TIMEOUT_MS}, at most 2^31 - 1).
   */
  idleTimeoutMs?: number;
}

/** The `idleTimeoutMs` option, checked: a positive integer of milliseconds, the default when absent. */
export function checkIdleTimeout(provider: string, value: unknown): number {
  if (value === undefined) return DEFAULT_STREAM_IDLE_TIMEOUT_MS;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > MAX_IDLE_TIMEOUT_MS) {
    throw badOption(
      provider,
      'idleTimeoutMs',
      `a positive integer of milliseconds up to ${MAX_IDLE_TIMEOUT_MS}`,
      value,
    );
  }
  return value;
}
