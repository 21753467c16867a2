import { access, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { digestOf, encode, type Val } from '@omega/core';
import {
  assertSameValue,
  type ConformanceOptions,
  describeConformance,
  editFramedFile,
  mutateDeeply,
  type NamedRecords,
  type ProviderFixture,
  readFramedText,
  rejectionOf,
  VALID_EDGE_NAMES,
} from '@omega/core/testing';
import * as vitest from 'vitest';
import { describe, expect, it } from 'vitest';
import { changeSampleValue, exoticSnapshot, sampleSnapshot } from './conformance-fixtures.js';
import { emptyState, type MachineSnapshot, type SnapshotProvider } from './index.js';
import { METHODS } from './methods.js';
import { KIND } from './rules.js';

/** What a conformance factory returns: a fresh, empty provider and how to dispose of it afterwards. */
export type SnapshotProviderFixture<P extends SnapshotProvider = SnapshotProvider> = ProviderFixture<P>;

/** Options of {@link describeSnapshotProvider}: `timeoutMs`, `reopen` and `skip`. */
export interface SnapshotConformanceOptions<P extends SnapshotProvider = SnapshotProvider>
  extends ConformanceOptions<P> {}

/** The shared groups store sample snapshots told apart by their step, and values in each part of a state. */
const RECORDS: NamedRecords<SnapshotProvider, MachineSnapshot> = {
  record: sampleSnapshot,
  save: (provider, name, snapshot) => provider.save(name, snapshot),
  load: (provider, name) => provider.load(name),
  delete: (provider, name) => provider.delete(name),
  names: async (provider) => (await provider.list()).map((info) => info.name),
  info: { one: (provider, name) => provider.info(name), all: (provider) => provider.list() },
  withValue: {
    control: (value) => withState({ control: value }),
    'a store entry': (value) => withStored('value', value),
    'a kont frame': (value) => withState({ kont: [value] }),
  },
};

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/** A copy of the sample snapshot with `value` put into its store under `key`. */
function withStored(key: string, value: Val): MachineSnapshot {
  const snapshot = sampleSnapshot();
  snapshot.state.store[key] = value;
  return snapshot;
}

/** A copy of the sample snapshot with parts of its state replaced. */
function withState(patch: Partial<MachineSnapshot['state']>): MachineSnapshot {
  const snapshot = sampleSnapshot();
  return { ...snapshot, state: { ...snapshot.state, ...patch } };
}

/**
 * The `SnapshotProvider` contract as a vitest suite. Every backend (and any third-party one) runs it at the
 * top level of a test file; `factory` must return a fresh, empty provider for every test (the suite closes
 * it, then calls `cleanup`). Pass `reopen` when the snapshots outlive the provider object.
 *
 * @example
 * describeSnapshotProvider('memory', async () => ({ provider: new MemorySnapshotProvider() }));
 */
export function describeSnapshotProvider<P extends SnapshotProvider>(
  name: string,
  factory: () => Promise<SnapshotProviderFixture<P>>,
  options: SnapshotConformanceOptions<P> = {},
): void {
  const suite = { family: 'SnapshotProvider', kind: KIND, methods: METHODS, records: RECORDS };
  describeConformance(
    vitest,
    suite,
    name,
    factory,
    options,
    ({ provider: current, fresh, tempDir, group }) => {
      group('info and digests', () => {
        it('replaces the info too when a snapshot is saved again under the same name', async () => {
          await current().save('s', sampleSnapshot(1));
          await current().save('s', sampleSnapshot(2));
          assertSameValue(await current().load('s'), sampleSnapshot(2));
          expect(await current().info('s')).toMatchObject({ createdAt: sampleSnapshot(2).createdAt });
          expect(await current().list()).toHaveLength(1);
        });

        it('reports createdAt, size and digest of the stored snapshot', async () => {
          const snapshot = sampleSnapshot(4);
          await current().save('s', snapshot);
          const loaded = await current().load('s');
          expect(loaded).not.toBeNull();
          expect(await current().info('s')).toStrictEqual({
            name: 's',
            createdAt: snapshot.createdAt,
            size: Buffer.byteLength(encode(loaded as MachineSnapshot), 'utf8'),
            digest: digestOf(snapshot),
          });
        });

        it('keeps an optional field absent when it was left out', async () => {
          const snapshot: MachineSnapshot = { state: emptyState(), createdAt: 0 };
          await current().save('bare', snapshot);
          const loaded = await current().load('bare');
          assertSameValue(loaded, snapshot);
          expect(loaded && 'label' in loaded).toBe(false);
          expect(loaded && 'parent' in loaded).toBe(false);
        });

        it('gives equal snapshots equal digests whatever their key order, and different ones different', async () => {
          const snapshot = sampleSnapshot();
          const reordered: MachineSnapshot = {
            label: snapshot.label,
            createdAt: snapshot.createdAt,
            state: {
              status: snapshot.state.status,
              step: snapshot.state.step,
              kont: snapshot.state.kont,
              store: Object.fromEntries(Object.entries(snapshot.state.store).reverse()),
              env: Object.fromEntries(Object.entries(snapshot.state.env).reverse()),
              control: snapshot.state.control,
            },
          };
          await current().save('one', snapshot);
          await current().save('two', reordered);
          await current().save('three', withStored('counter', 1));
          const [one, two, three] = await Promise.all(['one', 'two', 'three'].map((n) => current().info(n)));
          expect(one?.digest).toBe(two?.digest);
          expect(one?.digest).not.toBe(three?.digest);
        });

        it('keeps every kind of value, and the digest of what loads, exactly', async () => {
          const snapshot = exoticSnapshot();
          await current().save('exotic', snapshot);
          const loaded = (await current().load('exotic')) as MachineSnapshot;
          expect(encode(loaded)).toBe(encode(snapshot));
          expect(digestOf(loaded)).toBe((await current().info('exotic'))?.digest);
        });
      });

      group('export and import', () => {
        it('round-trips a snapshot through an export file', async () => {
          const snapshot = exoticSnapshot();
          const file = join(await tempDir(), 'exotic.snapshot');
          await current().save('exotic', snapshot);
          const before = await current().info('exotic');
          await current().export('exotic', file);
          await current().delete('exotic');
          const imported = await current().import(file);
          expect(imported.name).toBe('exotic');
          assertSameValue(imported.snapshot, snapshot);
          expect(await current().info('exotic')).toStrictEqual(before);
          assertSameValue(await current().load('exotic'), snapshot);
        });

        it('writes one self-describing file in the shared export format', async () => {
          const snapshot = sampleSnapshot(5);
          const dir = await tempDir();
          const file = join(dir, 'sample.snapshot');
          await current().save('sample', snapshot);
          await current().export('sample', file);
          const { header } = await readFramedText(file);
          expect(header).toMatchObject({
            format: 'omega.snapshot-export',
            version: 1,
            name: 'sample',
            createdAt: snapshot.createdAt,
            digest: digestOf(snapshot),
            bodyBytes: (await current().info('sample'))?.size,
          });
          expect(await readdir(dir)).toStrictEqual(['sample.snapshot']);
        });

        it('imports into a second, fresh store', async () => {
          const file = join(await tempDir(), 'moved.snapshot');
          await current().save('moved', sampleSnapshot(3));
          await current().export('moved', file);
          const second = await fresh();
          assertSameValue(await second.import(file), { name: 'moved', snapshot: sampleSnapshot(3) });
          assertSameValue(await second.load('moved'), sampleSnapshot(3));
          expect(await second.info('moved')).toStrictEqual(await current().info('moved'));
        });

        it('creates missing parent directories of the export path', async () => {
          const file = join(await tempDir(), 'a', 'b', 'c', 'deep.snapshot');
          await current().save('deep', sampleSnapshot());
          await current().export('deep', file);
          await current().delete('deep');
          assertSameValue((await current().import(file)).snapshot, sampleSnapshot());
        });

        it('replaces an existing file at the export path', async () => {
          const dir = await tempDir();
          const file = join(dir, 'again.snapshot');
          await current().save('again', sampleSnapshot(1));
          await current().export('again', file);
          await current().save('again', sampleSnapshot(2));
          await current().export('again', file);
          await current().delete('again');
          assertSameValue((await current().import(file)).snapshot, sampleSnapshot(2));
          expect(await readdir(dir)).toStrictEqual(['again.snapshot']);
        });

        it('rejects exporting a missing snapshot with NotFoundError and writes nothing', async () => {
          const file = join(await tempDir(), 'none.snapshot');
          const error = await rejectionOf(() => current().export('missing', file), 'NOT_FOUND');
          expect(error.details).toMatchObject({ kind: 'snapshot', name: 'missing' });
          expect(await exists(file)).toBe(false);
        });

        it('rejects importing a missing file with NotFoundError naming the file', async () => {
          const file = join(await tempDir(), 'absent.snapshot');
          const error = await rejectionOf(() => current().import(file), 'NOT_FOUND');
          expect(error.details).toMatchObject({ file });
        });

        it('rejects an empty path with InvalidArgumentError', async () => {
          await current().save('s', sampleSnapshot());
          await rejectionOf(() => current().export('s', ''), 'INVALID_ARGUMENT');
          await rejectionOf(() => current().import(''), 'INVALID_ARGUMENT');
        });

        it('treats importing the same digest again as a no-op', async () => {
          const file = join(await tempDir(), 'same.snapshot');
          await current().save('same', sampleSnapshot());
          await current().export('same', file);
          const before = await current().list();
          assertSameValue(await current().import(file), { name: 'same', snapshot: sampleSnapshot() });
          expect(await current().list()).toStrictEqual(before);
        });

        it('rejects importing over a different snapshot with AlreadyExistsError unless overwrite is set', async () => {
          const file = join(await tempDir(), 'theirs.snapshot');
          await current().save('shared', sampleSnapshot(1));
          await current().export('shared', file);
          await current().save('shared', sampleSnapshot(2));
          const error = await rejectionOf(() => current().import(file), 'ALREADY_EXISTS');
          expect(error.details).toMatchObject({ kind: 'snapshot', name: 'shared', file });
          assertSameValue(await current().load('shared'), sampleSnapshot(2));
          await rejectionOf(() => current().import(file, { overwrite: false }), 'ALREADY_EXISTS');
          assertSameValue(await current().import(file, { overwrite: true }), {
            name: 'shared',
            snapshot: sampleSnapshot(1),
          });
          assertSameValue(await current().load('shared'), sampleSnapshot(1));
          expect((await current().info('shared'))?.digest).toBe(digestOf(sampleSnapshot(1)));
        });

        describe('rejects a damaged export file with CorruptDataError naming it, storing nothing', () => {
          const damages: Array<{ label: string; damage: (file: string) => Promise<void> }> = [
            {
              label: 'a value changed in the body, JSON still valid',
              damage: changeSampleValue,
            },
            {
              label: 'the digest changed',
              damage: (file) =>
                editFramedFile(file, (doc) => ({
                  ...doc,
                  header: { ...doc.header, digest: '0'.repeat(64) },
                })),
            },
            {
              label: 'createdAt changed in the header',
              damage: (file) =>
                editFramedFile(file, (doc) => ({ ...doc, header: { ...doc.header, createdAt: 5 } })),
            },
            {
              label: 'the body truncated',
              damage: (file) =>
                editFramedFile(file, (doc) => ({ ...doc, body: doc.body.slice(0, doc.body.length >> 1) })),
            },
            {
              label: 'the file cut in half',
              damage: async (file) => {
                const bytes = await readFile(file);
                await writeFile(file, bytes.subarray(0, bytes.length >> 1));
              },
            },
            {
              label: 'the body replaced by a valid value of the wrong shape',
              damage: (file) =>
                editFramedFile(file, (doc) => ({ ...doc, body: '{"state":null,"createdAt":1700000000001}' })),
            },
            {
              label: 'a wrong format tag',
              damage: (file) =>
                editFramedFile(file, (doc) => ({
                  ...doc,
                  header: { ...doc.header, format: 'omega.snapshot' },
                })),
            },
            {
              label: 'a newer format version',
              damage: (file) =>
                editFramedFile(file, (doc) => ({ ...doc, header: { ...doc.header, version: 2 } })),
            },
            {
              label: 'the embedded name changed to "../x"',
              damage: (file) =>
                editFramedFile(file, (doc) => ({ ...doc, header: { ...doc.header, name: '../x' } })),
            },
            {
              label: 'not a framed file at all',
              damage: (file) => writeFile(file, 'hello\n'),
            },
          ];

          for (const { label, damage } of damages) {
            it(label, async () => {
              const file = join(await tempDir(), 'damaged.snapshot');
              await current().save('victim', sampleSnapshot(1));
              await current().export('victim', file);
              await current().delete('victim');
              await damage(file);
              const error = await rejectionOf(() => current().import(file), 'CORRUPT_DATA');
              expect(error.details).toMatchObject({ file });
              // The wording is the point here: the file is the caller's, not a snapshot of the store.
              expect(error.message).not.toMatch(/stored snapshot/);
              expect(await current().list()).toStrictEqual([]);
            });
          }
        });
      });

      group('names through export and import', () => {
        it('exports and imports under names at the edges of the rule', async () => {
          const file = join(await tempDir(), 'edge.snapshot');
          for (const edge of VALID_EDGE_NAMES) {
            await current().save(edge, sampleSnapshot());
            expect((await current().info(edge))?.name).toBe(edge);
            await current().export(edge, file);
            await current().delete(edge);
            expect((await current().import(file)).name).toBe(edge);
            assertSameValue(await current().load(edge), sampleSnapshot());
          }
          expect((await current().list()).map((info) => info.name)).toStrictEqual(
            [...VALID_EDGE_NAMES].sort(),
          );
        });
      });

      group('no shared references through import', () => {
        it('gives import its own copy', async () => {
          const file = join(await tempDir(), 'own.snapshot');
          await current().save('own', sampleSnapshot());
          await current().export('own', file);
          await current().delete('own');
          const { snapshot } = await current().import(file);
          mutateDeeply(snapshot);
          assertSameValue(await current().load('own'), sampleSnapshot());
        });
      });

      group('shape at save', () => {
        const badShapes: Array<{ label: string; value: unknown }> = [
          { label: 'null', value: null },
          { label: 'a number', value: 42 },
          { label: 'no state', value: { createdAt: 1 } },
          { label: 'no createdAt', value: { state: emptyState() } },
          { label: 'a negative createdAt', value: { state: emptyState(), createdAt: -1 } },
          { label: 'a fractional createdAt', value: { state: emptyState(), createdAt: 1.5 } },
          { label: 'a string createdAt', value: { state: emptyState(), createdAt: '2024-01-01' } },
          { label: 'a numeric label', value: { state: emptyState(), createdAt: 1, label: 5 } },
          { label: 'an object parent', value: { state: emptyState(), createdAt: 1, parent: {} } },
          {
            label: 'a parent breaking the name rule',
            value: { state: emptyState(), createdAt: 1, parent: '../etc' },
          },
          { label: 'an empty parent', value: { state: emptyState(), createdAt: 1, parent: '' } },
          {
            label: 'an unknown status',
            value: { state: { ...emptyState(), status: 'paused' }, createdAt: 1 },
          },
          { label: 'a negative step', value: { state: { ...emptyState(), step: -1 }, createdAt: 1 } },
          {
            label: 'a non-string env address',
            value: { state: { ...emptyState(), env: { x: 1 } }, createdAt: 1 },
          },
        ];
        for (const { label, value } of badShapes) {
          it(`rejects a snapshot with ${label} with InvalidArgumentError, storing nothing`, async () => {
            const error = await rejectionOf(
              () => current().save('bad', value as MachineSnapshot),
              'INVALID_ARGUMENT',
            );
            expect(error.details).toMatchObject({ kind: 'snapshot', name: 'bad' });
            expect(typeof error.details.path).toBe('string');
            expect(await current().load('bad')).toBeNull();
            expect(await current().list()).toStrictEqual([]);
          });
        }
      });
    },
  );
}
