import { MemoryStore } from '@omega/core';
import { SecurityFront, type SecurityFrontOptions } from './front.js';

// A constructor and nothing else: a rule needed here belongs in the front, a storage need in core's ports.
// TODO(seed): the class keeps the seed's name for this backend where it gives one (`InMemoryReceiptProvider`).

/** Options of {@link MemorySecurityProvider}: those of every backend (and memory-only ones, if any). */
export type MemorySecurityProviderOptions = SecurityFrontOptions;

/**
 * Security records held in this process, for tests and short runs. Each is kept as its serde text, so what a
 * caller stores or reads is never shared with the store, and values behave exactly as on disk.
 */
export class MemorySecurityProvider extends SecurityFront {
  constructor(options: MemorySecurityProviderOptions = {}) {
    super(new MemoryStore(), options, { provider: 'MemorySecurityProvider', ownsStore: true });
  }
}
