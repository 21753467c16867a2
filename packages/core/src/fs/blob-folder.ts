import { constants } from 'node:buffer';
import type { Dirent, Stats } from 'node:fs';
import { join } from 'node:path';
import { type BlobSpec, checkBlobSpec } from '../blobs.js';
import { CorruptDataError } from '../errors.js';
import { type PageOptions, pageAfter, pageLimit } from '../pages.js';
import { sweepTempFiles, sweepTempFilesSync } from './atomic.js';
import { DIRENTS, makePrivateDir } from './dirs.js';
import { asStorageFailure } from './failures.js';
import { io, SYNC_IO_BYTES } from './io.js';
import { OpenedFolder } from './opened-folder.js';
import type { FilesystemOptions } from './options.js';
import { ReadableFile, symlinkError } from './read.js';
import { checkStoreDirSync, openStoreDir, openStoreDirSync } from './root.js';
import { unlinkIfPresent } from './unlink.js';

// Blobs are spread over 256 subfolders named by the first two hex digits of their digest, so no folder
// grows past what readdir and directory lookups handle well (git's objects/ and cacache do the same).
const FANOUT = /^[0-9a-f]{2}$/;
const DIGEST = /^[0-9a-f]{64}$/;

/** Where a put stores a blob, as the folder was found before the write. */
export interface BlobSlot {
  /** The blob folder. */
  dir: string;
  /** The blob's subfolder, and whether this put created it. */
  sub: string;
  created: boolean;
  /** The blob's file, and its size when one is there already. */
  file: string;
  size: number | null;
}

/**
 * One filesystem folder of blobs, as both of its faces see it: the asynchronous `FilesystemBlobBackend`
 * and its synchronous face share this object (the opened folder, the options), and what the two faces
 * decide alike is decided here, once.
 */
export class BlobFolder extends OpenedFolder {
  constructor(spec: BlobSpec, options: Pick<FilesystemOptions, 'root' | 'durable'>) {
    checkBlobSpec(spec);
    super(spec, options);
  }

  /** Where blob `digest` goes in folder `dir`: its subfolder is created when missing. */
  slot(dir: string, digest: string): BlobSlot {
    const sub = join(dir, digest.slice(0, 2));
    const created = ownEntry(sub, 'directory') === null;
    if (created) makePrivateDir(sub, false);
    const file = join(sub, digest);
    return { dir, sub, created, file, size: ownEntry(file, 'regular file')?.size ?? null };
  }

  /**
   * The folders whose entries a durable put must still sync once its temp file was published (`linked`:
   * by this put, else a concurrent writer linked it first): the subfolder when that writer may not have
   * synced it yet (this put's promise of durability must not rest on that writer finishing), the folder
   * when this put created the subfolder.
   */
  unsynced(slot: BlobSlot, linked: boolean): string[] {
    if (!this.durable) return [];
    const dirs = linked ? [] : [slot.sub];
    if (slot.created) dirs.push(slot.dir);
    return dirs;
  }

  /** The file of blob `digest` in folder `dir`, or null when its subfolder is missing. */
  file(dir: string, digest: string): string | null {
    const sub = join(dir, digest.slice(0, 2));
    return ownEntry(sub, 'directory') === null ? null : join(sub, digest);
  }

  /** Whether blob `digest` is stored in folder `dir`: lstats, nothing read. */
  has(dir: string, digest: string): boolean {
    const file = this.file(dir, digest);
    return file !== null && ownEntry(file, 'regular file') !== null;
  }

  /** Unlinks blob `digest` of folder `dir`: the subfolder whose entry went, or null when there was none. */
  unlink(dir: string, digest: string): string | null {
    if (!checkStoreDirSync(dir)) return null;
    const file = this.file(dir, digest);
    if (file === null || ownEntry(file, 'regular file') === null || !unlinkIfPresent(file)) return null;
    // Empty subfolders stay: removing one could race a put that is about to link a blob into it.
    return join(dir, digest.slice(0, 2));
  }

  /** Throws a `CorruptDataError` naming the file unless `actual`, the digest of the bytes read, is `digest`. */
  verify(file: string, digest: string, actual: string, bytes: number): void {
    if (actual === digest) return;
    throw new CorruptDataError(`corrupt ${this.kind} file ${file}: its bytes hash to ${actual}`, {
      details: { kind: this.kind, digest, file, reason: 'digest mismatch', bytes },
    });
  }

