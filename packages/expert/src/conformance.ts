import { NotFoundError } from '@omega/core';
import {
  type ConformanceOptions,
  describeConformance,
  type NamedRecords,
  type ProviderFixture,
} from '@omega/core/testing';
import * as vitest from 'vitest';
import { describeFindGroup } from './conformance-find.js';
import { describeRegistrationGroups } from './conformance-registration.js';
import type { Expert, ExpertProvider } from './index.js';
import { METHODS } from './methods.js';
import { KIND } from './rules.js';

/** What a conformance factory returns: a fresh, empty registry and how to dispose of it afterwards. */
export type ExpertProviderFixture<P extends ExpertProvider = ExpertProvider> = ProviderFixture<P>;

/** Options of {@link describeExpertProvider}: `timeoutMs`, `skip` (`reopen` where registrations outlive the object). */
export type ExpertConformanceOptions<P extends ExpertProvider = ExpertProvider> = ConformanceOptions<P>;

/** An expert as the shared record groups see it: everything but the name, which they choose. */
type Unnamed = Omit<Expert, 'name'>;

// Records are saved with `replace: true`: the shared groups save a name again to replace it.
const RECORDS: NamedRecords<ExpertProvider, Unnamed> = {
  record: (seed) => ({
    description: `expert ${seed}`,
    instructions: `Answer as expert ${seed}.`,
    tools: ['read', `tool-${seed}`],
    tags: [`tag-${seed % 3}`],
    temperature: (seed % 5) / 5,
  }),
  save: async (provider, name, record) => provider.register({ ...record, name }, { replace: true }),
  load: async (provider, name) => {
    const expert = provider.get(name);
    if (expert === undefined) return null;
    const { name: _name, ...rest } = expert;
    return rest;
  },
  delete: async (provider, name) => {
    if (!provider.unregister(name)) {
      throw new NotFoundError(`expert "${name}" is not registered`, { details: { kind: KIND, name } });
    }
  },
  names: async (provider) => provider.list().map((expert) => expert.name),
  withValue: {
    examples: (value) => ({ description: 'd', instructions: 'i', examples: ['first', value] }),
    meta: (value) => ({ description: 'd', instructions: 'i', meta: { value } }),
  },
};

/**
 * The `ExpertProvider` contract as a vitest suite: registration and its validation, copies in and out,
 * and ranked search. Call it at the top level of a test file; `factory` must return a fresh, empty
 * registry for every test (`new DefaultExpertProvider({ builtins: false })`); the suite closes it, then
 * calls `cleanup`.
 *
 * @example
 * describeExpertProvider('memory', async () => ({ provider: new DefaultExpertProvider({ builtins: false }) }));
 */
export function describeExpertProvider<P extends ExpertProvider>(
  name: string,
  factory: () => Promise<ExpertProviderFixture<P>>,
  options: ExpertConformanceOptions<P> = {},
): void {
  const suite = { family: 'ExpertProvider', kind: KIND, methods: METHODS, records: RECORDS };
  describeConformance(vitest, suite, name, factory, options, (context) => {
    describeRegistrationGroups(context);
    describeFindGroup(context);
  });
}
