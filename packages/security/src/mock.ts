import { MemoryStore } from '@omega/core';
import { type MockOptions, mockProvider } from '@omega/core/testing';
import { SecurityFront } from './front.js';
import type { SecurityProvider } from './index.js';
import type { LocalSecurityProviderOptions } from './memory.js';
import { METHODS } from './methods.js';

export type { MockOptions } from '@omega/core/testing';

// One generated class and nothing else: the mock follows the method table in methods.ts.

/** Options of {@link MockSecurityProvider}: `latencyMs`, and those of the memory backend it wraps (`policy`, `now`). */
export type MockSecurityProviderOptions = MockOptions & LocalSecurityProviderOptions;

/**
 * A scriptable security provider for testing a runtime: it keeps its policy and audit in memory, records
 * every call in `calls` (method, arguments, result or error), and plays back `failNext`, `failOn`,
 * `returnNext` and `latencyMs` (a scripted denial or audit failure, say). Unscripted it behaves exactly like
 * {@link LocalSecurityProvider}. Generated from the method table, like every family's mock.
 */
export class MockSecurityProvider extends mockProvider<SecurityProvider, MockSecurityProviderOptions>(
  'MockSecurityProvider',
  METHODS,
  // The memory provider's front, under the mock's own name: its errors (a bad option) name the mock.
  (options, provider) => new SecurityFront(new MemoryStore(), options, { provider, ownsStore: true }),
) {}
