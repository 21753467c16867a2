import { join } from 'node:path';
import { digestOf, type Val } from '@omega/core';
import { describeInjectedFaults } from '@omega/core/testing';
import * as vitest from 'vitest';
import { FilesystemProvenanceProvider } from '../src/filesystem.js';
import type { EvidenceInput } from '../src/index.js';
import { sampleInput } from '../src/methods.js';

// A fixed clock, so that what a fresh provider sees compares exactly with the fault-free run.
const now = () => 1_700_000_000_000;
const parent = sampleInput(1);
const child: EvidenceInput = { ...sampleInput(2), derivedFrom: [digestOf(parent as Val)] };
const observe = async (provider: FilesystemProvenanceProvider) => {
  const evidence = await provider.forSubject('claim-1');
  const links = await Promise.all(evidence.map((piece) => provider.lineage(piece.id)));
  return { count: await provider.count(), evidence, links };
};
const next = (provider: FilesystemProvenanceProvider) => provider.record(sampleInput(9));
const existing = async (provider: FilesystemProvenanceProvider) => {
  await provider.record(parent);
};

describeInjectedFaults(vitest, {
  kind: 'provenance',
  // snapshotEvery 1: every record and every close stores the index snapshot, so its writes fail in turn too.
  open: (root) => new FilesystemProvenanceProvider({ root, now, snapshotEvery: 1 }),
  paths: {
    'record to an empty log': { run: (p) => p.record(parent), observe, next },
    'record deriving from stored evidence': { prepare: existing, run: (p) => p.record(child), observe, next },
    'a burst of records deriving from each other': {
      run: (p) => Promise.all([p.record(parent), p.record(child)]),
      observe,
      next,
    },
    'record of stored evidence': { prepare: existing, run: (p) => p.record(parent), observe, next },
    // By a second provider, which the run closes (the harness observes the first one afterwards), and
    // whose snapshotEvery leaves the snapshot to its close.
    'close, storing the snapshot': {
      prepare: existing,
      run: async (_, dir) => {
        const other = new FilesystemProvenanceProvider({ root: join(dir, 'root'), now, snapshotEvery: 1000 });
        await other.record(child);
        await other.close();
      },
      observe,
      next,
    },
  },
});
