import { MemoryStore } from '@omega/core';
import { ReceiptFront, type ReceiptFrontOptions } from './front.js';

// A constructor and nothing else: a rule needed here belongs in the front, a storage need in core's ports.
// TODO(seed): the class keeps the seed's name for this backend where it gives one (`InInMemoryReceiptProvider`).

/** Options of {@link InMemoryReceiptProvider}: those of every backend (and memory-only ones, if any). */
export type InMemoryReceiptProviderOptions = ReceiptFrontOptions;

/**
 * Receipt records held in this process, for tests and short runs. Each is kept as its serde text, so what a
 * caller stores or reads is never shared with the store, and values behave exactly as on disk.
 */
export class InMemoryReceiptProvider extends ReceiptFront {
  constructor(options: InMemoryReceiptProviderOptions = {}) {
    super(new MemoryStore(), options, { provider: 'InMemoryReceiptProvider', ownsStore: true });
  }
}
