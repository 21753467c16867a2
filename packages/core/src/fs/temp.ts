import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { syncDirectory, syncDirectorySync } from './dirs.js';
import { decodeBoot, encodeBoot } from './holder.js';
import { io, SYNC_IO_BYTES } from './io.js';
import { type ProcessIdentity, thisProcess } from './process.js';

/** Mode of every file a store creates: owner read and write only. */
export const FILE_MODE = 0o600;

// `.<basename>.<pid>~<start>~<pidNs>~<timeNs>~<boot>.<12 hex digits>.tmp`: the writer's identity (see
// process.ts) lets a sweeper tell a dead writer's leftovers from a live writer's work in progress, also
// across pid namespaces, where a pid alone means another process or none. At most 229 bytes for a
// 134-byte base (a 128-character name and `.jsonl`). Earlier versions wrote `.<basename>.<pid>.<hex>.tmp`.
const TEMP_NAME = /^\.(.+)\.(\d+)~(\d*)~(\d*)~(\d*)~([A-Za-z0-9_-]{22}|)\.([0-9a-f]{12})\.tmp$/;
const LEGACY_TEMP_NAME = /^\.(.+)\.(\d+)\.([0-9a-f]{12})\.tmp$/;

/** Who made a temp entry: its identity, or only its pid for a name of an earlier version. */
export type TempOwner = { pid: number; identity: Omit<ProcessIdentity, 'host'> | null };

/** A fresh temp path next to `file` (same directory, so a rename or link onto `file` is atomic). */
export function tempPathFor(file: string): string {
  return join(dirname(file), tempNameFor(basename(file)));
}

// The 12 hex digits of a temp name: a counter from a random start. The owner part already tells
// processes apart, so within one a counter is unique; drawing random bytes per name cost more than a
// small write (measured ~3 µs).
const TEMP_IDS = 2 ** 48;
let tempSequence = randomBytes(6).readUIntBE(0, 6);
let ownerPart: { pid: number; text: string } | undefined;

/** The temp name for an entry called `base`, owned by this process. */
export function tempNameFor(base: string): string {
  const me = thisProcess();
  if (ownerPart?.pid !== me.pid) {
    ownerPart = { pid: me.pid, text: [me.pid, me.start, me.pidNs, me.timeNs, encodeBoot(me.boot)].join('~') };
  }
  tempSequence = (tempSequence + 1) % TEMP_IDS;
  return `.${base}.${ownerPart.text}.${tempSequence.toString(16).padStart(12, '0')}.tmp`;
}

/** Who made temp entry `entry`, or null when `entry` is not a temp name. */
export function tempOwner(entry: string): TempOwner | null {
  const match = TEMP_NAME.exec(entry);
  if (match) {
    const [, , pid, start, pidNs, timeNs, boot] = match as unknown as string[];
    const identity = {
      pid: Number(pid),
      start: start!,
      pidNs: pidNs!,
      timeNs: timeNs!,
      boot: decodeBoot(boot!),
    };
    return { pid: identity.pid, identity };
  }
  const legacy = LEGACY_TEMP_NAME.exec(entry);
  return legacy ? { pid: Number(legacy[2]), identity: null } : null;
}

/** Data as the list of buffers to write, without copying buffers the caller gave. */
export function toChunks(data: string | Uint8Array | readonly Uint8Array[]): readonly Uint8Array[] {
  if (typeof data === 'string') return [Buffer.from(data, 'utf8')];
  if (data instanceof Uint8Array) return [data];
  return data;
}

/**
 * Writes `chunks` to a new temp file next to `file` (opened 'wx', mode 0600 set explicitly), fsync'd
 * when `durable`, and returns its path. On failure the temp file is removed and the error rethrown.
 */
export async function writeTempFile(
  file: string,
  chunks: readonly Uint8Array[],
  durable: boolean,
): Promise<string> {
  const temp = openTemp(file);
  try {
    await writeAll(temp.fd, chunks);
    if (durable) await io.fsync(temp.fd);
  } catch (error) {
    throw dropTemp(temp, error);
  }
  return closeTemp(temp);
}

/** {@link writeTempFile}, synchronously: the writes and the fsync block the thread. */
export function writeTempFileSync(file: string, chunks: readonly Uint8Array[], durable: boolean): string {
  const temp = openTemp(file);
  try {
    writeAllSync(temp.fd, gather(chunks));
    if (durable) io.fsyncSync(temp.fd);
  } catch (error) {
    throw dropTemp(temp, error);
  }
  return closeTemp(temp);
}

/** Renames `temp` over `file` (removing `temp` if that fails), then syncs the directory when `durable`. */
export async function replaceWithTemp(temp: string, file: string, durable: boolean): Promise<void> {
  renameTemp(temp, file);
  if (durable) await syncDirectory(dirname(file));
}

/** {@link replaceWithTemp}, synchronously. */
export function replaceWithTempSync(temp: string, file: string, durable: boolean): void {
  renameTemp(temp, file);
  if (durable) syncDirectorySync(dirname(file));
}

/**
 * Publishes `temp` as `file` only if `file` does not exist (link() fails rather than replace), then
 * removes `temp`. Returns false when `file` existed.
 */
export async function linkTemp(temp: string, file: string, durable: boolean): Promise<boolean> {
  if (!linkOnce(temp, file)) return false;
  if (durable) await syncDirectory(dirname(file));
  return true;
}

