import { emptyState, type State } from '@omega/core';
import { describeInjectedFaults } from '@omega/core/testing';
import * as vitest from 'vitest';
import { FilesystemStateProvider } from '../src/filesystem.js';

// A fixed clock, so that what a fresh provider sees compares exactly with the fault-free run.
const now = () => 1_700_000_000_000;
const state = (tag: string): State => ({
  ...emptyState(),
  control: ['eval', tag],
  store: { a: tag },
  step: 1,
});
const observe = async (provider: FilesystemStateProvider) => ({
  state: await provider.loadState('s'),
  ids: await provider.listStates(),
});
const next = (provider: FilesystemStateProvider) => provider.saveState('s', state('next'));
const existing = (provider: FilesystemStateProvider) => provider.saveState('s', state('old'));

describeInjectedFaults(vitest, {
  kind: 'state',
  open: (root) => new FilesystemStateProvider({ root, now }),
  paths: {
    'saveState of a new id': { run: (p) => p.saveState('s', state('new')), observe, next },
    'saveState over a state': {
      prepare: existing,
      run: (p) => p.saveState('s', state('new')),
      observe,
      next,
    },
    deleteState: { prepare: existing, run: (p) => p.deleteState('s'), observe, next },
  },
});