  /**
   * A system error as the `StorageFailureError` a call reports, naming the blob's file (or the folder); a
   * folder that is no longer a directory (ENOTDIR below it) as the `CorruptDataError` of the folder check.
   */
  failure(error: unknown, operation: string, digest?: string): unknown {
    const fault = this.folderFault(error);
    if (fault !== null) return fault;
    const folder = join(this.root, this.folder);
    const file = digest === undefined ? folder : join(folder, digest.slice(0, 2), digest);
    return asStorageFailure(error, { kind: this.kind, operation, name: digest, file });
  }

  protected async open(): Promise<string> {
    const dir = await openStoreDir(this.root, this.folder);
    for (const sub of subfolders(await io.readdir(dir, DIRENTS))) await sweepTempFiles(join(dir, sub));
    return dir;
  }

  protected openSync(): string {
    const dir = openStoreDirSync(this.root, this.folder);
    for (const sub of subfolders(io.readdirSync(dir, DIRENTS))) sweepTempFilesSync(join(dir, sub));
    return dir;
  }
}

/**
 * One page of a digest listing, filled subfolder by subfolder: the subfolders are read in order from the
 * one `after` falls in, and reading stops once the page is full. Temp files and foreign names are left out.
 */
export class DigestPage {
  /** The digests so far, sorted. */
  readonly digests: string[] = [];
  readonly #limit: number;
  readonly #after: string | undefined;

  /** Checks the page options: an `InvalidArgumentError` naming `kind` for a bad one. */
  constructor(kind: string, options: PageOptions | undefined) {
    this.#limit = pageLimit(kind, options?.limit);
    this.#after = pageAfter(kind, options?.after);
  }

  /** The subfolders among the folder's entries that may hold digests of this page, sorted. */
  subfolders(entries: readonly Dirent[]): string[] {
    const from = this.#after?.slice(0, 2) ?? '';
    return subfolders(entries).filter((sub) => sub >= from);
  }

  /** Adds the digests of subfolder `sub` (its entries) to the page; true once the page is full. */
  add(sub: string, entries: readonly Dirent[]): boolean {
    const after = this.#after;
    const found: string[] = [];
    for (const entry of entries) {
      const name = entry.name;
      // A digest in another subfolder than its own is unreachable by get: not listed either.
      if (!entry.isFile() || !name.startsWith(sub) || !DIGEST.test(name)) continue;
      if (after === undefined || name > after) found.push(name);
    }
    for (const digest of found.sort()) {
      this.digests.push(digest);
      if (this.digests.length === this.#limit) return true;
    }
    return false;
  }
}

/**
 * Opens regular file `file` to read it whole (null when there is none; a symlink is refused). No put
 * makes a file larger than an array holds: such a file is damage, not a blob to allocate.
 */
export function openWhole(file: string): ReadableFile | null {
  const handle = ReadableFile.open(file);
  if (handle !== null && handle.size > constants.MAX_LENGTH) {
    handle.close();
    throw new CorruptDataError(`corrupt blob file ${file}: ${handle.size} bytes, more than any array holds`, {
      details: { file, reason: 'too large', bytes: handle.size },
    });
  }
  return handle;
}

/**
 * The bytes read of a whole file as a Uint8Array of the caller's own: small ones copied out of the
 * reader's shared buffer, large ones (read into a buffer of their own) handed out without a copy.
 */
export function ownBytes(buffer: Buffer): Uint8Array {
  if (buffer.byteLength <= SYNC_IO_BYTES) return new Uint8Array(buffer);
  // A plain Uint8Array: a Buffer's slice() is a view, where a Uint8Array's is a copy a caller may mutate.
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

// The fanout subfolders among a folder's entries, sorted.
function subfolders(entries: readonly Dirent[]): string[] {
  return entries
    .filter((entry) => entry.isDirectory() && FANOUT.test(entry.name))
    .map((entry) => entry.name)
    .sort();
}

/**
 * The lstat of `path`, or null when there is none. Anything but a `kind` there is a `CorruptDataError`
 * (details `{ file, reason }`): a symlink (reason `'symlink'`, as at open), a file for a folder, ...
 */
function ownEntry(path: string, kind: 'directory' | 'regular file'): Stats | null {
  let stats: Stats;
  try {
    stats = io.lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  if (stats.isSymbolicLink()) throw symlinkError(path);
  if (kind === 'directory' ? !stats.isDirectory() : !stats.isFile()) {
    throw new CorruptDataError(`${path} is not a ${kind}`, {
      details: { file: path, reason: `not a ${kind}` },
    });
  }
  return stats;
}
