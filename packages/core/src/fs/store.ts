import type { BlobSpec } from '../blobs.js';
import type { DocumentSpec } from '../documents.js';
import { FacedStore } from '../faced-store.js';
import type { LogSpec } from '../log.js';
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
export class FilesystemStore extends FacedStore {
  /** The store root, as an absolute path. */
  readonly root: string;
  readonly #options: FilesystemOptions;

  constructor(options: FilesystemStoreOptions) {
    super('FilesystemStore');
    const checked = checkFilesystemOptions('a filesystem store', 'store', options);
    this.root = checked.root;
    this.#options = { ...options, root: checked.root };
  }

  protected openDocuments<H>(spec: DocumentSpec<H>): FilesystemDocumentBackend<H> {
    return new FilesystemDocumentBackend(spec, this.#options);
  }

  protected openLog<H>(spec: LogSpec<H>): FilesystemLogBackend<H> {
    return new FilesystemLogBackend(spec, this.#options);
  }

  protected openBlobs(spec: BlobSpec): FilesystemBlobBackend {
    return new FilesystemBlobBackend(spec, this.#options);
  }
}
