import type { BlobBackend, BlobSpec } from '../blobs.js';
import type { DocumentBackend, DocumentSpec } from '../documents.js';
import type { LogBackend, LogSpec } from '../log.js';
import { type Store, StorePorts } from '../store.js';
import type { SyncBlobBackend, SyncDocumentBackend, SyncLogBackend, SyncStore } from '../sync-ports.js';
import { FilesystemBlobBackend } from './blobs.js';
import { FilesystemDocumentBackend } from './document-backend.js';
import { FilesystemLogBackend } from './log.js';
import { checkFilesystemOptions, type FilesystemOptions } from './options.js';

/** Options of a {@link FilesystemStore}: see {@link FilesystemOptions}. */
export type FilesystemStoreOptions = FilesystemOptions;

/**
 * The {@link Store} on a local filesystem: one folder per family under `root` (default layout
 * `<root>/<folder>/`), created on first use. Documents are framed files replaced atomically, logs are
 * checksummed append-only files, blobs are files named by their SHA-256; writes are durable unless
 * `durable: false`, and locks are cross-process, so several processes may share one root. Its
 * synchronous faces of documents, logs and blobs ({@link SyncStore}) share each folder's files, locks and
 * opened state (a log's index too) with its ports: the face and the port of a folder are one port.
 */
export class FilesystemStore implements Store, SyncStore {
  /** The store root, as an absolute path. */
  readonly root: string;
  readonly #options: FilesystemOptions;
  readonly #ports = new StorePorts('FilesystemStore');

  constructor(options: FilesystemStoreOptions) {
    const checked = checkFilesystemOptions('a filesystem store', 'store', options);
    this.root = checked.root;
    this.#options = { ...options, root: checked.root };
  }

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

  async close(): Promise<void> {
    await this.#ports.close();
  }

  #documents<H>(spec: DocumentSpec<H>): FilesystemDocumentBackend<H> {
    return this.#ports.get('documents', spec, () => new FilesystemDocumentBackend(spec, this.#options));
  }

  #log<H>(spec: LogSpec<H>): FilesystemLogBackend<H> {
    return this.#ports.get('log', spec, () => new FilesystemLogBackend(spec, this.#options));
  }

  #blobs(spec: BlobSpec): FilesystemBlobBackend {
    return this.#ports.get('blobs', spec, () => new FilesystemBlobBackend(spec, this.#options));
  }
}