/** {@link linkTemp}, synchronously. */
export function linkTempSync(temp: string, file: string, durable: boolean): boolean {
  if (!linkOnce(temp, file)) return false;
  if (durable) syncDirectorySync(dirname(file));
  return true;
}

/**
 * Publishes `temp` as `file`: over it when `replace` (true), else only if there is no `file` (false when
 * there was: see {@link linkTemp}).
 */
export async function publishTemp(temp: string, file: string, replace: boolean, durable: boolean) {
  if (!replace) return linkTemp(temp, file, durable);
  await replaceWithTemp(temp, file, durable);
  return true;
}

/** {@link publishTemp}, synchronously. */
export function publishTempSync(temp: string, file: string, replace: boolean, durable: boolean): boolean {
  if (!replace) return linkTempSync(temp, file, durable);
  replaceWithTempSync(temp, file, durable);
  return true;
}

/** A temp file being written: its path and open descriptor. */
interface OpenTemp {
  path: string;
  fd: number;
}

// The temp file of a write, created 'wx' with mode 0600 (set explicitly: the umask may strip bits).
function openTemp(file: string): OpenTemp {
  if (leftovers.size > 0) removeLeftovers();
  const path = tempPathFor(file);
  const fd = io.openSync(path, 'wx', FILE_MODE);
  const temp = { path, fd };
  try {
    io.fchmodSync(fd, FILE_MODE);
  } catch (error) {
    throw dropTemp(temp, error);
  }
  return temp;
}

// Closes a fully written temp file and returns its path; a failed close removes it.
function closeTemp(temp: OpenTemp): string {
  try {
    io.closeSync(temp.fd);
  } catch (error) {
    removeQuietly(temp.path);
    throw error;
  }
  return temp.path;
}

// Closes and removes a temp file whose write failed; returns the failure, for the caller to throw.
function dropTemp(temp: OpenTemp, error: unknown): unknown {
  try {
    io.closeSync(temp.fd);
  } catch {
    // The write's own failure is the one to report.
  }
  removeQuietly(temp.path);
  return error;
}

function renameTemp(temp: string, file: string): void {
  try {
    io.renameSync(temp, file);
  } catch (error) {
    removeQuietly(temp);
    throw error;
  }
}

// Links `temp` to `file` unless `file` exists (false), and removes `temp` either way.
function linkOnce(temp: string, file: string): boolean {
  try {
    io.linkSync(temp, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    removeQuietly(temp);
  }
}

// Temp files of this process that could not be removed (the unlink failed too); the next temp write of
// this process removes them, so none outlives it. Those of a process that exits go to the sweep.
const leftovers = new Set<string>();

/**
 * Unlinks `file`, ignoring every error: used on paths that are already failing. A temp file that stays
 * is removed by this process's next {@link writeTempFile}.
 */
export function removeQuietly(file: string): void {
  try {
    io.unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') leftovers.add(file);
  }
}

function removeLeftovers(): void {
  const files = [...leftovers];
  leftovers.clear();
  for (const file of files) removeQuietly(file);
}

// Small data synchronously (see io.ts), as one buffer: on ext4 a file written in two pieces then renamed
// over another took ~40% longer to rename (measured 219 vs 152 µs for 140 + 1035 bytes). More data goes
// through the thread pool.
async function writeAll(fd: number, chunks: readonly Uint8Array[]): Promise<void> {
  const pending = gather(chunks);
  if (pending.length <= 1 && (pending[0]?.byteLength ?? 0) <= SYNC_IO_BYTES) return writeAllSync(fd, pending);
  const total = byteLength(pending);
  for (let rest = pending; rest.length > 0; )
    rest = advance(rest, (await io.writev(fd, rest)).bytesWritten, total);
}

function writeAllSync(fd: number, pending: readonly Uint8Array[]): void {
  const total = byteLength(pending);
  for (let rest = pending; rest.length > 0; ) rest = advance(rest, io.writevSync(fd, rest), total);
}

// The non-empty chunks, joined into one buffer when they are small (see writeAll).
function gather(chunks: readonly Uint8Array[]): readonly Uint8Array[] {
  const pending = chunks.filter((chunk) => chunk.byteLength > 0);
  if (pending.length <= 1) return pending;
  const total = byteLength(pending);
  return total <= SYNC_IO_BYTES ? [Buffer.concat(pending, total)] : pending;
}

function byteLength(chunks: readonly Uint8Array[]): number {
  let total = 0;
  for (const chunk of chunks) total += chunk.byteLength;
  return total;
}

// What is left to write after a writev wrote `bytesWritten` bytes of `pending`: writev may stop short (a
// signal, a full disk, more buffers than IOV_MAX), and the next one resumes where it stopped.
function advance(pending: readonly Uint8Array[], bytesWritten: number, total: number): readonly Uint8Array[] {
  if (bytesWritten === 0) throw shortWrite(total);
  let done = 0;
  let left = bytesWritten;
  while (done < pending.length && left >= pending[done]!.byteLength) {
    left -= pending[done]!.byteLength;
    done++;
  }
  if (done === pending.length || left === 0) return pending.slice(done);
  return [pending[done]!.subarray(left), ...pending.slice(done + 1)];
}

// A write that makes no progress would loop forever; the kernel reports a full disk as ENOSPC, so this
// is a device that accepts nothing without saying why.
function shortWrite(total: number): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`write made no progress (${total} bytes to write)`);
  error.code = 'EIO';
  return error;
}
