import { describeInjectedFaults } from '@omega/core/testing';
import * as vitest from 'vitest';
import { FilesystemGovernanceProvider } from '../src/filesystem.js';
import type { Reservation } from '../src/index.js';

// A fixed clock, so that what a fresh provider sees compares exactly with the fault-free run.
const now = () => 1_700_000_000_000;
const profile = { name: 'faults', caps: [], budget: { tokens: 100, cost: 1 } };
const observe = async (provider: FilesystemGovernanceProvider) => provider.report();
const next = async (provider: FilesystemGovernanceProvider) => provider.consumeBudget('tokens', 1);
const spend = async (provider: FilesystemGovernanceProvider) => {
  provider.consumeBudget('tokens', 1);
};
// What prepare reserved, by test directory, for the run to settle.
const held = new Map<string, Reservation>();
const reserve = async (provider: FilesystemGovernanceProvider, dir: string) => {
  held.set(dir, provider.reserve('tokens', 30)!);
};

describeInjectedFaults(vitest, {
  kind: 'budget',
  open: (root) => new FilesystemGovernanceProvider({ root, budget: 'b', profile, now }),
  paths: {
    'the first consume, creating the ledger': {
      run: async (p) => p.consumeBudget('tokens', 5),
      observe,
      next,
    },
    'a consume': { prepare: spend, run: async (p) => p.consumeBudget('cost', 0.5), observe, next },
    'a reserve': { prepare: spend, run: async (p) => p.reserve('tokens', 10), observe, next },
    'a commit': { prepare: reserve, run: async (_p, dir) => held.get(dir)!.commit(40), observe, next },
    'a release': {
      prepare: reserve,
      run: async (_p, dir) => held.get(dir)!.release('cancelled'),
      observe,
      next,
    },
    'a child': { prepare: spend, run: async (p) => p.child({ tokens: 5 }), observe, next },
    'a reset': { prepare: spend, run: async (p) => p.reset(), observe, next },
  },
});
