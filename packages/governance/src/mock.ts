import { MemoryStore } from '@omega/core';
import { type MockOptions, mockProvider } from '@omega/core/testing';
import { GovernanceFront } from './front.js';
import type { GovernanceProvider } from './index.js';
import type { LocalGovernanceProviderOptions } from './memory.js';
import { METHODS } from './methods.js';

export type { MockOptions } from '@omega/core/testing';

/** Options of {@link MockGovernanceProvider}: `latencyMs`, and those of the local provider it runs. */
export type MockGovernanceProviderOptions = MockOptions & LocalGovernanceProviderOptions;

/**
 * A scriptable governance provider for testing a runtime: it keeps its budget in memory, records every
 * call in `calls` (method, arguments, result or error), and plays back `failNext`, `failOn`, `returnNext`
 * and `latencyMs`, so a runtime's handling of a refused capability or an exhausted budget can be tested
 * without spending one. Unscripted it behaves exactly like `LocalGovernanceProvider`. Generated from the
 * method table, like every family's mock.
 */
export class MockGovernanceProvider extends mockProvider<GovernanceProvider, MockGovernanceProviderOptions>(
  'MockGovernanceProvider',
  METHODS,
  // The local provider's front, under the mock's own name: its errors (a bad option) name the mock.
  (options, provider) => new GovernanceFront(new MemoryStore(), options, { provider, ownsStore: true }),
) {}
