import { MemoryDocumentBackend } from '@omega/core';
import { SnapshotFront } from './provider.js';
import { DOCUMENTS } from './rules.js';

/**
 * Snapshots held in process memory, for tests and short runs. Each snapshot is kept as its serde text, so
 * what callers save or load is never shared with the store, and values behave exactly as on disk.
 * Export and import use real files, in the same format as every other backend.
 */
export class MemorySnapshotProvider extends SnapshotFront {
  constructor() {
    super('MemorySnapshotProvider', new MemoryDocumentBackend(DOCUMENTS));
  }
}
