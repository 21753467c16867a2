import {
  assertBytes,
  assertDigest,
  type BlobBackend,
  type BlobSpec,
  blobDigest,
  checkBlobSpec,
} from './blobs.js';
import { CorruptDataError } from './errors.js';
import { type PageOptions, pageOf } from './pages.js';
import type { SyncBlobBackend } from './sync-ports.js';

/**
 * The synchronous face of memory blobs over a map (digest to bytes): the logic of both faces, written once
 * here; a {@link MemoryBlobBackend} over the same map wraps it. Bytes are copied on the way in and out:
 * nothing stored is shared with a caller. Reads are verified as on disk, so a blob altered through the
 * shared map is a `CorruptDataError`.
 */
export class MemorySyncBlobBackend implements SyncBlobBackend {
  readonly #kind: string;
  readonly #data: Map<string, Uint8Array>;

  constructor(spec: BlobSpec, data: Map<string, Uint8Array> = new Map()) {
    checkBlobSpec(spec);
    this.#kind = spec.kind;
    this.#data = data;
  }

  /**
   * Stores a copy of `bytes`, so the caller may reuse its buffer at once. A stored blob of another length
   * than `bytes` cannot be this content (it was altered): it is replaced.
   */
  put(bytes: Uint8Array): string {
    assertBytes(this.#kind, bytes);
    // A plain Uint8Array of exactly the view's bytes, whatever the input (a Buffer, a subarray).
    const copy = new Uint8Array(bytes);
    const digest = blobDigest(copy);
    if (this.#data.get(digest)?.byteLength !== copy.byteLength) this.#data.set(digest, copy);
    return digest;
  }

  /** A copy of blob `digest`, verified, or null when there is none. */
  get(digest: string): Uint8Array | null {
    assertDigest(this.#kind, digest);
    const stored = this.#data.get(digest);
    if (stored === undefined) return null;
    if (blobDigest(stored) !== digest) {
      throw new CorruptDataError(`${this.#kind} ${digest} in memory no longer hashes to its digest`, {
        details: { kind: this.#kind, digest, reason: 'digest mismatch' },
      });
    }
    return new Uint8Array(stored);
  }

  has(digest: string): boolean {
    assertDigest(this.#kind, digest);
    return this.#data.has(digest);
  }

  remove(digest: string): boolean {
    assertDigest(this.#kind, digest);
    return this.#data.delete(digest);
  }

  /** The stored digests, sorted, one page at a time (the keys are sorted per call: memory is for small stores). */
  digests(options?: PageOptions): string[] {
    return pageOf([...this.#data.keys()].sort(), options, this.#kind);
  }

  /** Nothing to release: the blobs belong to the map, which the store owns. */
  close(): void {}
}

/**
 * A {@link BlobBackend} in process memory, for tests and short runs. Every blob lives in `data` (digest
 * to bytes), which a `MemoryStore` shares between the ports of one folder, so two ports over one map see
 * each other's blobs; {@link MemoryBlobBackend.sync} is its synchronous face. Bytes are copied on the way
 * in (before `put` returns its promise) and out, and reads are verified, as the face does.
 */
export class MemoryBlobBackend implements BlobBackend {
  /** The synchronous face of these blobs. */
  readonly sync: MemorySyncBlobBackend;

  constructor(spec: BlobSpec, data: Map<string, Uint8Array> = new Map()) {
    this.sync = new MemorySyncBlobBackend(spec, data);
  }

  async put(bytes: Uint8Array): Promise<string> {
    return this.sync.put(bytes);
  }

  async get(digest: string): Promise<Uint8Array | null> {
    return this.sync.get(digest);
  }

  async has(digest: string): Promise<boolean> {
    return this.sync.has(digest);
  }

  async remove(digest: string): Promise<boolean> {
    return this.sync.remove(digest);
  }

  async digests(options?: PageOptions): Promise<string[]> {
    return this.sync.digests(options);
  }

  /** Nothing to release: the blobs belong to the map, which the store owns. */
  async close(): Promise<void> {}

  /** `await using` support; same as {@link close}. */
  async [Symbol.asyncDispose](): Promise<void> {}
}
