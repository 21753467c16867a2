import { describeInjectedFaults } from '@omega/core/testing';
import * as vitest from 'vitest';
import { FilesystemSessionProvider } from '../src/filesystem.js';
import { session } from './helpers.js';

// A fixed clock, so that what a fresh provider sees compares exactly with the fault-free run.
const now = () => 1_700_000_000_000;
const observe = async (provider: FilesystemSessionProvider) => ({
  data: await provider.load('s'),
  info: await provider.info('s'),
});
const next = (provider: FilesystemSessionProvider) => provider.save('s', session('next'));
const existing = async (provider: FilesystemSessionProvider) => provider.save('s', session('old'));

describeInjectedFaults(vitest, {
  kind: 'session',
  open: (root) => new FilesystemSessionProvider({ root, now }),
  paths: {
    'save of a new session': { run: (p) => p.save('s', session('new')), observe, next },
    'save over a session': { prepare: existing, run: (p) => p.save('s', session('new')), observe, next },
    'save with expectedVersion': {
      prepare: existing,
      run: (p) => p.save('s', session('new'), { expectedVersion: 1 }),
      observe,
      next,
    },
    delete: { prepare: existing, run: (p) => p.delete('s'), observe, next },
    'delete with expectedVersion': {
      prepare: existing,
      run: (p) => p.delete('s', { expectedVersion: 1 }),
      observe,
      next,
    },
  },
});
