import { tempDir } from '@omega/test-kit';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { documentSpec } from '../src/documents.js';
import { FilesystemStore } from '../src/fs/store.js';
import { logSpec } from '../src/log.js';
import { MemoryStore } from '../src/memory-store.js';
import type { Store } from '../src/store.js';
import type { SyncStore } from '../src/sync-ports.js';
import { gate, thrownBy } from '../src/testing.js';

const NOTES = documentSpec({ kind: 'note', folder: 'notes', header: z.object({ at: z.number() }) });
const EVENTS = logSpec({ kind: 'event log', folder: 'events', header: z.object({ at: z.number() }) });
const BLOBS = { kind: 'blob', folder: 'blobs' };

/** A store with synchronous faces of documents and blobs (the filesystem has no log face yet). */
type Faced = Store & Omit<SyncStore, 'logSync'>;

const bump = (current: { header: { at: number } } | null) => {
  const at = (current?.header.at ?? 0) + 1;
  return { header: { at }, body: String(at) };
};

/** Throws unless `value` is not a promise (nor any thenable): what every call of a face returns. */
function notAPromise<T>(value: T): T {
  expect(typeof (value as { then?: unknown } | null)?.then).not.toBe('function');
  return value;
}

describe.each([
  ['MemoryStore', async () => ({ store: new MemoryStore() as Faced, remove: async () => undefined })],
  [
    'FilesystemStore',
    async () => {
      const { dir, remove } = await tempDir('omega-sync-faces-');
      return { store: new FilesystemStore({ root: dir }) as Faced, remove };
    },
  ],
])('%s synchronous faces', (label, open) => {
  const test = (title: string, body: (store: Faced) => Promise<void>) =>
    it(title, async () => {
      const { store, remove } = await open();
      try {
        await body(store);
      } finally {
        await store.close();
        await remove();
      }
    });

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

describe('MemoryStore log face', () => {
  it('returns values, never promises, and throws its failures', () => {
    const log = new MemoryStore().logSync(EVENTS);
    expect(notAPromise(log.append('e', [{ header: { at: 1 }, body: '1' }]))).toBe(0);
    expect(notAPromise(log.read('e'))).toHaveLength(1);
    expect(notAPromise(log.size('e'))).toBe(1);
    expect(notAPromise(log.last('e'))?.position).toBe(0);
    expect(notAPromise(log.logs())).toEqual(['e']);
    expect(notAPromise(log.drop('e'))).toBe(true);
    thrownBy(() => log.append('e', []), 'INVALID_ARGUMENT');
    notAPromise(log.close());
  });

  it('is one port with the log port of its folder: an append through it wakes a wait of the port', async () => {
    const store = new MemoryStore();
    expect(store.logSync({ ...EVENTS })).toBe(store.logSync(EVENTS));
    thrownBy(() => store.documentsSync({ ...NOTES, folder: 'events' }), 'INVALID_ARGUMENT');
    const port = store.log(EVENTS);
    const waiting = port.wait('e', 0);
    expect(store.logSync(EVENTS).append('e', [{ header: { at: 1 }, body: '1' }])).toBe(0);
    expect(await waiting).toBe(1);
    expect(await port.read('e')).toHaveLength(1);
    await store.close();
  });

  it('is closed with its store, and on its own without closing the port', async () => {
    const store = new MemoryStore();
    const face = store.logSync(EVENTS);
    face.append('e', [{ header: { at: 1 }, body: '1' }]);
    face.close();
    expect(thrownBy(() => face.size('e'), 'CLOSED').details).toMatchObject({
      kind: 'event log',
      method: 'size',
    });
    expect(await store.log(EVENTS).size('e')).toBe(1);
    const again = new MemoryStore();
    const other = again.logSync(EVENTS);
    await again.close();
    thrownBy(() => other.append('e', [{ header: { at: 1 }, body: '1' }]), 'CLOSED');
    thrownBy(() => again.logSync(EVENTS), 'CLOSED');
  });
});
