import { CheckedParts, type Closable, type RecordParts, z } from '@omega/core';

export type { Val } from '@omega/core';

// TODO(seed): the seed's interface goes here. Replace the example below (a record of one value under a
// name) with the seed's `ProvenanceProvider`, its exact signatures (add, never drop or rename), its record
// types and their zod schemas (types inferred from schemas, built from `RecordParts` so that rules.ts can
// encode with the shape-only twin). No implementation in this file.

/** The provenance record over a set of record parts (checked ones for the public schema, shape ones for serde). */
export function provenanceRecordOf(parts: RecordParts) {
  return z.object({ value: parts.val });
}

/** What a provenance record holds: one caller value (any `Val`). */
export const ProvenanceRecordSchema = provenanceRecordOf(CheckedParts);
export type ProvenanceRecord = z.infer<typeof ProvenanceRecordSchema>;

/**
 * Named provenance records (names follow the one naming rule, `NAME_RULE` in `@omega/core`).
 *
 * Backends: `MemoryProvenanceProvider` (`@omega/provenance/memory`), `FilesystemProvenanceProvider`
 * (`@omega/provenance/filesystem`) and `MockProvenanceProvider` (`@omega/provenance/mock`). Every backend passes
 * `describeProvenanceProvider` (`@omega/provenance/conformance`).
 */
export interface ProvenanceProvider extends Closable {
  /** The record stored under `name`, or `null` when there is none. */
  get(name: string): Promise<ProvenanceRecord | null>;

  /** Stores `record` under `name`, replacing any earlier one (the last writer wins). */
  put(name: string, record: ProvenanceRecord): Promise<void>;

  /** Deletes the record under `name`; `NotFoundError` when there is none. */
  delete(name: string): Promise<void>;

  /** The stored names, sorted by code unit. */
  list(): Promise<string[]>;
}
