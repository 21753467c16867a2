import { MemoryStore } from '@omega/core';
import { StateFront, type StateFrontOptions } from './front.js';

/** Options of {@link MemoryStateProvider}. */
export type MemoryStateProviderOptions = StateFrontOptions;

/**
 * Keeps states in process memory, for tests and short runs. States are stored as serde text, so a
 * saved state shares nothing with the caller and round-trips exactly as on disk. `close()` drops them.
 */
export class MemoryStateProvider extends StateFront {
  constructor(options: MemoryStateProviderOptions = {}) {
    super(new MemoryStore(), options, { provider: 'MemoryStateProvider', ownsStore: true });
  }
}
