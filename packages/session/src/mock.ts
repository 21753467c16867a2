import { type MockOptions, mockProvider } from '@omega/core/testing';
import type { SessionProvider } from './index.js';
import { MemorySessionProvider, type MemorySessionProviderOptions } from './memory.js';
import { METHODS } from './methods.js';

export type { MockOptions } from '@omega/core/testing';

/** Options of {@link MockSessionProvider}: `latencyMs`, and the clock of the sessions it keeps. */
export type MockSessionProviderOptions = MockOptions & MemorySessionProviderOptions;

/**
 * A scriptable session provider for testing a runtime: it keeps sessions in memory, records every call
 * in `calls` (method, arguments, result or error), and plays back `failNext`, `failOn`, `returnNext` and
 * `latencyMs`. Unscripted it behaves exactly like {@link MemorySessionProvider}. Generated from the
 * method table, like every family's mock.
 */
export class MockSessionProvider extends mockProvider<SessionProvider, MockSessionProviderOptions>(
  'MockSessionProvider',
  METHODS,
  (options) => new MemorySessionProvider(options),
) {}
