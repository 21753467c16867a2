import type { BlobBackend, BlobSpec } from './blobs.js';
import type { DocumentBackend, DocumentSpec } from './documents.js';
import type { LogBackend, LogSpec } from './log.js';
import { MemoryBlobBackend } from './memory-blobs.js';
import { MemoryDocumentBackend } from './memory-documents.js';
import { MemoryLogBackend } from './memory-log.js';
import { type Store, StorePorts } from './store.js';
import type { SyncBlobBackend, SyncDocumentBackend, SyncLogBackend, SyncStore } from './sync-ports.js';

/**
 * The {@link Store} in process memory, for tests and short runs: documents, logs and blobs in maps, one
 * port per folder, with its synchronous face over the same data and locks ({@link SyncStore}). Nothing is
 * shared with callers (bodies are serde text, blobs are copied), so values behave exactly as on disk.
 * `close()` lets the data go.
 */
export class MemoryStore implements Store, SyncStore {
  readonly #ports = new StorePorts('MemoryStore');
  readonly #data: Array<Map<string, unknown>> = [];

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
    if (!(await this.#ports.close())) return;
    for (const data of this.#data.splice(0)) data.clear();
  }

  #documents<H>(spec: DocumentSpec<H>): MemoryDocumentBackend<H> {
    return this.#ports.get('documents', spec, () => new MemoryDocumentBackend(spec, this.#map()));
  }

  #log<H>(spec: LogSpec<H>): MemoryLogBackend<H> {
    return this.#ports.get('log', spec, () => new MemoryLogBackend(spec, this.#map()));
  }

  #blobs(spec: BlobSpec): MemoryBlobBackend {
    return this.#ports.get('blobs', spec, () => new MemoryBlobBackend(spec, this.#map()));
  }

  #map<V>(): Map<string, V> {
    const data = new Map<string, V>();
    this.#data.push(data as Map<string, unknown>);
    return data;
  }
}
