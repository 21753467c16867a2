import { tempDir } from '@omega/test-kit';
import { FilesystemStore } from '../src/fs/store.js';
import { MemoryStore } from '../src/memory-store.js';
import type { Store } from '../src/store.js';
import type { SyncStore } from '../src/sync-ports.js';
import {
  asyncBlobs,
  asyncDocuments,
  asyncLog,
  BLOB_CONTRACT_SPEC,
  DOCUMENT_CONTRACT_SPEC,
  LOG_CONTRACT_SPEC,
} from '../src/testing.js';
import { type ContractPorts, describeStoreContracts, portsOf } from './store-contracts.js';

/** A store with the synchronous faces of all its ports. */
type Faced = Store & SyncStore;

/**
 * The synchronous faces of a store, as ports, through the adapters of `@omega/core/testing` (which also
 * fail any call that returns a promise).
 */
function facesOf<S extends Faced>(): ContractPorts<S> {
  return {
    documents: (store) => asyncDocuments(store.documentsSync(DOCUMENT_CONTRACT_SPEC)),
    // A face has no wait: followers wait through the store's asynchronous port, which sees the face's appends.
    log: (store) => asyncLog(store.logSync(LOG_CONTRACT_SPEC), store.log(LOG_CONTRACT_SPEC)),
    blobs: (store) => asyncBlobs(store.blobsSync(BLOB_CONTRACT_SPEC)),
  };
}

// Every synchronous face runs its port's published contract. For memory, "reopen" is the asynchronous port
// of the same store, so the persistence tests check that the two faces of a folder are one port.
describeStoreContracts({
  label: 'MemoryStore sync',
  open: async () => ({ store: new MemoryStore(), remove: async () => undefined }),
  ports: facesOf(),
  again: portsOf(),
});

const secondStore = (store: FilesystemStore) => new FilesystemStore({ root: store.root });

describeStoreContracts<FilesystemStore>({
  label: 'FilesystemStore sync',
  open: async () => {
    const { dir, remove } = await tempDir('omega-sync-face-');
    return { store: new FilesystemStore({ root: dir }), remove };
  },
  ports: facesOf(),
  again: {
    // A second store over the root: the contract closes the face it hands out, which closes nothing else.
    documents: (store) => facesOf().documents(secondStore(store)),
    // The log through the asynchronous port of a second store: what the face wrote, read from the files.
    log: (store) => portsOf().log(secondStore(store)),
    blobs: (store) => facesOf().blobs(secondStore(store)),
  },
});
