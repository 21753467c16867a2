import { MemoryStore } from '@omega/core';
import { type MockOptions, mockProvider } from '@omega/core/testing';
import { SessionFront } from './front.js';
import type { SessionProvider } from './index.js';
import type { MemorySessionProviderOptions } from './memory.js';
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
  // The memory provider's front, under the mock's own name: its errors (a bad option) name the mock.
  (options, provider) => new SessionFront(new MemoryStore(), options, { provider, ownsStore: true }),
) {}
