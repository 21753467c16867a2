import { MemoryStore } from '@omega/core';
import { SecurityFront, type SecurityFrontOptions } from './front.js';

// A constructor and nothing else: a rule needed here belongs in the front, a storage need in core's ports.
// The class keeps the seed's name for this backend, `LocalSecurityProvider`.

/** Options of {@link LocalSecurityProvider}: those of every backend (`policy`, `now`, redaction, signer). */
export type LocalSecurityProviderOptions = SecurityFrontOptions;

/**
 * The policy and the audit held in this process, for tests and short runs: the audit's Merkle log,
 * checkpoints and signing key live in a memory store, gone with the process.
 */
export class LocalSecurityProvider extends SecurityFront {
  constructor(options: LocalSecurityProviderOptions = {}) {
    super(new MemoryStore(), options, { provider: 'LocalSecurityProvider', ownsStore: true });
  }
}
