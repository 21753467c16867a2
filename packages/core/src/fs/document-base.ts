import { randomFillSync } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import type { z } from 'zod';
import { CorruptDataError } from '../errors.js';
import { type FramedExpect, type FramedHeader, WRITE_ID } from './frame.js';
import { HEADER_READ_BYTES, headerOf } from './framed.js';
import { io } from './io.js';
import { ReadableFile } from './read.js';

/*
 * What a writer replaces: its base. Every write of a document (a save, a create, a remove) is made against
 * the state it read, and lands only if that state is still the current one when it lands (see
 * document-commit.ts). A state is named by a key that no later state of the document ever has again:
 * - a document file: the id of the write that made it (`writeId` in its header line: 96 random bits);
 *   a file of an earlier version, which has none, by its inode number and change time;
 * - a removed document: its tombstone, a dangling symlink `<name>.jsonl -> .deleted.<id>` that the remove
 *   put in its place (a plain unlink could not be made conditional: see document-commit.ts), keyed by
 *   that id. Readers, listings and `names()` see no document there;
 * - no entry at all (a name never written): no key; a write creates it with link(), which fails when
 *   anything appeared meanwhile.
 * The writer keeps the file it read open until it has committed: while it is open its inode number is
 * not given to any other file, so "the entry is still that inode" is an exact test that it is unchanged.
 */

/** The state a write replaces: see above. */
export interface Base<H> {
  /** Its key, or null when there is no entry. */
  readonly key: string | null;
  /** The header it holds, when it is a document that was read whole (for a read-modify-write). */
  readonly header: FramedHeader<H> | null;
  /** Its inode number (0 for none or a tombstone). */
  readonly ino: number;
  /** The tombstone's target, when it is one. */
  readonly tombstone: string | null;
  /** The open descriptor pinning its inode (-1 when none); closed by {@link closeBase}. */
  fd: number;
}

/** A lock a face of a folder holds on a name, with the state its holder last saw or wrote. */
export interface Held<H> {
  readonly fence: number;
  base: Base<H>;
}

const TOMBSTONE_PREFIX = '.deleted.';
const ABSENT: Base<never> = { key: null, header: null, ino: 0, tombstone: null, fd: -1 };
// A write id is drawn from a pool of random bytes: one crypto call per 256 writes.
const ID_BYTES = 12;
const idPool = Buffer.allocUnsafe(ID_BYTES * 256);
let idOffset = idPool.length;

/** A fresh write id: 16 base64url characters. */
export function newWriteId(): string {
  if (idOffset === idPool.length) {
    randomFillSync(idPool);
    idOffset = 0;
  }
  const id = idPool.toString('base64url', idOffset, idOffset + ID_BYTES);
  idOffset += ID_BYTES;
  return id;
}

/** The target of the tombstone a remove with write id `id` leaves. */
export function tombstoneTarget(id: string): string {
  return `${TOMBSTONE_PREFIX}${id}`;
}

/** The target of the symlink at `file`, or null when it is not a symlink (any more) or is gone. */
function linkTarget(file: string): string | null {
  try {
    return io.readlinkSync(file, 'utf8');
  } catch (error) {
    // Any other failure is the filesystem's.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EINVAL' || code === 'ENOENT') return null;
    throw error;
  }
}

function isTombstoneTarget(target: string): boolean {
  return target.startsWith(TOMBSTONE_PREFIX) && WRITE_ID.test(target.slice(TOMBSTONE_PREFIX.length));
}

function isSymlinkError(error: unknown): boolean {
  return (
    error instanceof CorruptDataError &&
    (error.details as { reason?: unknown } | undefined)?.reason === 'symlink'
  );
}

/** The tombstone at `file` (its target), or null when `file` is not a symlink of ours. */
export function tombstoneAt(file: string): string | null {
  const target = linkTarget(file);
  return target !== null && isTombstoneTarget(target) ? target : null;
}

/** Whether `error` refused a symlink at `file` that is one of our tombstones: then there is no document. */
export function isTombstoneError(error: unknown, file: string): boolean {
  return isSymlinkError(error) && tombstoneAt(file) !== null;
}

/**
 * Whether `error` refused a symlink at `file` whose entry changed since: it is no symlink any more, or gone,
 * or a tombstone now (other processes removed and re-created the document between the open that met the
 * symlink and this check). The read is then made again; a planted symlink stays one and is refused.
 */
export function isReplacedSymlinkError(error: unknown, file: string): boolean {
  if (!isSymlinkError(error)) return false;
  const target = linkTarget(file);
  return target === null || isTombstoneTarget(target);
}

/**
 * Opens the base of a write of `file`. With `strict`, the document's header is validated and returned
 * (a damaged one is a `CorruptDataError`, as a read's); without, a damaged document is only keyed by its
 * inode, so a blind write can replace it. A symlink that is not a tombstone is refused.
 */
export function openBase<H>(
  file: string,
  expect: FramedExpect,
  schema: z.ZodType<H>,
  strict: boolean,
): Base<H> {
  let handle: ReadableFile | null;
  try {
    handle = ReadableFile.open(file, false, HEADER_READ_BYTES);
  } catch (error) {
    const tombstone = isTombstoneError(error, file) ? tombstoneAt(file) : null;
    if (tombstone === null) throw error;
    return { key: tombstone.slice(TOMBSTONE_PREFIX.length), header: null, ino: 0, tombstone, fd: -1 };
  }
  if (handle === null) return ABSENT;
  const fd = handle.detach();
  try {
    const stats = io.fstatSync(fd);
    let header: FramedHeader<H> | null = null;
    try {
      header = headerOf(handle, expect, schema, true);
    } catch (error) {
      if (strict) throw error;
    }
    const key = header?.writeId ?? `${stats.ino}-${Math.floor(stats.ctimeMs * 1000)}`;
    return { key, header, ino: stats.ino, tombstone: null, fd };
  } catch (error) {
    io.closeSync(fd);
    throw error;
  }
}

/** The base a write that just landed leaves for the next write of the same holder: `temp`'s inode, pinned. */
export function baseOfWrite<H>(temp: string, writeId: string, tombstone: boolean): Base<H> {
  if (tombstone) return { key: writeId, header: null, ino: 0, tombstone: tombstoneTarget(writeId), fd: -1 };
  const fd = io.openSync(temp, 'r');
  return { key: writeId, header: null, ino: io.fstatSync(fd).ino, tombstone: null, fd };
}

/**
 * Closes what {@link openBase} opened; idempotent. In the thread pool: once a write replaced it, this is
 * the last reference to the old file, and closing it frees the file's blocks (measured 85 µs a close on
 * ext4), which need not delay the write. Nothing was written through it, so its close cannot fail a write.
 */
export function closeBase(base: Base<unknown>): void {
  if (base.fd < 0) return;
  const fd = base.fd;
  base.fd = -1;
  io.close(fd).catch(ignoreClosed);
}

function ignoreClosed(): void {}

/** Whether `base` is still the current state of `file`. */
export function isCurrent(file: string, base: Base<unknown>): boolean {
  if (base.tombstone !== null) return tombstoneAt(file) === base.tombstone;
  try {
    const stats = io.lstatSync(file);
    return base.key !== null && stats.isFile() && stats.ino === base.ino;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return base.key === null;
    throw error;
  }
}

/** The claim of the write over state `key` of `file`: `.<name>.jsonl.<key>.claim` beside it. */
export function claimPath(file: string, key: string): string {
  return join(dirname(file), `.${basename(file)}.${key}.claim`);
}
