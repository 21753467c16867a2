import type { BlobSpec } from './blobs.js';
import type { DocumentSpec } from './documents.js';
import { FacedStore } from './faced-store.js';
import type { LogSpec } from './log.js';
import { MemoryBlobBackend } from './memory-blobs.js';
import { MemoryDocumentBackend } from './memory-documents.js';
import { MemoryLogBackend } from './memory-log.js';

/**
 * The {@link Store} in process memory, for tests and short runs: documents, logs and blobs in maps, one
 * port per folder, with its synchronous face over the same data and locks ({@link SyncStore}). Nothing is
 * shared with callers (bodies are serde text, blobs are copied), so values behave exactly as on disk.
 * `close()` lets the data go.
 */
export class MemoryStore extends FacedStore {
  readonly #data: Array<Map<string, unknown>> = [];

  constructor() {
    super('MemoryStore');
  }

  override async close(): Promise<void> {
    if (!(await this.closePorts())) return;
    for (const data of this.#data.splice(0)) data.clear();
  }

  protected openDocuments<H>(spec: DocumentSpec<H>): MemoryDocumentBackend<H> {
    return new MemoryDocumentBackend(spec, this.#map());
  }

  protected openLog<H>(spec: LogSpec<H>): MemoryLogBackend<H> {
    return new MemoryLogBackend(spec, this.#map());
  }

  protected openBlobs(spec: BlobSpec): MemoryBlobBackend {
    return new MemoryBlobBackend(spec, this.#map());
  }

  #map<V>(): Map<string, V> {
    const data = new Map<string, V>();
    this.#data.push(data as Map<string, unknown>);
    return data;
  }
}
