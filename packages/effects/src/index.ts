import { CheckedParts, type Closable, type RecordParts, z } from '@omega/core';

export type { Val } from '@omega/core';

// TODO(seed): the seed's interface goes here. Replace the example below (a record of one value under a
// name) with the seed's `EffectsProvider`, its exact signatures (add, never drop or rename), its record
// types and their zod schemas (types inferred from schemas, built from `RecordParts` so that rules.ts can
// encode with the shape-only twin). No implementation in this file.

/** The effects record over a set of record parts (checked ones for the public schema, shape ones for serde). */
export function effectsRecordOf(parts: RecordParts) {
  return z.object({ value: parts.val });
}

/** What a effects record holds: one caller value (any `Val`). */
export const EffectsRecordSchema = effectsRecordOf(CheckedParts);
export type EffectsRecord = z.infer<typeof EffectsRecordSchema>;

/**
 * Named effects records (names follow the one naming rule, `NAME_RULE` in `@omega/core`).
 *
 * Backends: `MemoryEffectsProvider` (`@omega/effects/memory`), `FilesystemEffectsProvider`
 * (`@omega/effects/filesystem`) and `MockEffectsProvider` (`@omega/effects/mock`). Every backend passes
 * `describeEffectsProvider` (`@omega/effects/conformance`).
 */
export interface EffectsProvider extends Closable {
  /** The record stored under `name`, or `null` when there is none. */
  get(name: string): Promise<EffectsRecord | null>;

  /** Stores `record` under `name`, replacing any earlier one (the last writer wins). */
  put(name: string, record: EffectsRecord): Promise<void>;

  /** Deletes the record under `name`; `NotFoundError` when there is none. */
  delete(name: string): Promise<void>;

  /** The stored names, sorted by code unit. */
  list(): Promise<string[]>;
}
