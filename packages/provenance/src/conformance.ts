import {
  type ConformanceOptions,
  describeConformance,
  type NamedRecords,
  type ProviderFixture,
  rejectionOf,
} from '@omega/core/testing';
import * as vitest from 'vitest';
import { expect, it } from 'vitest';
import type { ProvenanceProvider, ProvenanceRecord } from './index.js';
import { METHODS } from './methods.js';
import { KIND } from './rules.js';

/** What a conformance factory returns: a fresh, empty provider and how to dispose of it afterwards. */
export type ProvenanceProviderFixture<P extends ProvenanceProvider = ProvenanceProvider> = ProviderFixture<P>;

/** Options of {@link describeProvenanceProvider}: `reopen`, `timeoutMs`, `skip` (and the family's own, if any). */
export type ProvenanceConformanceOptions<P extends ProvenanceProvider = ProvenanceProvider> =
  ConformanceOptions<P>;

// TODO(seed): the adapters that fit the seed's interface: this `NamedRecords` one (with `withValue`, one
// builder per place a record holds a caller value), or a `LogRecords` one (`logs: LOGS`) for an
// append-only family. They drive the groups every family gets; see CONTRIBUTING.md, "Tests: what the
// scaffold and core already check".
const RECORDS: NamedRecords<ProvenanceProvider, ProvenanceRecord> = {
  record: (seed) => sampleRecord(`seed ${seed}`),
  save: (provider, name, record) => provider.put(name, record),
  load: (provider, name) => provider.get(name),
  delete: (provider, name) => provider.delete(name),
  names: (provider) => provider.list(),
  withValue: {
    'the value': (value) => ({ value }),
    'a nested value': (value) => ({ value: { list: [1, value] } }),
  },
};

/**
 * The `ProvenanceProvider` contract as a vitest suite. Call it at the top level of a test file; `factory` must
 * return a fresh, empty provider for every test (the suite closes it, then calls `cleanup`).
 *
 * @example
 * describeProvenanceProvider('memory', async () => ({ provider: new MemoryProvenanceProvider() }));
 */
export function describeProvenanceProvider<P extends ProvenanceProvider>(
  name: string,
  factory: () => Promise<ProvenanceProviderFixture<P>>,
  options: ProvenanceConformanceOptions<P> = {},
): void {
  const suite = { family: 'ProvenanceProvider', kind: KIND, methods: METHODS, records: RECORDS };
  describeConformance(vitest, suite, name, factory, options, ({ provider: current, group }) => {
    // TODO(seed): the family's own rules, one group each (versions, digests, infos, ...), comparing stored
    // values with `assertSameValue`. What the scaffold and core check (close, the name rule, listing,
    // deletes, values, persistence) is not repeated here.
    group('shape at put', () => {
      const shapes: Array<[string, unknown, string]> = [
        ['no record', null, '$'],
        ['an array', [1], '$'],
        ['a record without a value', {}, 'value'],
      ];
      for (const [label, record, path] of shapes) {
        it(`rejects ${label}, naming the record and the path, storing nothing`, async () => {
          const error = await rejectionOf(
            () => current().put('shape', record as ProvenanceRecord),
            'INVALID_ARGUMENT',
          );
          expect(error.details).toMatchObject({ kind: KIND, name: 'shape' });
          expect(String(error.details.path)).toContain(path);
          expect(await current().get('shape')).toBeNull();
        });
      }
    });
  });
}

function sampleRecord(tag: string): ProvenanceRecord {
  return { value: { tag, list: [1, 'two', { three: true }] } };
}
