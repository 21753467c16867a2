import { tempDir } from '@omega/test-kit';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { documentSpec } from '../src/documents.js';
import { DocumentFront } from '../src/front.js';
import { FilesystemStore } from '../src/fs/store.js';
import { logSpec } from '../src/log.js';
import { MemoryStore } from '../src/memory-store.js';
import type { Store } from '../src/store.js';
import { rejectionOf, thrownBy } from '../src/testing.js';
import { describeStoreContracts, portsOf } from './store-contracts.js';

describeStoreContracts({
  label: 'MemoryStore',
  open: async () => ({ store: new MemoryStore(), remove: async () => undefined }),
  ports: portsOf(),
  // The same store: its ports are shared per folder.
  again: portsOf(),
  // MemoryLogBackend runs the close group in log-contract.test.ts, with a second port over the same map.
  skipLog: { close: 'a memory store hands out one port per folder, so closing it leaves no second port' },
});

const secondStore = (store: FilesystemStore) => new FilesystemStore({ root: store.root });

describeStoreContracts<FilesystemStore>({
  label: 'FilesystemStore',
  open: async () => {
    const { dir, remove } = await tempDir('omega-store-');
    return { store: new FilesystemStore({ root: dir }), remove };
  },
  ports: portsOf(),
  // A second store over the root: the contract closes the port it hands out, which closes nothing else.
  again: {
    documents: (store) => portsOf().documents(secondStore(store)),
    log: (store) => portsOf().log(secondStore(store)),
    blobs: (store) => portsOf().blobs(secondStore(store)),
  },
});

const NOTES = documentSpec({ kind: 'note', folder: 'notes', header: z.object({ at: z.number() }) });

class NoteFront extends DocumentFront<{ at: number }> {
  async put(name: string, text: string): Promise<void> {
    this.lifecycle.assertNamed('put', name);
    await this.documents.write(name, { at: this.timestamp(name) }, JSON.stringify(text));
  }
  async get(name: string): Promise<string | null> {
    this.lifecycle.assertNamed('get', name);
    const document = await this.documents.read(name);
    return document && (JSON.parse(document.body) as string);
  }
}

describe.each([
  ['MemoryStore', async () => ({ store: new MemoryStore() as Store, remove: async () => undefined })],
  [
    'FilesystemStore',
    async () => {
      const { dir, remove } = await tempDir('omega-store-');
      return { store: new FilesystemStore({ root: dir }) as Store, remove };
    },
  ],
])('%s', (_label, open) => {
  it('hands out one port per folder, so fronts over one store share their documents and locks', async () => {
    const { store, remove } = await open();
    try {
      expect(store.documents(NOTES)).toBe(store.documents({ ...NOTES }));
      const writer = new NoteFront(NOTES, store);
      const reader = new NoteFront(NOTES, store);
      await writer.put('a', 'hello');
      expect(await reader.get('a')).toBe('hello');
      // Closing a front that does not own the store leaves the store, and the other front, working.
      await writer.close();
      expect(await reader.get('a')).toBe('hello');
    } finally {
      await store.close();
      await remove();
    }
  });

  it('refuses a folder asked for by another port kind or another spec', async () => {
    const { store, remove } = await open();
    try {
      store.documents(NOTES);
      const other = thrownBy(() => store.documents({ ...NOTES, format: 'omega.other' }), 'INVALID_ARGUMENT');
      expect(other.details).toMatchObject({ folder: 'notes', port: 'documents', servedPort: 'documents' });
      const log = logSpec({ kind: 'note', folder: 'notes', header: z.object({}) });
      expect(thrownBy(() => store.log(log), 'INVALID_ARGUMENT').details).toMatchObject({
        servedPort: 'documents',
      });
      expect(
        thrownBy(() => store.blobs({ kind: 'note', folder: 'notes' }), 'INVALID_ARGUMENT').details,
      ).toMatchObject({ port: 'blobs' });
    } finally {
      await store.close();
      await remove();
    }
  });

  it('after close, asking for a port is a ClosedError; close is idempotent', async () => {
    const { store, remove } = await open();
    await store.close();
    await store.close();
    expect(thrownBy(() => store.documents(NOTES), 'CLOSED').details).toMatchObject({ method: 'documents' });
    thrownBy(() => store.log(logSpec({ kind: 'x', folder: 'xs', header: z.object({}) })), 'CLOSED');
    thrownBy(() => store.blobs({ kind: 'y', folder: 'ys' }), 'CLOSED');
    await remove();
  });

  it('a front that owns its store closes it with itself; one given a store does not', async () => {
    const { store, remove } = await open();
    const owner = new NoteFront(NOTES, store, {}, { ownsStore: true });
    const guest = new NoteFront(NOTES, store);
    await guest.close();
    await rejectionOf(() => guest.get('a'), 'CLOSED');
    expect(store.documents(NOTES)).toBeDefined();
    await owner.close();
    thrownBy(() => store.documents(NOTES), 'CLOSED');
    await remove();
  });
});

describe('a front', () => {
  it('names its class in errors unless told another name, and refuses what is not a store', async () => {
    const front = new NoteFront(NOTES, new MemoryStore());
    await front.close();
    expect((await rejectionOf(() => front.get('a'), 'CLOSED')).details).toMatchObject({
      provider: 'NoteFront',
    });
    for (const store of [undefined, null, {}, { documents: () => null }]) {
      const error = thrownBy(() => new NoteFront(NOTES, store as unknown as Store), 'INVALID_ARGUMENT');
      expect(error.details).toMatchObject({ provider: 'NoteFront', option: 'store' });
    }
  });
});

describe('FilesystemStore options', () => {
  it('are checked at construction, naming the option, and the root is resolved then', () => {
    for (const [option, value] of [
      ['root', ''],
      ['root', 7],
      ['durable', 'yes'],
      ['lockTimeoutMs', -1],
    ] as const) {
      const options = { root: '/unused', [option]: value } as unknown as { root: string };
      expect(thrownBy(() => new FilesystemStore(options), 'INVALID_ARGUMENT').details).toMatchObject({
        option,
      });
    }
    expect(new FilesystemStore({ root: 'relative/root' }).root).toMatch(/^\/.*relative\/root$/);
  });
});
