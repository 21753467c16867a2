import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyState, type MethodTable } from '@omega/core';
import type { MachineSnapshot, SnapshotProvider } from './index.js';

const snapshot = (): MachineSnapshot => ({ state: emptyState(), createdAt: 0 });

// An export file path for the samples: the generated groups only call export and import where they are
// refused first (after close, or with a bad name), so this file is never written or read.
const exportFile = (): string => join(tmpdir(), 'omega-snapshot-sample.snapshot');

/** Every method of {@link SnapshotProvider}: the source of the generated mock and conformance groups. */
export const METHODS = {
  list: { sample: () => [] },
  save: { name: 0, sample: (name) => [name, snapshot()] },
  load: { name: 0, sample: (name) => [name] },
  export: { name: 0, sample: (name) => [name, exportFile()] },
  import: { sample: () => [exportFile()] },
  delete: { name: 0, sample: (name) => [name] },
  info: { name: 0, sample: (name) => [name] },
} satisfies MethodTable<SnapshotProvider>;
