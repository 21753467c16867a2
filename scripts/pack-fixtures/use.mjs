// Runs the first three families' filesystem backends from the packed tarballs: save, load, list,
// export/import. Every family's backends are built from the family list in the generated all.mjs and all.cjs.
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { emptyState } from '@omega/core';
import { FilesystemSessionProvider } from '@omega/session/filesystem';
import { FilesystemSnapshotProvider } from '@omega/snapshot/filesystem';

const require = createRequire(import.meta.url);
const { FilesystemStateProvider } = require('@omega/state/filesystem');
const work = await mkdtemp(path.join(tmpdir(), 'omega-consumer-'));
// The store's root, and beside it the export file: an export inside the store's root is refused.
const root = path.join(work, 'store');
try {
  const sessions = new FilesystemSessionProvider({ root });
  await sessions.save('s', { state: emptyState(), meta: { big: 2n ** 70n } }, { expectedVersion: 0 });
  const loaded = await sessions.load('s');
  if (loaded?.meta.big !== 2n ** 70n) throw new Error('session round trip failed');
  const states = new FilesystemStateProvider({ root });
  await states.saveState('x', states.createState());
  if ((await states.listStates()).join() !== 'x') throw new Error('state list failed');
  const snapshots = new FilesystemSnapshotProvider({ root });
  await snapshots.save('snap', { state: emptyState(), createdAt: 1 });
  await snapshots.export('snap', path.join(work, 'out', 'snap.jsonl'));
  const replica = new FilesystemSnapshotProvider({ root: path.join(work, 'replica') });
  const { name } = await replica.import(path.join(work, 'out', 'snap.jsonl'));
  if (name !== 'snap') throw new Error('snapshot import failed');
  await Promise.all([sessions.close(), states.close(), snapshots.close(), replica.close()]);
  console.log('use: filesystem backends work from the tarballs (ESM and CommonJS)');
} finally {
  await rm(work, { recursive: true, force: true });
}
