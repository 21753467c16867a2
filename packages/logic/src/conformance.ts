import { type ConformanceOptions, describeConformance, type ProviderFixture } from '@omega/core/testing';
import * as vitest from 'vitest';
import { describeFactGroups } from './conformance-facts.js';
import { describeReasoningGroups } from './conformance-reasoning.js';
import type { LogicProvider } from './index.js';
import { METHODS } from './methods.js';
import { KIND } from './rules.js';

/** What a conformance factory returns: a fresh, empty provider and how to dispose of it afterwards. */
export type LogicProviderFixture<P extends LogicProvider = LogicProvider> = ProviderFixture<P>;

/**
 * Options of {@link describeLogicProvider}: `reopen` (another provider over the same fact base: enables
 * the persistence group), `timeoutMs`, `skip`.
 */
export type LogicConformanceOptions<P extends LogicProvider = LogicProvider> = ConformanceOptions<P>;

/**
 * The `LogicProvider` contract as a vitest suite: the seed's facts and rules, natural language kept as
 * written, s-expression syntax and its errors, queries over derived facts, explanations, retraction,
 * search, signatures and persistence. Call it at the top level of a test file; `factory` must return a
 * fresh, empty provider for every test (the suite closes it, then calls `cleanup`).
 *
 * @example
 * describeLogicProvider('memory', async () => ({ provider: new MemoryLogicProvider() }));
 */
export function describeLogicProvider<P extends LogicProvider>(
  name: string,
  factory: () => Promise<LogicProviderFixture<P>>,
  options: LogicConformanceOptions<P> = {},
): void {
  const suite = { family: 'LogicProvider', kind: KIND, methods: METHODS };
  describeConformance(vitest, suite, name, factory, options, (context) => {
    describeFactGroups(context, options.reopen !== undefined);
    describeReasoningGroups(context);
  });
}
