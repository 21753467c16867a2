import { type MockOptions, mockProvider } from '@omega/core/testing';
import type { ExpertProvider } from './index.js';
import { DefaultExpertProvider, type DefaultExpertProviderOptions } from './memory.js';
import { METHODS } from './methods.js';

export type { MockOptions } from '@omega/core/testing';

/** Options of {@link MockExpertProvider}: `latencyMs`, and those of {@link DefaultExpertProvider} (`builtins`). */
export type MockExpertProviderOptions = MockOptions & DefaultExpertProviderOptions;

/**
 * A scriptable expert registry for testing a runtime: it starts with the built-in roles and registers
 * like {@link DefaultExpertProvider}, records every call in `calls` (method, arguments, result or error),
 * and plays back `failNext`, `failOn`, `returnNext` (`returnNext('find', [expert])` scripts a search
 * result) and `latencyMs` (which applies to asynchronous methods only: all of this family's are
 * synchronous but `close`). Generated from the method table, like every family's mock.
 */
export class MockExpertProvider extends mockProvider<ExpertProvider, MockExpertProviderOptions>(
  'MockExpertProvider',
  METHODS,
  // The default provider under the mock's own name: its errors (a bad option) name the mock.
  ({ builtins }, provider) => new DefaultExpertProvider({ builtins }, { provider }),
) {}
