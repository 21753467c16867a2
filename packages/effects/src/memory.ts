import { MemoryStore } from '@omega/core';
import { EffectsFront, type EffectsFrontOptions } from './front.js';

// A constructor and nothing else: a rule needed here belongs in the front, a storage need in core's ports.
// TODO(seed): the class keeps the seed's name for this backend where it gives one (`InMemoryReceiptProvider`).

/** Options of {@link MemoryEffectsProvider}: those of every backend (and memory-only ones, if any). */
export type MemoryEffectsProviderOptions = EffectsFrontOptions;

/**
 * Effects records held in this process, for tests and short runs. Each is kept as its serde text, so what a
 * caller stores or reads is never shared with the store, and values behave exactly as on disk.
 */
export class MemoryEffectsProvider extends EffectsFront {
  constructor(options: MemoryEffectsProviderOptions = {}) {
    super(new MemoryStore(), options, { provider: 'MemoryEffectsProvider', ownsStore: true });
  }
}
