import { MemoryStore } from '@omega/core';
import { SnapshotFront, type SnapshotFrontOptions } from './front.js';

/** Options of {@link MemorySnapshotProvider}: `durable`, for the export files it writes. */
export type MemorySnapshotProviderOptions = SnapshotFrontOptions;

/**
 * Snapshots held in process memory, for tests and short runs. Each snapshot is kept as its serde text, so
 * what callers save or load is never shared with the store, and values behave exactly as on disk.
 * Export and import use real files, in the same format as every other backend.
 */
export class MemorySnapshotProvider extends SnapshotFront {
  constructor(options: MemorySnapshotProviderOptions = {}) {
    super(new MemoryStore(), options, { provider: 'MemorySnapshotProvider', ownsStore: true });
  }
}
