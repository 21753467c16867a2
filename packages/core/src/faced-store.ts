import type { BlobBackend, BlobSpec } from './blobs.js';
import type { DocumentBackend, DocumentSpec } from './documents.js';
import type { LogBackend, LogSpec } from './log.js';
import { type Store, StorePorts } from './store.js';
import type { SyncBlobBackend, SyncDocumentBackend, SyncLogBackend, SyncStore } from './sync-ports.js';

/** A port and its synchronous face over the same data: what a store that has both hands out. */
type Faced<P, S> = P & { readonly sync: S };

/**
 * The {@link Store} and {@link SyncStore} of a backend kind whose ports carry their synchronous face
 * (`port.sync`): the asynchronous and synchronous port of a folder are one port, handed out once per
 * folder by {@link StorePorts}. A store extends it with the three constructors of its ports.
 */
export abstract class FacedStore implements Store, SyncStore {
  readonly #ports: StorePorts;

  /** @param store The store's class name, for errors. */
  constructor(store: string) {
    this.#ports = new StorePorts(store);
  }

  /** A new document port of `spec`'s folder (called once per folder). */
  protected abstract openDocuments<H>(
    spec: DocumentSpec<H>,
  ): Faced<DocumentBackend<H>, SyncDocumentBackend<H>>;
  /** A new log port of `spec`'s folder (called once per folder). */
  protected abstract openLog<H>(spec: LogSpec<H>): Faced<LogBackend<H>, SyncLogBackend<H>>;
  /** A new blob port of `spec`'s folder (called once per folder). */
  protected abstract openBlobs(spec: BlobSpec): Faced<BlobBackend, SyncBlobBackend>;

  documents<H>(spec: DocumentSpec<H>): DocumentBackend<H> {
    return this.#documents(spec);
  }

  log<H>(spec: LogSpec<H>): LogBackend<H> {
    return this.#log(spec);
  }

  blobs(spec: BlobSpec): BlobBackend {
    return this.#blobs(spec);
  }

  documentsSync<H>(spec: DocumentSpec<H>): SyncDocumentBackend<H> {
    return this.#documents(spec).sync;
  }

  logSync<H>(spec: LogSpec<H>): SyncLogBackend<H> {
    return this.#log(spec).sync;
  }

  blobsSync(spec: BlobSpec): SyncBlobBackend {
    return this.#blobs(spec).sync;
  }

  /** Closes every port (and face) handed out; idempotent. */
  async close(): Promise<void> {
    await this.closePorts();
  }

  /** Closes the ports; false when the store was closed already (for a subclass that releases more). */
  protected closePorts(): Promise<boolean> {
    return this.#ports.close();
  }

  #documents<H>(spec: DocumentSpec<H>) {
    return this.#ports.get('documents', spec, () => this.openDocuments(spec));
  }

  #log<H>(spec: LogSpec<H>) {
    return this.#ports.get('log', spec, () => this.openLog(spec));
  }

  #blobs(spec: BlobSpec) {
    return this.#ports.get('blobs', spec, () => this.openBlobs(spec));
  }
}
