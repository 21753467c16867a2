import { describeInjectedFaults } from '@omega/core/testing';
import * as vitest from 'vitest';
import { FilesystemProvenanceProvider } from '../src/filesystem.js';
import { record } from './helpers.js';

// TODO(seed): every write path of the family, by title: each filesystem call of each fails in turn
// (`EIO`, `ENOSPC`, `EACCES`, `EMFILE`) and each write comes up short.

// A fixed clock, so that what a fresh provider sees compares exactly with the fault-free run.
const now = () => 1_700_000_000_000;
const observe = async (provider: FilesystemProvenanceProvider) => ({
  record: await provider.get('r'),
  names: await provider.list(),
});
const next = (provider: FilesystemProvenanceProvider) => provider.put('r', record('next'));
const existing = (provider: FilesystemProvenanceProvider) => provider.put('r', record('old'));

describeInjectedFaults(vitest, {
  kind: 'provenance',
  open: (root) => new FilesystemProvenanceProvider({ root, now }),
  paths: {
    'put of a new record': { run: (p) => p.put('r', record('new')), observe, next },
    'put over a record': { prepare: existing, run: (p) => p.put('r', record('new')), observe, next },
    delete: { prepare: existing, run: (p) => p.delete('r'), observe, next },
  },
});
