import { CheckedParts, type Closable, type RecordParts, z } from '@omega/core';

export type { Val } from '@omega/core';

// TODO(seed): the seed's interface goes here. Replace the example below (a record of one value under a
// name) with the seed's `SecurityProvider`, its exact signatures (add, never drop or rename), its record
// types and their zod schemas (types inferred from schemas, built from `RecordParts` so that rules.ts can
// encode with the shape-only twin). No implementation in this file.

/** The security record over a set of record parts (checked ones for the public schema, shape ones for serde). */
export function securityRecordOf(parts: RecordParts) {
  return z.object({ value: parts.val });
}

/** What a security record holds: one caller value (any `Val`). */
export const SecurityRecordSchema = securityRecordOf(CheckedParts);
export type SecurityRecord = z.infer<typeof SecurityRecordSchema>;

/**
 * Named security records (names follow the one naming rule, `NAME_RULE` in `@omega/core`).
 *
 * Backends: `MemorySecurityProvider` (`@omega/security/memory`), `FilesystemSecurityProvider`
 * (`@omega/security/filesystem`) and `MockSecurityProvider` (`@omega/security/mock`). Every backend passes
 * `describeSecurityProvider` (`@omega/security/conformance`).
 */
export interface SecurityProvider extends Closable {
  /** The record stored under `name`, or `null` when there is none. */
  get(name: string): Promise<SecurityRecord | null>;

  /** Stores `record` under `name`, replacing any earlier one (the last writer wins). */
  put(name: string, record: SecurityRecord): Promise<void>;

  /** Deletes the record under `name`; `NotFoundError` when there is none. */
  delete(name: string): Promise<void>;

  /** The stored names, sorted by code unit. */
  list(): Promise<string[]>;
}
