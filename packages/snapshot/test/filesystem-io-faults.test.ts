import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeInjectedFaults } from '@omega/core/testing';
import * as vitest from 'vitest';
import { sampleSnapshot } from '../src/conformance-fixtures.js';
import { FilesystemSnapshotProvider } from '../src/filesystem.js';

type P = FilesystemSnapshotProvider;
const exportFile = (dir: string) => join(dir, 'exports', 's.snapshot');
const observe = async (provider: P) => ({
  snapshot: await provider.load('s'),
  info: await provider.info('s'),
});
const next = (provider: P) => provider.save('s', sampleSnapshot(9));
const existing = (provider: P) => provider.save('s', sampleSnapshot(1));
// An export file of snapshot 2, with the store left without it (or, for overwrite, holding snapshot 1).
const exported = (keep: boolean) => async (provider: P, dir: string) => {
  await provider.save('s', sampleSnapshot(2));
  await provider.export('s', exportFile(dir));
  if (keep) await provider.save('s', sampleSnapshot(1));
  else await provider.delete('s');
};

describeInjectedFaults(vitest, {
  kind: 'snapshot',
  open: (root) => new FilesystemSnapshotProvider({ root }),
  paths: {
    'save of a new snapshot': { run: (p) => p.save('s', sampleSnapshot(2)), observe, next },
    'save over a snapshot': { prepare: existing, run: (p) => p.save('s', sampleSnapshot(2)), observe, next },
    delete: { prepare: existing, run: (p) => p.delete('s'), observe, next },
    export: {
      prepare: existing,
      run: (p, dir) => p.export('s', exportFile(dir)),
      observe: (_p, dir) => readFile(exportFile(dir), 'utf8').catch(() => null),
      next: (p, dir) => p.export('s', exportFile(dir)),
    },
    import: { prepare: exported(false), run: (p, dir) => p.import(exportFile(dir)), observe, next },
    'import with overwrite': {
      prepare: exported(true),
      run: (p, dir) => p.import(exportFile(dir), { overwrite: true }),
      observe,
      next,
    },
  },
});
