import { MemoryStore } from '@omega/core';
import { GovernanceFront, type GovernanceFrontOptions } from './front.js';

/** Options of {@link LocalGovernanceProvider}: `profile`, `period`, `reservationTtlMs`, `onAlert`, `now`, ... */
export type LocalGovernanceProviderOptions = GovernanceFrontOptions;

/**
 * Capabilities and a budget held in this process (the seed's `LocalGovernanceProvider`): its ledger lives
 * in a memory store of its own, so it starts fresh with each provider and is shared only with its children.
 */
export class LocalGovernanceProvider extends GovernanceFront {
  constructor(options: LocalGovernanceProviderOptions = {}) {
    super(new MemoryStore(), options, { provider: 'LocalGovernanceProvider', ownsStore: true });
  }
}
