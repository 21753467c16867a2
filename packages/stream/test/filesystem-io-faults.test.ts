import { describeInjectedFaults } from '@omega/core/testing';
import * as vitest from 'vitest';
import { collectChunks } from '../src/conformance.js';
import { FilesystemStreamProvider } from '../src/filesystem.js';

// A fixed clock, so that what a fresh provider sees compares exactly with the fault-free run.
const now = () => 1_700_000_000_000;
const observe = async (provider: FilesystemStreamProvider) => {
  const infos = await provider.list();
  const chunks = await Promise.all(infos.map((info) => collectChunks(provider, info.id)));
  return { infos, chunks };
};
const next = async (provider: FilesystemStreamProvider) => {
  await provider.create('next');
  await provider.append('next', 'after');
};
const existing = async (provider: FilesystemStreamProvider) => {
  await provider.create('s', { model: 'm' });
  await provider.append('s', 'a');
};

describeInjectedFaults(vitest, {
  kind: 'stream',
  open: (root) => new FilesystemStreamProvider({ root, now }),
  paths: {
    create: { run: (p) => p.create('s', { model: 'm' }), observe, next },
    'append of a first chunk': {
      prepare: (p) => p.create('s').then(() => undefined),
      run: (p) => p.append('s', 'first'),
      observe,
      next,
    },
    'append after others': {
      prepare: existing,
      run: (p) => p.append('s', 'b', { expectedIndex: 1 }),
      observe,
      next,
    },
    end: { prepare: existing, run: (p) => p.end('s'), observe, next },
    cancel: { prepare: existing, run: (p) => p.cancel('s', 'gone'), observe, next },
    delete: { prepare: existing, run: (p) => p.delete('s'), observe, next },
    prune: { prepare: existing, run: (p) => p.prune({ olderThanMs: 0 }), observe, next },
  },
});
