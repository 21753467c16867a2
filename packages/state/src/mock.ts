import { MemoryStore } from '@omega/core';
import { type MockOptions, mockProvider } from '@omega/core/testing';
import { StateFront } from './front.js';
import type { StateProvider } from './index.js';
import type { MemoryStateProviderOptions } from './memory.js';
import { METHODS } from './methods.js';

/** Options of {@link MockStateProvider}: `latencyMs`, and the clock of the states it keeps. */
export type MockStateProviderOptions = MockOptions & MemoryStateProviderOptions;

/**
 * A scriptable `StateProvider` for testing code that uses one (a runtime, a tool): it records every
 * call in `calls` and can fail the next or the nth call of a method (`failNext`, `failOn`), return a
 * canned result (`returnNext`) or add latency (`latencyMs`). Unscripted, it behaves exactly like
 * `MemoryStateProvider`, whose data it keeps. Generated from the method table.
 */
export class MockStateProvider extends mockProvider<StateProvider, MockStateProviderOptions>(
  'MockStateProvider',
  METHODS,
  // The memory provider's front, under the mock's own name: its errors (a bad option) name the mock.
  (options, provider) => new StateFront(new MemoryStore(), options, { provider, ownsStore: true }),
) {}
