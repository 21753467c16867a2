import { MemoryStore } from '@omega/core';
import { type MockOptions, mockProvider } from '@omega/core/testing';
import { StreamFront } from './front.js';
import type { StreamProvider } from './index.js';
import type { MemoryStreamProviderOptions } from './memory.js';
import { METHODS } from './methods.js';

export type { MockOptions } from '@omega/core/testing';

// One generated class and nothing else: the mock follows the method table in methods.ts, under the seed's
// name for it.

/** Options of {@link MockStreamProvider}: `latencyMs`, and those of the memory backend it wraps (`now`, `idleTimeoutMs`). */
export type MockStreamProviderOptions = MockOptions & MemoryStreamProviderOptions;

/**
 * A scriptable stream provider for testing a runtime: it keeps streams in memory, records every call in
 * `calls` (method, arguments, result or error), and plays back `failNext`, `failOn`, `returnNext` and
 * `latencyMs`. Unscripted it behaves exactly like {@link MemoryStreamProvider}. Generated from the method
 * table, like every family's mock.
 */
export class MockStreamProvider extends mockProvider<StreamProvider, MockStreamProviderOptions>(
  'MockStreamProvider',
  METHODS,
  // The memory provider's front, under the mock's own name: its errors (a bad option) name the mock.
  (options, provider) => new StreamFront(new MemoryStore(), options, { provider, ownsStore: true }),
) {}
