import { InvalidArgumentError } from './errors.js';

/** A page of a listing: at most `limit` items, all sorted after `after`. */
export interface PageOptions {
  /** Start after this item (a name, a digest): the last item of the previous page. */
  after?: string;
  /** Largest page (default {@link DEFAULT_PAGE_SIZE}; `Infinity` for all). */
  limit?: number;
}

/** The page size of a listing or a read that names none. */
export const DEFAULT_PAGE_SIZE = 1000;

/** Checks that an option is a count (a non-negative safe integer): an `InvalidArgumentError` otherwise. */
export function checkCount(kind: string, name: string | undefined, option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidArgumentError(`option ${option} must be a non-negative integer, got ${String(value)}`, {
      details: { kind, ...(name === undefined ? {} : { name }), option, value },
    });
  }
  return value;
}

/**
 * The `limit` of a page: a positive integer, or `Infinity` for everything (what a seed method that returns
 * a whole list asks for); {@link DEFAULT_PAGE_SIZE} when absent.
 */
export function pageLimit(kind: string, limit: unknown): number {
  if (limit === undefined) return DEFAULT_PAGE_SIZE;
  if (
    typeof limit !== 'number' ||
    !(Number.isSafeInteger(limit) || limit === Number.POSITIVE_INFINITY) ||
    limit < 1
  ) {
    throw new InvalidArgumentError(
      `option limit must be a positive integer or Infinity, got ${String(limit)}`,
      {
        details: { kind, option: 'limit', value: limit },
      },
    );
  }
  return limit;
}

/** The `after` of a page: a string, or undefined. */
export function pageAfter(kind: string, after: unknown): string | undefined {
  if (after === undefined || typeof after === 'string') return after;
  throw new InvalidArgumentError(`option after must be a string, got ${String(after)}`, {
    details: { kind, option: 'after', value: after },
  });
}

/**
 * One page of `sorted` (sorted UTF-16 code units, no duplicates): the items after `after`, at most
 * `limit`. Finds the start by binary search, so paging through a large listing costs no rescans.
 */
export function pageOf<T extends string>(
  sorted: readonly T[],
  options: PageOptions | undefined,
  kind: string,
): T[] {
  const limit = pageLimit(kind, options?.limit);
  const after = pageAfter(kind, options?.after);
  let start = 0;
  if (after !== undefined) {
    let high = sorted.length;
    while (start < high) {
      const middle = (start + high) >>> 1;
      if (sorted[middle]! <= after) start = middle + 1;
      else high = middle;
    }
  }
  return sorted.slice(start, start + limit);
}
