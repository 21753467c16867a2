import { MemoryStore } from '@omega/core';
import { ProvenanceFront, type ProvenanceFrontOptions } from './front.js';

// A constructor and nothing else: a rule needed here belongs in the front, a storage need in core's ports.
// TODO(seed): the class keeps the seed's name for this backend where it gives one (`InMemoryReceiptProvider`).

/** Options of {@link MemoryProvenanceProvider}: those of every backend (and memory-only ones, if any). */
export type MemoryProvenanceProviderOptions = ProvenanceFrontOptions;

/**
 * Provenance records held in this process, for tests and short runs. Each is kept as its serde text, so what a
 * caller stores or reads is never shared with the store, and values behave exactly as on disk.
 */
export class MemoryProvenanceProvider extends ProvenanceFront {
  constructor(options: MemoryProvenanceProviderOptions = {}) {
    super(new MemoryStore(), options, { provider: 'MemoryProvenanceProvider', ownsStore: true });
  }
}
