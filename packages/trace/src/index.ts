import { CheckedParts, type Closable, type RecordParts, z } from '@omega/core';

export type { Val } from '@omega/core';

// TODO(seed): the seed's interface goes here. Replace the example below (a record of one value under a
// name) with the seed's `TraceProvider`, its exact signatures (add, never drop or rename), its record
// types and their zod schemas (types inferred from schemas, built from `RecordParts` so that rules.ts can
// encode with the shape-only twin). No implementation in this file.

/** The trace record over a set of record parts (checked ones for the public schema, shape ones for serde). */
export function traceRecordOf(parts: RecordParts) {
  return z.object({ value: parts.val });
}

/** What a trace record holds: one caller value (any `Val`). */
export const TraceRecordSchema = traceRecordOf(CheckedParts);
export type TraceRecord = z.infer<typeof TraceRecordSchema>;

/**
 * Named trace records (names follow the one naming rule, `NAME_RULE` in `@omega/core`).
 *
 * Backends: `MemoryTraceProvider` (`@omega/trace/memory`), `FilesystemTraceProvider`
 * (`@omega/trace/filesystem`) and `MockTraceProvider` (`@omega/trace/mock`). Every backend passes
 * `describeTraceProvider` (`@omega/trace/conformance`).
 */
export interface TraceProvider extends Closable {
  /** The record stored under `name`, or `null` when there is none. */
  get(name: string): Promise<TraceRecord | null>;

  /** Stores `record` under `name`, replacing any earlier one (the last writer wins). */
  put(name: string, record: TraceRecord): Promise<void>;

  /** Deletes the record under `name`; `NotFoundError` when there is none. */
  delete(name: string): Promise<void>;

  /** The stored names, sorted by code unit. */
  list(): Promise<string[]>;
}
