import { describeInjectedFaults } from '@omega/core/testing';
import * as vitest from 'vitest';
import { FilesystemArtifactProvider } from '../src/filesystem.js';
import { key } from './helpers.js';

// A fixed clock, so that what a fresh provider sees compares exactly with the fault-free run.
const now = () => 1_700_000_000_000;
const observe = async (cache: FilesystemArtifactProvider) => ({
  value: cache.get(key('e')),
  other: cache.get(key('e', 'd1')),
  signature: cache.signature(),
});
const next = async (cache: FilesystemArtifactProvider) => cache.put(key('e'), 'next', {});
const existing = async (cache: FilesystemArtifactProvider) => {
  cache.put(key('e'), 'old', {});
  cache.put(key('e', 'd1'), 'other', {});
};

describeInjectedFaults(vitest, {
  kind: 'artifact',
  open: (root) => new FilesystemArtifactProvider({ root, now, accessResolutionMs: 0 }),
  paths: {
    'put of a new expression': { run: async (p) => p.put(key('e'), 'new', {}), observe, next },
    'put of another variant': {
      prepare: existing,
      run: async (p) => p.put(key('e', 'd2'), 'new', {}),
      observe,
      next,
    },
    'a hit writing its access': { prepare: existing, run: async (p) => p.get(key('e')), observe, next },
    clearByExpr: { prepare: existing, run: async (p) => p.clearByExpr('e'), observe, next },
    clear: { prepare: existing, run: async (p) => p.clear(), observe, next },
    prune: {
      prepare: async (p) => {
        await existing(p);
        p.put(key('e'), 'replacing old', {});
      },
      run: async (p) => p.prune(),
      observe,
      next,
    },
  },
});
