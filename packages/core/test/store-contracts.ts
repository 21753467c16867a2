import * as vitest from 'vitest';
import type { BlobBackend } from '../src/blobs.js';
import type { DocumentBackend } from '../src/documents.js';
import type { LogBackend } from '../src/log.js';
import type { Store } from '../src/store.js';
import {
  BLOB_CONTRACT_SPEC,
  type ContractEntryHeader,
  type ContractHeader,
  DOCUMENT_CONTRACT_SPEC,
  describeBlobBackend,
  describeDocumentBackend,
  describeLogBackend,
  LOG_CONTRACT_SPEC,
} from '../src/testing.js';

/** One port of each contract's spec, taken from a store. */
export interface ContractPorts<S> {
  documents(store: S): DocumentBackend<ContractHeader>;
  log(store: S): LogBackend<ContractEntryHeader>;
  blobs(store: S): BlobBackend;
}

/** The asynchronous ports of a store. */
export function portsOf<S extends Store>(): ContractPorts<S> {
  return {
    documents: (store) => store.documents(DOCUMENT_CONTRACT_SPEC),
    log: (store) => store.log(LOG_CONTRACT_SPEC),
    blobs: (store) => store.blobs(BLOB_CONTRACT_SPEC),
  };
}

/** How {@link describeStoreContracts} runs the three contracts over a kind of store. */
export interface StoreContracts<S> {
  /** Shown in the suite titles: `MemoryStore.documents`, ... */
  label: string;
  /** A fresh store for one test, and how to remove what it used. */
  open(): Promise<{ store: S; remove(): Promise<void> }>;
  /** The ports under test, of the test's store. */
  ports: ContractPorts<S>;
  /** "Reopen": another port over the same data as the test's store. */
  again: ContractPorts<S>;
  /** Groups of the log contract to skip, with the reason. */
  skipLog?: Readonly<Record<string, string>>;
}

/** Runs the document, log and blob contracts over the ports a kind of store hands out. */
export function describeStoreContracts<S extends Store>(contracts: StoreContracts<S>): void {
  const { label, open, ports, again } = contracts;
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
  describeDocumentBackend(vitest, `${label} documents`, () => fixture(ports.documents), {
    reopen: reopen(again.documents),
  });
  describeLogBackend(vitest, `${label} log`, () => fixture(ports.log), {
    reopen: reopen(again.log),
    skip: contracts.skipLog,
  });
  describeBlobBackend(vitest, `${label} blobs`, () => fixture(ports.blobs), { reopen: reopen(again.blobs) });
}
