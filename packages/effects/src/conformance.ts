import { type ConformanceOptions, describeConformance, type ProviderFixture } from '@omega/core/testing';
import * as vitest from 'vitest';
import { describeDispatchGroups } from './conformance-dispatch.js';
import { describeMiddlewareGroups } from './conformance-middleware.js';
import { describeRegistrationGroups } from './conformance-registration.js';
import type { EffectHandlerRegistry } from './index.js';
import { METHODS } from './methods.js';
import { KIND } from './rules.js';

/** What a conformance factory returns: a fresh, empty registry and how to dispose of it afterwards. */
export type EffectHandlerRegistryFixture<P extends EffectHandlerRegistry = EffectHandlerRegistry> =
  ProviderFixture<P>;

/** Options of {@link describeEffectHandlerRegistry}: `timeoutMs`, `skip` (`reopen` does not apply: nothing is stored). */
export type EffectHandlerRegistryConformanceOptions<P extends EffectHandlerRegistry = EffectHandlerRegistry> =
  ConformanceOptions<P>;

/**
 * The `EffectHandlerRegistry` contract as a vitest suite: registration and the op rule, tool names,
 * `dispatch` never rejecting for run-time failures (each with its code), deadlines and aborts, and the
 * middleware chain. Call it at the top level of a test file; `factory` must return a fresh, empty
 * registry for every test (the suite closes it, then calls `cleanup`).
 *
 * @example
 * describeEffectHandlerRegistry('memory', async () => ({ provider: new MemoryEffectHandlerRegistry() }));
 */
export function describeEffectHandlerRegistry<P extends EffectHandlerRegistry>(
  name: string,
  factory: () => Promise<EffectHandlerRegistryFixture<P>>,
  options: EffectHandlerRegistryConformanceOptions<P> = {},
): void {
  const suite = { family: 'EffectHandlerRegistry', kind: KIND, methods: METHODS };
  describeConformance(vitest, suite, name, factory, options, (context) => {
    describeRegistrationGroups(context);
    describeDispatchGroups(context);
    describeMiddlewareGroups(context);
  });
}
