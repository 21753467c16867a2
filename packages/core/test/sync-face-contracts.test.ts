import { tempDir } from '@omega/test-kit';
import * as vitest from 'vitest';
import type { BlobBackend } from '../src/blobs.js';
import type { DocumentBackend } from '../src/documents.js';
import { FilesystemStore } from '../src/fs/store.js';
import type { LogBackend } from '../src/log.js';
import { MemoryStore } from '../src/memory-store.js';
import type { Store } from '../src/store.js';
import type { SyncStore } from '../src/sync-ports.js';
import {
  asyncBlobs,
  asyncDocuments,
  asyncLog,
  BLOB_CONTRACT_SPEC,
  type ContractEntryHeader,
  type ContractHeader,
  DOCUMENT_CONTRACT_SPEC,
  describeBlobBackend,
  describeDocumentBackend,
  describeLogBackend,
  LOG_CONTRACT_SPEC,
} from '../src/testing.js';

/** A store with the synchronous faces of all its ports. */
type Faced = Store & SyncStore;

/** The port of each contract over a store: what "reopen" hands out. */
interface Ports<S> {
  documents: (store: S) => DocumentBackend<ContractHeader>;
  log: (store: S) => LogBackend<ContractEntryHeader>;
  blobs: (store: S) => BlobBackend;
}

/**
 * Every synchronous face of a store runs its port's published contract, through the adapters of
 * `@omega/core/testing` (which also fail any call that returns a promise). "Reopen" is `again(store)`: for
 * memory, the asynchronous port of the same store, so the persistence tests check that the two faces of a
 * folder are one port; for the filesystem, the face of a second store over the same root.
 */
function describeFaceContracts<S extends Faced>(
  label: string,
  open: () => Promise<{ store: S; remove: () => Promise<void> }>,
  again: Ports<S>,
): void {
  const stores = new WeakMap<object, S>();
  const fixture = async <P extends object>(port: (store: S) => P) => {
    const { store, remove } = await open();
    const opened = port(store);
    stores.set(opened, store);
    const cleanup = async () => {
      await store.close();
      await remove();
    };
    return { port: opened, cleanup };
  };
  const reopen =
    <P extends object>(port: (store: S) => P) =>
    async (opened: P) => {
      const store = stores.get(opened)!;
      const next = port(store);
      stores.set(next, store);
      return next;
    };
  const faces = facesOf<S>();
  describeDocumentBackend(vitest, `${label}.documentsSync`, () => fixture(faces.documents), {
    reopen: reopen(again.documents),
  });
  describeLogBackend(vitest, `${label}.logSync`, () => fixture(faces.log), { reopen: reopen(again.log) });
  describeBlobBackend(vitest, `${label}.blobsSync`, () => fixture(faces.blobs), {
    reopen: reopen(again.blobs),
  });
}

/** The synchronous faces of a store, as ports. */
function facesOf<S extends Faced>(): Ports<S> {
  return {
    documents: (store) => asyncDocuments(store.documentsSync(DOCUMENT_CONTRACT_SPEC)),
    // A face has no wait: followers wait through the store's asynchronous port, which sees the face's appends.
    log: (store) => asyncLog(store.logSync(LOG_CONTRACT_SPEC), store.log(LOG_CONTRACT_SPEC)),
    blobs: (store) => asyncBlobs(store.blobsSync(BLOB_CONTRACT_SPEC)),
  };
}

describeFaceContracts(
  'MemoryStore',
  async () => ({ store: new MemoryStore(), remove: async () => undefined }),
  {
    documents: (store) => store.documents(DOCUMENT_CONTRACT_SPEC),
    log: (store) => store.log(LOG_CONTRACT_SPEC),
    blobs: (store) => store.blobs(BLOB_CONTRACT_SPEC),
  },
);

describeFaceContracts(
  'FilesystemStore',
  async () => {
    const { dir, remove } = await tempDir('omega-sync-face-');
    return { store: new FilesystemStore({ root: dir }), remove };
  },
  {
    // A second store over the root: the contract closes the face it hands out, which closes nothing else.
    documents: (store) => facesOf().documents(new FilesystemStore({ root: store.root })),
    // The log through the asynchronous port of a second store: what the face wrote, read from the files.
    log: (store) => new FilesystemStore({ root: store.root }).log(LOG_CONTRACT_SPEC),
    blobs: (store) => facesOf().blobs(new FilesystemStore({ root: store.root })),
  },
);
