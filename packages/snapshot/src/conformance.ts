import { access, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { digestOf, emptyState, encode, type MachineSnapshot, type Val } from '@omega/core';
import {
  INVALID_NAMES,
  type ProviderFixture,
  rejectionOf,
  unstorableValues,
  VALID_EDGE_NAMES,
} from '@omega/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exoticSnapshot, readFramedText, sampleSnapshot, writeFramedText } from './conformance-fixtures.js';
import type { SnapshotProvider } from './index.js';

/** What a conformance factory returns: a fresh, empty provider and how to dispose of its resources. */
export type SnapshotProviderFixture = ProviderFixture<SnapshotProvider>;

/** Options of {@link describeSnapshotProvider}. */
export interface SnapshotConformanceOptions {
  /** Per-test timeout in milliseconds, for backends slower than vitest's default (e.g. a remote server). */
  timeoutMs?: number;
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/** A copy of the sample snapshot with `value` put into its store under `key`. */
function withStored(key: string, value: unknown): MachineSnapshot {
  const snapshot = sampleSnapshot();
  snapshot.state.store[key] = value as Val;
  return snapshot;
}

/**
 * The SnapshotProvider contract as a vitest suite. Every backend (and any third-party one) runs it:
 * `describeSnapshotProvider('memory', async () => ({ provider: new MemorySnapshotProvider() }))`.
 * `factory` must return a fresh, empty provider each time; `cleanup` runs after each test.
 */
export function describeSnapshotProvider(
  name: string,
  factory: () => Promise<SnapshotProviderFixture>,
  options: SnapshotConformanceOptions = {},
): void {
  describe(`SnapshotProvider conformance: ${name}`, { timeout: options.timeoutMs }, () => {
    let provider: SnapshotProvider;
    let cleanup: (() => Promise<void>) | undefined;
    /** A fresh directory for export files, removed after each test. */
    let dir: string;

    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'omega-snapshot-conformance-'));
      ({ provider, cleanup } = await factory());
    });

    afterEach(async () => {
      await provider.close();
      await cleanup?.();
      await rm(dir, { recursive: true, force: true });
    });

    describe('save, load, info, list', () => {
      it('loads what was saved', async () => {
        const snapshot = sampleSnapshot();
        await provider.save('first', snapshot);
        expect(await provider.load('first')).toEqual(snapshot);
      });

      it('returns null from load and info for a missing snapshot', async () => {
        expect(await provider.load('missing')).toBeNull();
        expect(await provider.info('missing')).toBeNull();
      });

      it('replaces a snapshot saved again under the same name (last writer wins)', async () => {
        await provider.save('s', sampleSnapshot(1));
        await provider.save('s', sampleSnapshot(2));
        expect(await provider.load('s')).toEqual(sampleSnapshot(2));
        expect(await provider.info('s')).toMatchObject({ createdAt: sampleSnapshot(2).createdAt });
        expect(await provider.list()).toHaveLength(1);
      });

      it('reports createdAt, size and digest of the stored snapshot', async () => {
        const snapshot = sampleSnapshot(4);
        await provider.save('s', snapshot);
        const loaded = await provider.load('s');
        expect(loaded).not.toBeNull();
        const info = await provider.info('s');
        expect(info).toEqual({
          name: 's',
          createdAt: snapshot.createdAt,
          size: Buffer.byteLength(encode(loaded as MachineSnapshot), 'utf8'),
          digest: digestOf(snapshot),
        });
      });

      it('lists every snapshot sorted by name, with the same info as info()', async () => {
        expect(await provider.list()).toEqual([]);
        const names = ['b', 'a', 'C', '_u', '-d'];
        for (const [i, snapshotName] of names.entries()) await provider.save(snapshotName, sampleSnapshot(i));
        const list = await provider.list();
        expect(list.map((info) => info.name)).toEqual(['-d', 'C', '_u', 'a', 'b']);
        for (const info of list) expect(await provider.info(info.name)).toEqual(info);
      });

      it('keeps an optional field absent when it was left out', async () => {
        const snapshot: MachineSnapshot = { state: emptyState(), createdAt: 0 };
        await provider.save('bare', snapshot);
        const loaded = await provider.load('bare');
        expect(loaded).toEqual(snapshot);
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
        await provider.save('one', snapshot);
        await provider.save('two', reordered);
        await provider.save('three', withStored('counter', 1));
        const [one, two, three] = await Promise.all(['one', 'two', 'three'].map((n) => provider.info(n)));
        expect(one?.digest).toBe(two?.digest);
        expect(one?.digest).not.toBe(three?.digest);
      });
    });

    describe('delete', () => {
      it('removes a snapshot', async () => {
        await provider.save('gone', sampleSnapshot());
        await provider.save('kept', sampleSnapshot());
        await provider.delete('gone');
        expect(await provider.load('gone')).toBeNull();
        expect(await provider.info('gone')).toBeNull();
        expect((await provider.list()).map((info) => info.name)).toEqual(['kept']);
      });

      it('rejects NotFoundError naming the snapshot when there is none', async () => {
        const error = await rejectionOf(() => provider.delete('missing'), 'NOT_FOUND');
        expect(error.details).toMatchObject({ kind: 'snapshot', name: 'missing' });
        await provider.save('once', sampleSnapshot());
        await provider.delete('once');
        await rejectionOf(() => provider.delete('once'), 'NOT_FOUND');
      });
    });

    describe('export and import', () => {
      it('round-trips a snapshot through an export file', async () => {
        const snapshot = exoticSnapshot();
        const file = join(dir, 'exotic.snapshot');
        await provider.save('exotic', snapshot);
        const before = await provider.info('exotic');
        await provider.export('exotic', file);
        await provider.delete('exotic');
        const imported = await provider.import(file);
        expect(imported.name).toBe('exotic');
        expect(encode(imported.snapshot)).toBe(encode(snapshot));
        expect(await provider.info('exotic')).toEqual(before);
        expect(encode((await provider.load('exotic')) as MachineSnapshot)).toBe(encode(snapshot));
      });

      it('writes one self-describing file in the shared export format', async () => {
        const snapshot = sampleSnapshot(5);
        const file = join(dir, 'sample.snapshot');
        await provider.save('sample', snapshot);
        await provider.export('sample', file);
        const { header } = await readFramedText(file);
        expect(header).toMatchObject({
          format: 'omega.snapshot-export',
          version: 1,
          name: 'sample',
          createdAt: snapshot.createdAt,
          digest: digestOf(snapshot),
          bodyBytes: (await provider.info('sample'))?.size,
        });
        expect(await readdir(dir)).toEqual(['sample.snapshot']);
      });

      it('imports into a second, fresh store', async () => {
        const file = join(dir, 'moved.snapshot');
        await provider.save('moved', sampleSnapshot(3));
        await provider.export('moved', file);
        const second = await factory();
        try {
          expect(await second.provider.import(file)).toEqual({ name: 'moved', snapshot: sampleSnapshot(3) });
          expect(await second.provider.load('moved')).toEqual(sampleSnapshot(3));
          expect(await second.provider.info('moved')).toEqual(await provider.info('moved'));
        } finally {
          await second.provider.close();
          await second.cleanup?.();
        }
      });

      it('creates missing parent directories of the export path', async () => {
        const file = join(dir, 'a', 'b', 'c', 'deep.snapshot');
        await provider.save('deep', sampleSnapshot());
        await provider.export('deep', file);
        await provider.delete('deep');
        expect((await provider.import(file)).snapshot).toEqual(sampleSnapshot());
      });

      it('replaces an existing file at the export path', async () => {
        const file = join(dir, 'again.snapshot');
        await provider.save('again', sampleSnapshot(1));
        await provider.export('again', file);
        await provider.save('again', sampleSnapshot(2));
        await provider.export('again', file);
        await provider.delete('again');
        expect((await provider.import(file)).snapshot).toEqual(sampleSnapshot(2));
        expect(await readdir(dir)).toEqual(['again.snapshot']);
      });

      it('rejects exporting a missing snapshot with NotFoundError and writes nothing', async () => {
        const file = join(dir, 'none.snapshot');
        const error = await rejectionOf(() => provider.export('missing', file), 'NOT_FOUND');
        expect(error.details).toMatchObject({ kind: 'snapshot', name: 'missing' });
        expect(await exists(file)).toBe(false);
      });

      it('rejects importing a missing file with NotFoundError naming the file', async () => {
        const file = join(dir, 'absent.snapshot');
        const error = await rejectionOf(() => provider.import(file), 'NOT_FOUND');
        expect(error.details).toMatchObject({ file });
      });

      it('rejects an empty path with InvalidArgumentError', async () => {
        await provider.save('s', sampleSnapshot());
        await rejectionOf(() => provider.export('s', ''), 'INVALID_ARGUMENT');
        await rejectionOf(() => provider.import(''), 'INVALID_ARGUMENT');
      });

      it('treats importing the same digest again as a no-op', async () => {
        const file = join(dir, 'same.snapshot');
        await provider.save('same', sampleSnapshot());
        await provider.export('same', file);
        const before = await provider.list();
        expect(await provider.import(file)).toEqual({ name: 'same', snapshot: sampleSnapshot() });
        expect(await provider.list()).toEqual(before);
      });

      it('rejects importing over a different snapshot with AlreadyExistsError unless overwrite is set', async () => {
        const file = join(dir, 'theirs.snapshot');
        await provider.save('shared', sampleSnapshot(1));
        await provider.export('shared', file);
        await provider.save('shared', sampleSnapshot(2));
        const error = await rejectionOf(() => provider.import(file), 'ALREADY_EXISTS');
        expect(error.details).toMatchObject({ kind: 'snapshot', name: 'shared', file });
        expect(await provider.load('shared')).toEqual(sampleSnapshot(2));
        await rejectionOf(() => provider.import(file, { overwrite: false }), 'ALREADY_EXISTS');
        expect(await provider.import(file, { overwrite: true })).toEqual({
          name: 'shared',
          snapshot: sampleSnapshot(1),
        });
        expect(await provider.load('shared')).toEqual(sampleSnapshot(1));
        expect((await provider.info('shared'))?.digest).toBe(digestOf(sampleSnapshot(1)));
      });

      describe('rejects a damaged export file with CorruptDataError naming it, storing nothing', () => {
        const damages: Array<{ label: string; damage: (file: string) => Promise<void> }> = [
          {
            label: 'a value changed in the body, JSON still valid',
            damage: async (file) => {
              const doc = await readFramedText(file);
              const body = doc.body.replace('"counter":1001', '"counter":1002');
              expect(body).not.toBe(doc.body);
              await writeFramedText(file, { ...doc, body });
            },
          },
          {
            label: 'the digest changed',
            damage: async (file) => {
              const doc = await readFramedText(file);
              await writeFramedText(file, { ...doc, header: { ...doc.header, digest: '0'.repeat(64) } });
            },
          },
          {
            label: 'createdAt changed in the header',
            damage: async (file) => {
              const doc = await readFramedText(file);
              await writeFramedText(file, { ...doc, header: { ...doc.header, createdAt: 5 } });
            },
          },
          {
            label: 'the body truncated',
            damage: async (file) => {
              const doc = await readFramedText(file);
              await writeFramedText(file, { ...doc, body: doc.body.slice(0, doc.body.length >> 1) });
            },
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
            damage: async (file) => {
              const doc = await readFramedText(file);
              await writeFramedText(file, { ...doc, body: '{"state":null,"createdAt":1700000000001}' });
            },
          },
          {
            label: 'a wrong format tag',
            damage: async (file) => {
              const doc = await readFramedText(file);
              await writeFramedText(file, { ...doc, header: { ...doc.header, format: 'omega.snapshot' } });
            },
          },
          {
            label: 'a newer format version',
            damage: async (file) => {
              const doc = await readFramedText(file);
              await writeFramedText(file, { ...doc, header: { ...doc.header, version: 2 } });
            },
          },
          {
            label: 'the embedded name changed to "../x"',
            damage: async (file) => {
              const doc = await readFramedText(file);
              await writeFramedText(file, { ...doc, header: { ...doc.header, name: '../x' } });
            },
          },
          {
            label: 'not a framed file at all',
            damage: (file) => writeFile(file, 'hello\n'),
          },
        ];

        for (const { label, damage } of damages) {
          it(label, async () => {
            const file = join(dir, 'damaged.snapshot');
            await provider.save('victim', sampleSnapshot(1));
            await provider.export('victim', file);
            await provider.delete('victim');
            await damage(file);
            const error = await rejectionOf(() => provider.import(file), 'CORRUPT_DATA');
            expect(error.details).toMatchObject({ file });
            expect(await provider.list()).toEqual([]);
          });
        }
      });
    });

    describe('names', () => {
      it('accepts names at the edges of the rule', async () => {
        for (const edge of VALID_EDGE_NAMES) {
          const file = join(dir, 'edge.snapshot');
          await provider.save(edge, sampleSnapshot());
          expect(await provider.load(edge)).toEqual(sampleSnapshot());
          expect((await provider.info(edge))?.name).toBe(edge);
          await provider.export(edge, file);
          await provider.delete(edge);
          expect((await provider.import(file)).name).toBe(edge);
        }
        expect((await provider.list()).map((info) => info.name)).toEqual([...VALID_EDGE_NAMES].sort());
      });

      it('rejects every name that breaks the rule with InvalidNameError, in every method', async () => {
        const file = join(dir, 'never.snapshot');
        for (const bad of INVALID_NAMES) {
          const badName = bad as string;
          for (const call of [
            () => provider.save(badName, sampleSnapshot()),
            () => provider.load(badName),
            () => provider.info(badName),
            () => provider.delete(badName),
            () => provider.export(badName, file),
          ]) {
            const error = await rejectionOf(call, 'INVALID_NAME');
            expect(error.details).toMatchObject({ kind: 'snapshot' });
          }
        }
        expect(await provider.list()).toEqual([]);
        expect(await exists(file)).toBe(false);
      });
    });

    describe('no shared references', () => {
      it('is not changed by mutating what was saved', async () => {
        const snapshot = exoticSnapshot();
        const expected = encode(snapshot);
        await provider.save('s', snapshot);
        snapshot.state.store.added = 1;
        snapshot.state.kont.push('more');
        (snapshot.state.control as Map<Val, Val>).set('pc', 99);
        snapshot.label = 'changed';
        expect(encode((await provider.load('s')) as MachineSnapshot)).toBe(expected);
      });

      it('gives every load its own copy', async () => {
        await provider.save('s', exoticSnapshot());
        const first = (await provider.load('s')) as MachineSnapshot;
        first.state.store.added = 1;
        first.state.kont.length = 0;
        (first.state.control as Map<Val, Val>).clear();
        const second = (await provider.load('s')) as MachineSnapshot;
        expect(encode(second)).toBe(encode(exoticSnapshot()));
      });

      it('gives import its own copy', async () => {
        const file = join(dir, 'own.snapshot');
        await provider.save('own', sampleSnapshot());
        await provider.export('own', file);
        await provider.delete('own');
        const { snapshot } = await provider.import(file);
        snapshot.state.store.added = 1;
        expect(await provider.load('own')).toEqual(sampleSnapshot());
      });
    });

    describe('validation', () => {
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
        { label: 'an unknown status', value: { state: { ...emptyState(), status: 'paused' }, createdAt: 1 } },
        { label: 'a negative step', value: { state: { ...emptyState(), step: -1 }, createdAt: 1 } },
        {
          label: 'a non-string env address',
          value: { state: { ...emptyState(), env: { x: 1 } }, createdAt: 1 },
        },
      ];
      for (const { label, value } of badShapes) {
        it(`rejects a snapshot with ${label} with InvalidArgumentError, storing nothing`, async () => {
          const error = await rejectionOf(
            () => provider.save('bad', value as MachineSnapshot),
            'INVALID_ARGUMENT',
          );
          expect(error.details).toMatchObject({ kind: 'snapshot', name: 'bad' });
          expect(typeof error.details.path).toBe('string');
          expect(await provider.load('bad')).toBeNull();
          expect(await provider.list()).toEqual([]);
        });
      }

      for (const { label } of unstorableValues()) {
        it(`rejects ${label} anywhere in the snapshot with InvalidArgumentError, storing nothing`, async () => {
          const build = (): unknown => unstorableValues().find((entry) => entry.label === label)?.value;
          const placements: MachineSnapshot[] = [
            withStored('bad', build()),
            withStored('bad', { deep: [1, { deeper: build() }] }),
            { ...sampleSnapshot(), state: { ...sampleSnapshot().state, control: build() as Val } },
            { ...sampleSnapshot(), state: { ...sampleSnapshot().state, kont: [1, build() as Val] } },
            withStored('bad', new Map<Val, Val>([['k', build() as Val]])),
          ];
          await provider.save('kept', sampleSnapshot());
          for (const placement of placements) {
            await rejectionOf(() => provider.save('bad', placement), 'INVALID_ARGUMENT');
            await rejectionOf(() => provider.save('kept', placement), 'INVALID_ARGUMENT');
          }
          expect(await provider.load('bad')).toBeNull();
          expect(await provider.load('kept')).toEqual(sampleSnapshot());
          expect((await provider.list()).map((info) => info.name)).toEqual(['kept']);
        });
      }
    });

    describe('values', () => {
      it('round-trips every kind of value exactly', async () => {
        const snapshot = exoticSnapshot();
        await provider.save('exotic', snapshot);
        const loaded = (await provider.load('exotic')) as MachineSnapshot;
        expect(loaded).toEqual(snapshot);
        expect(encode(loaded)).toBe(encode(snapshot));
        const exotic = loaded.state.store.exotic as Record<string, Val>;
        expect(Object.is(exotic.negativeZero, -0)).toBe(true);
        expect(Object.is(exotic.nan, Number.NaN)).toBe(true);
        expect('undefined' in exotic).toBe(true);
        expect(exotic.bytes).toBeInstanceOf(Uint8Array);
        expect(exotic.date).toBeInstanceOf(Date);
        expect(Number.isNaN((exotic.invalidDate as Date).getTime())).toBe(true);
        expect(Object.keys(exotic.ownProto as object)).toContain('__proto__');
        expect(Object.getPrototypeOf(exotic.ownProto)).toBe(Object.prototype);
        expect(digestOf(loaded)).toBe((await provider.info('exotic'))?.digest);
      });
    });

    describe('close', () => {
      it('is idempotent, and every method rejects ClosedError afterwards', async () => {
        const file = join(dir, 'closed.snapshot');
        await provider.save('s', sampleSnapshot());
        await provider.export('s', file);
        await provider.close();
        await provider.close();
        const calls: Array<() => Promise<unknown>> = [
          () => provider.list(),
          () => provider.save('s', sampleSnapshot()),
          () => provider.load('s'),
          () => provider.info('s'),
          () => provider.delete('s'),
          () => provider.export('s', join(dir, 'other.snapshot')),
          () => provider.import(file),
        ];
        for (const call of calls) await rejectionOf(call, 'CLOSED');
      });

      it('closes through Symbol.asyncDispose', async () => {
        await provider[Symbol.asyncDispose]();
        await rejectionOf(() => provider.list(), 'CLOSED');
      });

      it('rejects rather than throws, even for a bad name or after close', async () => {
        // rejectionOf fails on a synchronous throw, so these check the promise and not just the error.
        await rejectionOf(() => provider.load('../x'), 'INVALID_NAME');
        await provider.close();
        await rejectionOf(() => provider.save('s', sampleSnapshot()), 'CLOSED');
      });
    });
  });
}
