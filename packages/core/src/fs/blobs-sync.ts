import { join } from 'node:path';
import { assertBytes, assertDigest, blobDigest } from '../blobs.js';
import type { PageOptions } from '../pages.js';
import type { SyncBlobBackend } from '../sync-ports.js';
import { type BlobFolder, DigestPage, openWhole, ownBytes } from './blob-folder.js';
import { listSync, syncDirectorySync } from './dirs.js';
import { publishTempSync, writeTempFileSync } from './temp.js';

/**
 * The synchronous face of a filesystem blob folder (`FilesystemBlobBackend.sync`,
 * `FilesystemStore.blobsSync`): the same files, checks and errors as the asynchronous port, over the same
 * opened folder, through synchronous calls (fsync too: a durable put returns once it is on the device).
 * Bytes are hashed and read in one piece, so a large blob blocks the thread for as long as that takes.
 */
export class FilesystemSyncBlobBackend implements SyncBlobBackend {
  /** The store root, as an absolute path. */
  readonly root: string;
  readonly #folder: BlobFolder;

  /** Over the folder of a `FilesystemBlobBackend`, which makes its face: use its `sync`. */
  constructor(folder: BlobFolder) {
    this.#folder = folder;
    this.root = folder.root;
  }

  /** The absolute folder path, created (and swept of dead writers' temp files) on first use. */
  directory(): string {
    return this.#folder.directorySync();
  }

  /** Stores `bytes` (written before this returns, so the caller may reuse its buffer) and returns their digest. */
  put(bytes: Uint8Array): string {
    const folder = this.#folder;
    assertBytes(folder.kind, bytes);
    const digest = blobDigest(bytes);
    try {
      const slot = folder.slot(folder.liveDirectorySync(), digest);
      // Kept as it is (see FilesystemBlobBackend.put).
      if (slot.size === bytes.byteLength) return digest;
      const temp = writeTempFileSync(slot.file, [bytes], folder.durable);
      const linked = publishTempSync(temp, slot.file, slot.size !== null, folder.durable);
      for (const dir of folder.unsynced(slot, linked)) syncDirectorySync(dir);
      return digest;
    } catch (error) {
      throw folder.failure(error, 'put', digest);
    }
  }

  get(digest: string): Uint8Array | null {
    const folder = this.#folder;
    assertDigest(folder.kind, digest);
    try {
      const file = folder.file(folder.directorySync(), digest);
      const bytes = file === null ? null : readWholeSync(file);
      if (bytes !== null) folder.verify(file!, digest, blobDigest(bytes), bytes.byteLength);
      return bytes;
    } catch (error) {
      throw folder.failure(error, 'get', digest);
    }
  }

  has(digest: string): boolean {
    const folder = this.#folder;
    assertDigest(folder.kind, digest);
    try {
      return folder.has(folder.directorySync(), digest);
    } catch (error) {
      throw folder.failure(error, 'has', digest);
    }
  }

  remove(digest: string): boolean {
    const folder = this.#folder;
    assertDigest(folder.kind, digest);
    try {
      const sub = folder.unlink(folder.directorySync(), digest);
      if (sub !== null && folder.durable) syncDirectorySync(sub);
      return sub !== null;
    } catch (error) {
      throw folder.failure(error, 'remove', digest);
    }
  }

  digests(options?: PageOptions): string[] {
    const page = new DigestPage(this.#folder.kind, options);
    try {
      const dir = this.#folder.directorySync();
      for (const sub of page.subfolders(listSync(dir))) if (page.add(sub, listSync(join(dir, sub)))) break;
      return page.digests;
    } catch (error) {
      throw this.#folder.failure(error, 'list');
    }
  }

  /** Nothing to release: every call opens and closes what it uses. */
  close(): void {}
}

function readWholeSync(file: string): Uint8Array | null {
  const handle = openWhole(file);
  if (handle === null) return null;
  try {
    return ownBytes(handle.readPrefixSync(handle.size));
  } finally {
    handle.close();
  }
}
