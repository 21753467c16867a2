import { MemoryStore } from '@omega/core';
import { ReceiptFront, type ReceiptFrontOptions } from './front.js';

// A constructor and nothing else: a rule needed here belongs in the front, a storage need in core's ports.
// The class keeps the seed's name for this backend, `InMemoryReceiptProvider`.

/** Options of {@link InMemoryReceiptProvider}: those of every backend (and memory-only ones, if any). */
export type InMemoryReceiptProviderOptions = ReceiptFrontOptions;

/**
 * Receipts held in this process, for tests and short runs: the log, bodies, tiles and signing key in a
 * memory store, gone with the process. What a caller appends or reads is never shared with the store.
 */
export class InMemoryReceiptProvider extends ReceiptFront {
  constructor(options: InMemoryReceiptProviderOptions = {}) {
    super(new MemoryStore(), options, { provider: 'InMemoryReceiptProvider', ownsStore: true });
  }
}
