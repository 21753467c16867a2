import { MemoryStore } from '@omega/core';
import { LogicFront, type LogicFrontOptions } from './front.js';

/** Options of {@link MemoryLogicProvider}: those of every backend (`name`, `now`). */
export type MemoryLogicProviderOptions = LogicFrontOptions;

/**
 * A fact base held in this process, for tests and short runs: its log lives in a memory store of its
 * own, so it starts empty with each provider.
 */
export class MemoryLogicProvider extends LogicFront {
  constructor(options: MemoryLogicProviderOptions = {}) {
    super(new MemoryStore(), options, { provider: 'MemoryLogicProvider', ownsStore: true });
  }
}
