import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@omega/test-kit';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { documentSpec } from '../src/documents.js';
import { acquireLock } from '../src/fs/lock.js';
import { FilesystemStore } from '../src/fs/store.js';
import { logSpec } from '../src/log.js';
import { MemoryStore } from '../src/memory-store.js';
import type { Store } from '../src/store.js';
import type { SyncStore } from '../src/sync-ports.js';
import { gate, thrownBy } from '../src/testing.js';

const NOTES = documentSpec({ kind: 'note', folder: 'notes', header: z.object({ at: z.number() }) });
const EVENTS = logSpec({ kind: 'event log', folder: 'events', header: z.object({ at: z.number() }) });
const BLOBS = { kind: 'blob', folder: 'blobs' };

/** A store with the synchronous faces of its folders. */
type Faced = Store & SyncStore;

const bump = (current: { header: { at: number } } | null) => {
  const at = (current?.header.at ?? 0) + 1;
  return { header: { at }, body: String(at) };
};

/** Throws unless `value` is not a promise (nor any thenable): what every call of a face returns. */
function notAPromise<T>(value: T): T {
  expect(typeof (value as { then?: unknown } | null)?.then).not.toBe('function');
  return value;
}

type Open = () => Promise<{ store: Faced; remove: () => Promise<void> }>;
const memory: Open = async () => ({ store: new MemoryStore(), remove: async () => undefined });
const filesystem: Open = async () => {
  const { dir, remove } = await tempDir('omega-sync-faces-');
  return { store: new FilesystemStore({ root: dir }), remove };
};

/** Runs `body` over a new store of `open`; closes it, and removes its files, after. */
async function withStore(open: Open, body: (store: Faced) => Promise<void>): Promise<void> {
  const { store, remove } = await open();
  try {
    await body(store);
  } finally {
    await store.close();
    await remove();
  }
}

