import { InvalidArgumentError } from '@omega/core';

/** The schema a store uses when none is given. */
export const DEFAULT_SCHEMA = 'omega';

// Lowercase, so the name means the same quoted or not; at most 48 bytes, so the names derived from it
// (the notification channel, `omega:<schema>`) stay within PostgreSQL's 63-byte identifiers.
const SCHEMA_RULE = /^[a-z_][a-z0-9_]{0,47}$/;

/**
 * Checks a schema name (1–48 characters of `a-z 0-9 _`, not starting with a digit) and returns it quoted
 * for SQL: the one place a name becomes part of a statement's text. Anything else is an
 * `InvalidArgumentError`, never escaped into something that parses.
 */
export function quotedSchema(schema: unknown): string {
  if (typeof schema !== 'string' || !SCHEMA_RULE.test(schema) || schema.startsWith('pg_')) {
    throw new InvalidArgumentError(
      `a PostgreSQL schema name must be 1–48 characters of a-z 0-9 _, start with a letter or _, and not start with pg_; got ${JSON.stringify(schema)}`,
      { details: { option: 'schema', value: schema } },
    );
  }
  return `"${schema}"`;
}
