import { describeInjectedFaults } from '@omega/core/testing';
import * as vitest from 'vitest';
import { StreamingTraceProvider } from '../src/filesystem.js';
import { queryAll } from './helpers.js';

// A fixed clock, so that what a fresh provider sees compares exactly with the fault-free run; the writer
// (random per provider) is left out of what is compared.
const now = () => 1_700_000_000_000;
const observe = async (provider: StreamingTraceProvider) =>
  (await queryAll(provider)).map(({ runId, kind, seq, data }) => ({ runId, kind, seq, data }));
const recordAndFlush = async (provider: StreamingTraceProvider, kind: string) => {
  for (let i = 0; i < 3; i++) provider.record({ runId: 'run', kind, data: { i, text: 'x'.repeat(400) } });
  await provider.flush();
};
const next = (provider: StreamingTraceProvider) => recordAndFlush(provider, 'next');

describeInjectedFaults(vitest, {
  kind: 'trace',
  open: (root) => new StreamingTraceProvider({ root, now, durable: true, maxFileBytes: 4096 }),
  paths: {
    'the first flush of a run': { run: (p) => recordAndFlush(p, 'new'), observe, next },
    'a flush into an open file': {
      prepare: (p) => recordAndFlush(p, 'old'),
      run: (p) => recordAndFlush(p, 'new'),
      observe,
      next,
    },
    'a flush that starts a new file': {
      prepare: async (p) => {
        for (let i = 0; i < 3; i++) await recordAndFlush(p, 'old');
      },
      run: (p) => recordAndFlush(p, 'new'),
      observe,
      next,
    },
    'a clear of a run': {
      prepare: (p) => recordAndFlush(p, 'old'),
      run: (p) => p.clear('run'),
      observe,
      next,
    },
  },
});
