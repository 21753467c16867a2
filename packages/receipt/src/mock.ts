import { MemoryStore } from '@omega/core';
import { type MockOptions, mockProvider } from '@omega/core/testing';
import { ReceiptFront } from './front.js';
import type { ReceiptProvider } from './index.js';
import type { InMemoryReceiptProviderOptions } from './memory.js';
import { METHODS } from './methods.js';

export type { MockOptions } from '@omega/core/testing';

// One generated class and nothing else: the mock follows the method table in methods.ts, under the seed's
// name for it.

/** Options of {@link MockReceiptProvider}: `latencyMs`, and those of the memory backend it wraps (`now`). */
export type MockReceiptProviderOptions = MockOptions & InMemoryReceiptProviderOptions;

/**
 * A scriptable receipt provider for testing a runtime: it keeps records in memory, records every call in
 * `calls` (method, arguments, result or error), and plays back `failNext`, `failOn`, `returnNext` and
 * `latencyMs`. Unscripted it behaves exactly like {@link InMemoryReceiptProvider}. Generated from the method
 * table, like every family's mock.
 */
export class MockReceiptProvider extends mockProvider<ReceiptProvider, MockReceiptProviderOptions>(
  'MockReceiptProvider',
  METHODS,
  // The memory provider's front, under the mock's own name: its errors (a bad option) name the mock.
  (options, provider) => new ReceiptFront(new MemoryStore(), options, { provider, ownsStore: true }),
) {}