describe.each([
  ['MemoryStore', memory],
  ['FilesystemStore', filesystem],
])('%s synchronous faces', (label, open) => {
  const test = (title: string, body: (store: Faced) => Promise<void>) =>
    it(title, () => withStore(open, body));

  test('the face of a folder is one port with its asynchronous port: same data, same kind and spec', async (store) => {
    const face = store.documentsSync(NOTES);
    expect(store.documentsSync({ ...NOTES })).toBe(face);
    const port = store.documents(NOTES);
    face.write('a', { at: 1 }, '"face"');
    expect((await port.read('a'))?.body).toBe('"face"');
    await port.write('b', { at: 2 }, '"port"');
    expect(face.read('b')?.body).toBe('"port"');
    expect(face.names()).toEqual(['a', 'b']);
    // The face does not open a second kind of port over the folder, nor the folder under another spec.
    thrownBy(() => store.blobsSync({ ...BLOBS, folder: 'notes' }), 'INVALID_ARGUMENT');
    thrownBy(() => store.documentsSync({ ...NOTES, format: 'omega.other' }), 'INVALID_ARGUMENT');
    store.log(EVENTS);
    thrownBy(() => store.documentsSync({ ...NOTES, folder: 'events' }), 'INVALID_ARGUMENT');
    const blobs = store.blobsSync(BLOBS);
    const digest = blobs.put(new Uint8Array([1, 2, 3]));
    expect(await store.blobs(BLOBS).get(digest)).toEqual(new Uint8Array([1, 2, 3]));
  });

  test('every call of a face returns its value, never a promise', async (store) => {
    const documents = store.documentsSync(NOTES);
    notAPromise(documents.write('a', { at: 1 }, '1'));
    notAPromise(documents.create('b', { at: 1 }, '1'));
    notAPromise(documents.update('a', bump));
    expect(notAPromise(documents.read('a'))?.header).toEqual({ at: 2 });
    expect(notAPromise(documents.readHeader('a'))?.bodyBytes).toBe(1);
    expect(notAPromise(documents.headers()).map((header) => header.name)).toEqual(['a', 'b']);
    expect(notAPromise(documents.names({ limit: 1 }))).toEqual(['a']);
    expect(notAPromise(documents.withLock('a', (fence) => fence))).toBeTypeOf('number');
    const held = notAPromise(documents.lock('a'));
    expect(notAPromise(held.release())).toBe(true);
    expect(notAPromise(documents.remove('b'))).toBe(true);
    const blobs = store.blobsSync(BLOBS);
    const digest = notAPromise(blobs.put(new Uint8Array([7])));
    expect(notAPromise(blobs.get(digest))).toEqual(new Uint8Array([7]));
    expect(notAPromise(blobs.has(digest))).toBe(true);
    expect(notAPromise(blobs.digests())).toEqual([digest]);
    expect(notAPromise(blobs.remove(digest))).toBe(true);
    // Failures are thrown, not returned as rejected promises.
    thrownBy(() => documents.read('../x'), 'INVALID_NAME');
    thrownBy(() => blobs.get('not a digest'), 'INVALID_ARGUMENT');
    notAPromise(documents.close());
    notAPromise(blobs.close());
  });

  test('a lock held through the asynchronous port is a ConflictError at once from the face', async (store) => {
    const face = store.documentsSync(NOTES);
    const port = store.documents(NOTES);
    const inside = gate();
    const leave = gate();
    const holder = port.withLock('n', async () => {
      inside.open();
      await leave.opened;
    });
    await inside.opened;
    const started = performance.now();
    for (const call of [
      () => face.lock('n'),
      () => face.withLock('n', () => 1),
      () => face.update('n', bump),
    ]) {
      const error = thrownBy(call, 'CONFLICT');
      expect(error.details).toMatchObject({ kind: 'note', name: 'n', reason: 'held in this process' });
    }
    // At once: the lock timeout (30 s by default) is not waited out.
    expect(performance.now() - started).toBeLessThan(5_000);
    // Another name is free.
    expect(face.withLock('other', () => 'free')).toBe('free');
    leave.open();
    await holder;
    expect(face.withLock('n', () => 'after')).toBe('after');
  });

  test('a face holder makes the port wait until it releases; fences increase across the faces', async (store) => {
    const face = store.documentsSync(NOTES);
    const port = store.documents(NOTES);
    const fences: number[] = [];
    const held = face.lock('n');
    fences.push(held.fence);
    // The face itself refuses a second holder in this process.
    thrownBy(() => face.lock('n'), 'CONFLICT');
    let entered = false;
    const waiter = port.withLock('n', async (fence) => {
      entered = true;
      fences.push(fence);
    });
    const update = port.update('n', bump);
    // Let the port's waiters poll a few times: none gets in while the face holds the lock.
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(entered).toBe(false);
    face.write('n', { at: 10 }, '10');
    expect(held.release()).toBe(true);
    expect(held.release()).toBe(true);
    await Promise.all([waiter, update]);
    expect((await port.readHeader('n'))?.header.at).toBe(11);
    fences.push(face.withLock('n', (fence) => fence));
    fences.push(await port.withLock('n', async (fence) => fence));
    for (let i = 1; i < fences.length; i++) expect(fences[i]!, label).toBeGreaterThan(fences[i - 1]!);
  });

  test('withLock refuses an fn that returns a promise, once the lock is released', async (store) => {
    const face = store.documentsSync(NOTES);
    let rejected = false;
    const error = thrownBy(
      () =>
        face.withLock('n', async () => {
          rejected = true;
          throw new Error('its rejection is handled, not left unhandled');
        }),
      'INVALID_ARGUMENT',
    );
    expect(error.details).toMatchObject({ kind: 'note', name: 'n', option: 'fn' });
    expect(rejected).toBe(true);
    // Released: the face and the port both get the lock again.
    expect(face.withLock('n', () => 'again')).toBe('again');
    expect(await store.documents(NOTES).withLock('n', async () => 'port')).toBe('port');
    // A throw from fn passes on as it is, after the release.
    const thrown = new Error('fn failed');
    expect(() =>
      face.withLock('n', () => {
        throw thrown;
      }),
    ).toThrow(thrown);
    expect(face.withLock('n', () => 'released')).toBe('released');
  });

  test('update of the face reads and writes what the port wrote; a throw from next changes nothing', async (store) => {
    const face = store.documentsSync(NOTES);
    await store.documents(NOTES).write('u', { at: 5 }, '5');
    face.update('u', bump);
    expect((await store.documents(NOTES).read('u'))?.body).toBe('6');
    expect(() =>
      face.update('u', () => {
        throw new Error('refused');
      }),
    ).toThrow('refused');
    expect(face.read('u')?.body).toBe('6');
    // The lock is not left held by the refused update.
    expect(face.withLock('u', () => 'free')).toBe('free');
  });
});

