import { join } from 'node:path';
import { encode } from '@omega/core';
import { createTempDir, removeTempDir } from '@omega/test-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exoticSnapshot } from '../src/conformance-fixtures.js';
import { FilesystemSnapshotProvider } from '../src/filesystem.js';
import type { MachineSnapshot, SnapshotProvider } from '../src/index.js';
import { MemorySnapshotProvider } from '../src/memory.js';
import { MockSnapshotProvider } from '../src/mock.js';

type Backend = 'memory' | 'filesystem' | 'mock';
const backends: Backend[] = ['memory', 'filesystem', 'mock'];

describe('export from one backend, import into another', () => {
  let dir: string;
  let stores = 0;

  beforeEach(async () => {
    dir = await createTempDir('omega-snapshot-transfer-');
    stores = 0;
  });

  afterEach(async () => {
    await removeTempDir(dir);
  });

  /** A fresh store of `backend`; filesystem stores each get their own root. */
  function create(backend: Backend): SnapshotProvider {
    stores += 1;
    if (backend === 'filesystem')
      return new FilesystemSnapshotProvider({ root: join(dir, `root-${stores}`) });
    return backend === 'memory' ? new MemorySnapshotProvider() : new MockSnapshotProvider();
  }

  for (const from of backends) {
    for (const to of backends) {
      it(`${from} → ${to}`, async () => {
        const source = create(from);
        const target = create(to);
        const snapshot = exoticSnapshot();
        const file = join(dir, 'transfer', `${from}-${to}.snapshot`);
        await source.save('travelling', snapshot);
        await source.export('travelling', file);
        const imported = await target.import(file);
        expect(imported.name).toBe('travelling');
        expect(encode(imported.snapshot)).toBe(encode(snapshot));
        expect(encode((await target.load('travelling')) as MachineSnapshot)).toBe(encode(snapshot));
        expect(await target.info('travelling')).toEqual(await source.info('travelling'));
        await source.close();
        await target.close();
      });
    }
  }
});
