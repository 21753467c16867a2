import { MemoryStore } from '@omega/core';
import { type MockOptions, mockProvider } from '@omega/core/testing';
import { ProvenanceFront } from './front.js';
import type { ProvenanceProvider } from './index.js';
import type { MemoryProvenanceProviderOptions } from './memory.js';
import { METHODS } from './methods.js';

export type { MockOptions } from '@omega/core/testing';

// One generated class and nothing else: the mock follows the method table in methods.ts.

/** Options of {@link MockProvenanceProvider}: `latencyMs`, and those of the memory backend it wraps (`now`). */
export type MockProvenanceProviderOptions = MockOptions & MemoryProvenanceProviderOptions;

/**
 * A scriptable provenance provider for testing a runtime: it keeps evidence in memory, records every call
 * in `calls` (method, arguments, result or error), and plays back `failNext`, `failOn`, `returnNext` and
 * `latencyMs`. Unscripted it behaves exactly like {@link MemoryProvenanceProvider}. Generated from the
 * method table, like every family's mock.
 */
export class MockProvenanceProvider extends mockProvider<ProvenanceProvider, MockProvenanceProviderOptions>(
  'MockProvenanceProvider',
  METHODS,
  // The memory provider's front, under the mock's own name: its errors (a bad option) name the mock.
  (options, provider) => new ProvenanceFront(new MemoryStore(), options, { provider, ownsStore: true }),
) {}
