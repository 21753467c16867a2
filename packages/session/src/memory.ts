import { MemoryStore } from '@omega/core';
import { SessionFront, type SessionFrontOptions } from './front.js';

/** Options of {@link MemorySessionProvider}. */
export type MemorySessionProviderOptions = SessionFrontOptions;

/**
 * Sessions held in this process, for tests and short runs. Each is kept as its serde text, so what a
 * caller saves or loads is never shared with the store, and values behave exactly as on disk.
 */
export class MemorySessionProvider extends SessionFront {
  constructor(options: MemorySessionProviderOptions = {}) {
    super(new MemoryStore(), options, { provider: 'MemorySessionProvider', ownsStore: true });
  }
}
