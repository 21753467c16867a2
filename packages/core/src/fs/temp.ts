import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { syncDirectory } from './dirs.js';
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
  if (leftovers.size > 0) removeLeftovers();
  const temp = tempPathFor(file);
  const fd = io.openSync(temp, 'wx', FILE_MODE);
  try {
    try {
      io.fchmodSync(fd, FILE_MODE);
      await writeAll(fd, chunks);
      if (durable) await io.fsync(fd);
    } finally {
      io.closeSync(fd);
    }
  } catch (error) {
    removeQuietly(temp);
    throw error;
  }
  return temp;
}

/** Renames `temp` over `file` (removing `temp` if that fails), then syncs the directory when `durable`. */
export async function replaceWithTemp(temp: string, file: string, durable: boolean): Promise<void> {
  try {
    io.renameSync(temp, file);
  } catch (error) {
    removeQuietly(temp);
    throw error;
  }
  if (durable) await syncDirectory(dirname(file));
}

/**
 * Publishes `temp` as `file` only if `file` does not exist (link() fails rather than replace), then
 * removes `temp`. Returns false when `file` existed.
 */
export async function linkTemp(temp: string, file: string, durable: boolean): Promise<boolean> {
  try {
    io.linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    removeQuietly(temp);
  }
  if (durable) await syncDirectory(dirname(file));
  return true;
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
  let pending = chunks.filter((chunk) => chunk.byteLength > 0);
  let total = 0;
  for (const chunk of pending) total += chunk.byteLength;
  const sync = total <= SYNC_IO_BYTES;
  if (sync && pending.length > 1) pending = [Buffer.concat(pending, total)];
  while (pending.length > 0) {
    // writev may stop short (a signal, a full disk, more buffers than IOV_MAX); resume where it stopped.
    let bytesWritten = sync ? io.writevSync(fd, pending) : (await io.writev(fd, pending)).bytesWritten;
    if (bytesWritten === 0) throw shortWrite(total);
    let done = 0;
    while (done < pending.length && bytesWritten >= pending[done]!.byteLength) {
      bytesWritten -= pending[done]!.byteLength;
      done++;
    }
    pending = pending.slice(done);
    if (pending.length > 0 && bytesWritten > 0) {
      pending = [pending[0]!.subarray(bytesWritten), ...pending.slice(1)];
    }
  }
}

// A write that makes no progress would loop forever; the kernel reports a full disk as ENOSPC, so this
// is a device that accepts nothing without saying why.
function shortWrite(total: number): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`write made no progress (${total} bytes to write)`);
  error.code = 'EIO';
  return error;
}
