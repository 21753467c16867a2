import { MemoryStore } from '@omega/core';
import { type MockOptions, mockProvider } from '@omega/core/testing';
import { LogicFront } from './front.js';
import type { LogicProvider } from './index.js';
import type { MemoryLogicProviderOptions } from './memory.js';
import { METHODS } from './methods.js';

export type { MockOptions } from '@omega/core/testing';

/** Options of {@link MockLogicProvider}: `latencyMs`, and those of the memory backend it wraps (`name`, `now`). */
export type MockLogicProviderOptions = MockOptions & MemoryLogicProviderOptions;

/**
 * A scriptable fact base for testing a runtime: it keeps its facts in memory, records every call in
 * `calls` (method, arguments, result or error), and plays back `failNext`, `failOn`, `returnNext` and
 * `latencyMs`, so a runtime's handling of a failed assertion or a canned query answer can be tested.
 * Unscripted it behaves exactly like {@link MemoryLogicProvider}. Generated from the method table, like
 * every family's mock.
 */
export class MockLogicProvider extends mockProvider<LogicProvider, MockLogicProviderOptions>(
  'MockLogicProvider',
  METHODS,
  // The memory provider's front, under the mock's own name: its errors (a bad option) name the mock.
  (options, provider) => new LogicFront(new MemoryStore(), options, { provider, ownsStore: true }),
) {}
