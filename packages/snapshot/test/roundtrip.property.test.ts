import { join } from 'node:path';
import { CheckedParts, digestOf, encode, NameSchema } from '@omega/core';
import { assertSameValue } from '@omega/core/testing';
import { arbitraryOf, createTempDir, removeTempDir } from '@omega/test-kit';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FilesystemSnapshotProvider } from '../src/filesystem.js';
import { type MachineSnapshot, MachineSnapshotSchema, type SnapshotProvider } from '../src/index.js';
import { MemorySnapshotProvider } from '../src/memory.js';
import { MockSnapshotProvider } from '../src/mock.js';

const RUNS = { seed: 42, numRuns: 50 };
// From the family's own schema. Its custom parts and name schema are those of the built core it imports,
// which the kit (reading core's source) knows only when given them.
const snapshots = arbitraryOf(MachineSnapshotSchema, { parts: [CheckedParts], names: [NameSchema] });

it('generates only snapshots the schema takes', () => {
  fc.assert(
    fc.property(snapshots, (snapshot) => {
      expect(MachineSnapshotSchema.safeParse(snapshot).error).toBeUndefined();
    }),
    RUNS,
  );
});

describe('property: arbitrary snapshots round-trip exactly', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await createTempDir('omega-snapshot-property-');
  });

  afterEach(async () => {
    await removeTempDir(dir);
  });

  const backends: Record<string, () => SnapshotProvider> = {
    memory: () => new MemorySnapshotProvider(),
    filesystem: () => new FilesystemSnapshotProvider({ root: join(dir, 'root') }),
    mock: () => new MockSnapshotProvider(),
  };

  for (const [backend, create] of Object.entries(backends)) {
    it(`save then load on ${backend}`, async () => {
      const provider = create();
      await fc.assert(
        fc.asyncProperty(snapshots, async (snapshot) => {
          const expected = encode(snapshot);
          await provider.save('p', snapshot);
          const loaded = (await provider.load('p')) as MachineSnapshot;
          expect(encode(loaded)).toBe(expected);
          assertSameValue(loaded, snapshot);
          expect(await provider.info('p')).toEqual({
            name: 'p',
            createdAt: snapshot.createdAt,
            size: Buffer.byteLength(encode(loaded), 'utf8'),
            digest: digestOf(snapshot),
          });
        }),
        RUNS,
      );
      await provider.close();
    });
  }

  it('export from memory then import into filesystem', async () => {
    const memory = new MemorySnapshotProvider();
    const filesystem = new FilesystemSnapshotProvider({ root: join(dir, 'root') });
    const file = join(dir, 'p.snapshot');
    await fc.assert(
      fc.asyncProperty(snapshots, async (snapshot) => {
        await memory.save('p', snapshot);
        await memory.export('p', file);
        const imported = await filesystem.import(file, { overwrite: true });
        expect(encode(imported.snapshot)).toBe(encode(snapshot));
        expect(await filesystem.info('p')).toEqual(await memory.info('p'));
      }),
      { seed: 42, numRuns: 25 },
    );
  });
});
