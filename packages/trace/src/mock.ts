import { type MockOptions, mockProvider } from '@omega/core/testing';
import { TraceFront } from './front.js';
import type { TraceProvider } from './index.js';
import { type MemoryTraceProviderOptions, memorySink } from './memory.js';
import { METHODS } from './methods.js';

export type { MockOptions } from '@omega/core/testing';

/** Options of {@link MockTraceProvider}: `latencyMs`, and those of the memory provider it runs on. */
export type MockTraceProviderOptions = MockOptions & MemoryTraceProviderOptions;

/**
 * A scriptable trace provider for testing a runtime: it keeps events in a memory ring, records every call
 * in `calls` (method, arguments, result or error), and plays back `failNext`, `failOn`, `returnNext` and
 * `latencyMs`. Unscripted it behaves exactly like {@link MemoryTraceProvider}. Generated from the method
 * table, like every family's mock.
 */
export class MockTraceProvider extends mockProvider<TraceProvider, MockTraceProviderOptions>(
  'MockTraceProvider',
  METHODS,
  // The memory provider's front, under the mock's own name: its errors (a bad option) name the mock.
  (options, provider) => new TraceFront(memorySink(provider, options, ['latencyMs']), options, { provider }),
) {}
