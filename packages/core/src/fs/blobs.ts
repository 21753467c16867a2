import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { assertBytes, assertDigest, type BlobBackend, type BlobSpec, blobDigest } from '../blobs.js';
import type { PageOptions } from '../pages.js';
import { BlobFolder, DigestPage, openWhole, ownBytes } from './blob-folder.js';
import { FilesystemSyncBlobBackend } from './blobs-sync.js';
import { DIRENTS, missingAsEmpty, syncDirectory } from './dirs.js';
import { io, SYNC_IO_BYTES } from './io.js';
import type { FilesystemOptions } from './options.js';
import { publishTemp, writeTempFile } from './temp.js';

/**
 * Options of a {@link FilesystemBlobBackend}: `root` and `durable` of {@link FilesystemOptions} (blobs take
 * no lock, so a store's `lockTimeoutMs` is checked but unused).
 */
export type FilesystemBlobOptions = Pick<FilesystemOptions, 'root' | 'durable'>;

// Bytes hashed per turn of the event loop: SHA-256 runs at 0.4-1.6 GB/s (with or without SHA-NI), so
// about 1-3 ms of work. Hashing a blob of hundreds of MB in one call would block the loop for a second.
const HASH_SLICE = 1024 * 1024;
const yieldToEventLoop = () => new Promise<void>((resume) => setImmediate(resume));

/**
 * The filesystem {@link BlobBackend}: `<root>/<folder>/<2 hex>/<digest>`, folders created on first use
 * (mode 0700; blobs 0600). A put writes a temp file in the blob's folder (fsync'd unless `durable: false`)
 * and links it into place, so a reader never sees part of a blob, and concurrent puts of the same bytes,
 * from any process, store it once; a blob that exists is kept. Every read is verified against its digest
 * (a `CorruptDataError` naming the file), symlinks inside the store are refused, and temp files that
 * killed writers left are swept when the backend first opens its folder. {@link FilesystemBlobBackend.sync}
 * is its synchronous face, over the same folder.
 */
export class FilesystemBlobBackend implements BlobBackend {
  /** The store root, as an absolute path. */
  readonly root: string;
  /** The synchronous face of this folder: the same blobs and opened folder. */
  readonly sync: FilesystemSyncBlobBackend;
  readonly #folder: BlobFolder;

  constructor(spec: BlobSpec, options: FilesystemBlobOptions) {
    this.#folder = new BlobFolder(spec, options);
    this.root = this.#folder.root;
    this.sync = new FilesystemSyncBlobBackend(this.#folder);
  }

  /**
   * The absolute folder path. The first call creates the folder (see {@link openStoreDir}) and removes
   * the temp files that killed writers left in its subfolders; later calls reuse that result.
   */
  directory(): Promise<string> {
    return this.#folder.directory();
  }

  /**
   * Stores `bytes` and resolves to their digest. Up to 64 KB they are copied before this returns; larger
   * bytes are written from the caller's buffer (no copy of hundreds of MB), which must then not change
   * until the put settles, as with `fs.write`. A stored file of another size than `bytes` cannot hold
   * this content (it was damaged): it is replaced atomically.
   */
  async put(bytes: Uint8Array): Promise<string> {
    const folder = this.#folder;
    assertBytes(folder.kind, bytes);
    const data = bytes.byteLength <= SYNC_IO_BYTES ? Buffer.from(bytes) : bytes;
    const digest = await digestOf(data);
    try {
      const slot = folder.slot(await folder.liveDirectory(), digest);
      // Kept as it is: a durable writer fsync'd it before linking it, and synced its folder entry after,
      // unless that writer is between the two right now.
      if (slot.size === data.byteLength) return digest;
      const temp = await writeTempFile(slot.file, [data], folder.durable);
      const linked = await publishTemp(temp, slot.file, slot.size !== null, folder.durable);
      for (const dir of folder.unsynced(slot, linked)) await syncDirectory(dir);
      return digest;
    } catch (error) {
      throw folder.failure(error, 'put', digest);
    }
  }

  /** The bytes of blob `digest`, verified, or null when there is none; yours to keep and mutate. */
  async get(digest: string): Promise<Uint8Array | null> {
    const folder = this.#folder;
    assertDigest(folder.kind, digest);
    try {
      const file = folder.file(await folder.directory(), digest);
      const bytes = file === null ? null : await readWhole(file);
      if (bytes !== null) folder.verify(file!, digest, await digestOf(bytes), bytes.byteLength);
      return bytes;
    } catch (error) {
      throw folder.failure(error, 'get', digest);
    }
  }

  /** Whether blob `digest` is stored: one lstat, nothing read. */
  async has(digest: string): Promise<boolean> {
    const folder = this.#folder;
    assertDigest(folder.kind, digest);
    try {
      return folder.has(await folder.directory(), digest);
    } catch (error) {
      throw folder.failure(error, 'has', digest);
    }
  }

  /** Removes blob `digest` (its folder entry fsync'd when durable); false when there was none. */
  async remove(digest: string): Promise<boolean> {
    const folder = this.#folder;
    assertDigest(folder.kind, digest);
    try {
      const sub = folder.unlink(await folder.directory(), digest);
      if (sub !== null && folder.durable) await syncDirectory(sub);
      return sub !== null;
    } catch (error) {
      throw folder.failure(error, 'remove', digest);
    }
  }

  /**
   * The stored digests, sorted, one page at a time: the subfolders are read in order from the one
   * `after` falls in, and reading stops once the page is full. Temp files and foreign names are left out.
   */
  async digests(options?: PageOptions): Promise<string[]> {
    const page = new DigestPage(this.#folder.kind, options);
    try {
      const dir = await this.#folder.directory();
      for (const sub of page.subfolders(await list(dir)))
        if (page.add(sub, await list(join(dir, sub)))) break;
      return page.digests;
    } catch (error) {
      throw this.#folder.failure(error, 'list');
    }
  }

  /** Nothing to release: every call opens and closes what it uses. */
  async close(): Promise<void> {}

  /** `await using` support; same as {@link close}. */
  async [Symbol.asyncDispose](): Promise<void> {}
}

/** The SHA-256 of `bytes`, hashed {@link HASH_SLICE} bytes per turn of the event loop. */
async function digestOf(bytes: Uint8Array): Promise<string> {
  if (bytes.byteLength <= HASH_SLICE) return blobDigest(bytes);
  const hash = createHash('sha256');
  for (let offset = 0; offset < bytes.byteLength; offset += HASH_SLICE) {
    if (offset > 0) await yieldToEventLoop();
    hash.update(bytes.subarray(offset, offset + HASH_SLICE));
  }
  return hash.digest('hex');
}

/**
 * The whole of regular file `file` as a Uint8Array of its own, or null when there is none. Up to 64 KB it
 * is read synchronously; a larger file is read through the thread pool.
 */
async function readWhole(file: string): Promise<Uint8Array | null> {
  const handle = openWhole(file);
  if (handle === null) return null;
  try {
    return ownBytes(
      handle.size <= SYNC_IO_BYTES
        ? handle.readPrefixSync(handle.size)
        : await handle.readPrefix(handle.size),
    );
  } finally {
    handle.close();
  }
}

function list(dir: string) {
  return io.readdir(dir, DIRENTS).catch(missingAsEmpty);
}
