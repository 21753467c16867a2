import { type MockOptions, mockProvider } from '@omega/core/testing';
import { EffectsFront } from './front.js';
import type { EffectHandlerRegistry } from './index.js';
import { METHODS } from './methods.js';

export type { MockOptions } from '@omega/core/testing';
export { type EmittedEvent, MockEventEmitter, type MockEventListener } from './event-emitter.js';

/** Options of {@link MockEffectHandlerRegistry}: `latencyMs` (added to `dispatch`, the one asynchronous method). */
export type MockEffectHandlerRegistryOptions = MockOptions;

/**
 * A scriptable effect handler registry for testing a runtime: it registers and dispatches like
 * {@link MemoryEffectHandlerRegistry}, records every call in `calls` (method, arguments, result or
 * error), and plays back `failNext`, `failOn`, `returnNext` (`returnNext('dispatch', { ok: false, error })`
 * scripts an effect's result without a handler) and `latencyMs`. Generated from the method table, like
 * every family's mock.
 */
export class MockEffectHandlerRegistry extends mockProvider<
  EffectHandlerRegistry,
  MockEffectHandlerRegistryOptions
>('MockEffectHandlerRegistry', METHODS, (_options, registry) => new EffectsFront({ registry })) {}
