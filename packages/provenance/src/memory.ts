import { MemoryStore } from '@omega/core';
import { ProvenanceFront, type ProvenanceFrontOptions } from './front.js';

// A constructor and nothing else: a rule needed here belongs in the front, a storage need in core's ports.

/** Options of {@link MemoryProvenanceProvider}: those of every backend (and memory-only ones, if any). */
export type MemoryProvenanceProviderOptions = ProvenanceFrontOptions;

/**
 * Evidence held in this process, for tests and short runs: the log in a memory store, gone with the
 * process (no index snapshot: nothing outlives the index). What a caller records or reads is never shared
 * with the store.
 */
export class MemoryProvenanceProvider extends ProvenanceFront {
  constructor(options: MemoryProvenanceProviderOptions = {}) {
    super(new MemoryStore(), options, { provider: 'MemoryProvenanceProvider', ownsStore: true });
  }
}