describe.each([
  ['MemoryStore', memory],
  ['FilesystemStore', filesystem],
])('%s log face', (_label, open) => {
  it('returns values, never promises, and throws its failures', () =>
    withStore(open, async (store) => {
      const log = store.logSync(EVENTS);
      expect(notAPromise(log.append('e', [{ header: { at: 1 }, body: '1' }]))).toBe(0);
      expect(notAPromise(log.read('e'))).toHaveLength(1);
      expect(notAPromise(log.size('e'))).toBe(1);
      expect(notAPromise(log.last('e'))?.position).toBe(0);
      expect(notAPromise(log.logs())).toEqual(['e']);
      expect(notAPromise(log.drop('e'))).toBe(true);
      thrownBy(() => log.append('e', []), 'INVALID_ARGUMENT');
      notAPromise(log.close());
    }));

  it('is one port with the log port of its folder: an append through it wakes a wait of the port', () =>
    withStore(open, async (store) => {
      expect(store.logSync({ ...EVENTS })).toBe(store.logSync(EVENTS));
      thrownBy(() => store.documentsSync({ ...NOTES, folder: 'events' }), 'INVALID_ARGUMENT');
      const port = store.log(EVENTS);
      const waiting = port.wait('e', 0);
      expect(store.logSync(EVENTS).append('e', [{ header: { at: 1 }, body: '1' }])).toBe(0);
      expect(await waiting).toBe(1);
      expect(await port.read('e')).toHaveLength(1);
    }));

  it('is closed with its store, and on its own without closing the port', () =>
    withStore(open, async (store) => {
      const face = store.logSync(EVENTS);
      face.append('e', [{ header: { at: 1 }, body: '1' }]);
      face.close();
      expect(thrownBy(() => face.size('e'), 'CLOSED').details).toMatchObject({
        kind: 'event log',
        method: 'size',
      });
      expect(await store.log(EVENTS).size('e')).toBe(1);
      const { store: again, remove } = await open();
      const other = again.logSync(EVENTS);
      await again.close();
      await remove();
      thrownBy(() => other.append('e', [{ header: { at: 1 }, body: '1' }]), 'CLOSED');
      thrownBy(() => again.logSync(EVENTS), 'CLOSED');
    }));

  it('interleaves its appends with those of the port in one process: positions contiguous, every entry once', () =>
    withStore(open, async (store) => {
      const face = store.logSync(EVENTS);
      const port = store.log(EVENTS);
      const entry = (at: number) => [{ header: { at }, body: String(at) }];
      // Each append's entry carries its own id; where it landed is what the append returned.
      const landed = new Map<number, number>();
      for (let round = 0; round < 5; round++) {
        const id = round * 4;
        landed.set(id, await port.append('e', entry(id)));
        landed.set(id + 1, face.append('e', entry(id + 1)));
        // Made through the port while the face appends in the same turn (a filesystem port queues it for
        // its next write, which the face's write comes before).
        const queued = port.append('e', entry(id + 2));
        landed.set(id + 3, face.append('e', entry(id + 3)));
        landed.set(id + 2, await queued);
      }
      expect([...landed.values()].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
      const read = face.read('e');
      expect(read.map((e) => e.position)).toEqual(Array.from({ length: 20 }, (_, i) => i));
      for (const { position, header } of read) expect(landed.get(header.at)).toBe(position);
      expect(await port.read('e', { from: 18 })).toEqual(read.slice(18));
      expect(face.size('e')).toBe(20);
      expect(face.last('e')).toEqual(read[19]);
      // Conditional appends see each other's writes through the shared index.
      expect(thrownBy(() => face.append('e', entry(99), { expectedSize: 19 }), 'CONFLICT')).toBeDefined();
      await expect(port.append('e', entry(20), { expectedSize: 20 })).resolves.toBe(20);
      expect(face.append('e', entry(21), { expectedSize: 21 })).toBe(21);
      expect(await port.size('e')).toBe(22);
    }));
});

describe('FilesystemStore log face', () => {
  it('refuses at once a log lock held in this process, and leaves the log as it was', () =>
    withStore(filesystem, async (store) => {
      const face = store.logSync(EVENTS);
      face.append('e', [{ header: { at: 0 }, body: '0' }]);
      const held = await acquireLock(join((store as FilesystemStore).root, 'events', '.locks', 'e.log'));
      try {
        const started = performance.now();
        for (const call of [
          () => face.append('e', [{ header: { at: 1 }, body: '1' }]),
          () => face.drop('e'),
        ]) {
          const error = thrownBy(call, 'CONFLICT');
          expect(error.details).toMatchObject({ reason: 'held in this process' });
        }
        expect(performance.now() - started).toBeLessThan(5_000);
      } finally {
        await held.release();
      }
      expect(face.size('e')).toBe(1);
      expect(face.append('e', [{ header: { at: 1 }, body: '1' }])).toBe(1);
      expect(face.drop('e')).toBe(true);
      expect(await store.log(EVENTS).size('e')).toBe(0);
    }));

  it('a torn tail left by a crashed writer is ignored by reads and cut by the next append', () =>
    withStore(filesystem, async (store) => {
      const face = store.logSync(EVENTS);
      face.append('e', [{ header: { at: 0 }, body: '0' }]);
      appendFileSync(join((store as FilesystemStore).root, 'events', 'e.log'), '{"p":1,"e":1,"f":"omega.ev');
      expect(face.size('e')).toBe(1);
      expect(face.logs()).toEqual(['e']);
      expect(face.append('e', [{ header: { at: 1 }, body: '1' }])).toBe(1);
      expect((await store.log(EVENTS).read('e')).map((entry) => entry.header.at)).toEqual([0, 1]);
    }));
});
