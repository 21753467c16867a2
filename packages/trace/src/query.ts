import { assertValidName, InvalidArgumentError } from '@omega/core';
import { TRACE_LEVELS, type TraceEvent, type TraceQuery } from './events.js';
import { KIND } from './rules.js';

const QUERY_KEYS: ReadonlySet<string> = new Set(['runId', 'kind', 'level', 'since', 'until', 'limit']);
const LEVELS: ReadonlySet<string> = new Set(TRACE_LEVELS);

function invalid(method: string, option: string, message: string, value: unknown) {
  return new InvalidArgumentError(`${method}(): ${message}`, {
    details: { kind: KIND, method, option, value },
  });
}

/**
 * Checks a query of `method` (`query`, `subscribe`): the run id by the name rule (`InvalidNameError`),
 * every other field by its type (`InvalidArgumentError` naming it), unknown fields refused.
 */
export function checkQuery(method: string, query: unknown): TraceQuery {
  if (typeof query !== 'object' || query === null || Array.isArray(query)) {
    throw invalid(method, 'query', `the query must be an object, got ${String(query)}`, query);
  }
  const { runId, kind, level, since, until, limit } = query as Record<string, unknown>;
  for (const key of Object.keys(query)) {
    if (!QUERY_KEYS.has(key)) throw invalid(method, key, `unknown query field ${JSON.stringify(key)}`, key);
  }
  if (runId !== undefined) assertValidName(KIND, runId);
  if (kind !== undefined && typeof kind !== 'string') {
    throw invalid(method, 'kind', 'kind must be a string', kind);
  }
  if (level !== undefined && !(typeof level === 'string' && LEVELS.has(level))) {
    throw invalid(method, 'level', `level must be one of ${TRACE_LEVELS.join(', ')}`, level);
  }
  for (const [option, value] of [
    ['since', since],
    ['until', until],
  ] as const) {
    if (value !== undefined && !(typeof value === 'number' && !Number.isNaN(value))) {
      throw invalid(method, option, `${option} must be a number of milliseconds`, value);
    }
  }
  if (limit !== undefined && !(Number.isSafeInteger(limit) && (limit as number) > 0)) {
    throw invalid(method, 'limit', 'limit must be a positive integer', limit);
  }
  return query as TraceQuery;
}

/** True when `event` is one `query` asks for (its `limit` aside). */
export function matches(query: TraceQuery, event: TraceEvent): boolean {
  return (
    (query.runId === undefined || event.runId === query.runId) &&
    (query.kind === undefined || event.kind === query.kind) &&
    (query.level === undefined || event.level === query.level) &&
    (query.since === undefined || event.at >= query.since) &&
    (query.until === undefined || event.at < query.until)
  );
}
