import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyState, type MethodTable } from '@omega/core';
import type { MachineSnapshot, SnapshotProvider } from './index.js';

const snapshot = (): MachineSnapshot => ({ state: emptyState(), createdAt: 0 });

// An import file for the samples: the generated groups only call import where it is refused first (after
// close), so this file is never read.
const exportFile = (): string => join(tmpdir(), 'omega-snapshot-sample.snapshot');

/** Every method of {@link SnapshotProvider}: the source of the generated mock and conformance groups. */
export const METHODS = {
  list: { sample: () => [] },
  save: { name: 0, sample: (name) => [name, snapshot()] },
  load: { name: 0, sample: (name) => [name] },
  // An empty path, refused after the name and the snapshot are checked: a generated group that saves a
  // snapshot before exporting it (names a plain object has) writes no file.
  export: { name: 0, sample: (name) => [name, ''] },
  import: { sample: () => [exportFile()] },
  delete: { name: 0, sample: (name) => [name] },
  info: { name: 0, sample: (name) => [name] },
} satisfies MethodTable<SnapshotProvider>;
