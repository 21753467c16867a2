import { MemoryStore } from '@omega/core';
import { StreamFront, type StreamFrontOptions } from './front.js';

// A constructor and nothing else: a rule needed here belongs in the front, a storage need in core's ports.

/** Options of {@link MemoryStreamProvider}: those of every backend (`now`, `idleTimeoutMs`). */
export type MemoryStreamProviderOptions = StreamFrontOptions;

/**
 * Streams held in this process, for tests and short runs: one in-memory log per stream, followers woken
 * on each append. Chunks are kept as their serde text, so what a caller appends or reads is never shared
 * with the store, and values behave exactly as on disk.
 */
export class MemoryStreamProvider extends StreamFront {
  constructor(options: MemoryStreamProviderOptions = {}) {
    super(new MemoryStore(), options, { provider: 'MemoryStreamProvider', ownsStore: true });
  }
}
