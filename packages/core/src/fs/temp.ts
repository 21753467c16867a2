import { randomBytes } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { link, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { syncDirectory } from './dirs.js';
import { decodeBoot, encodeBoot } from './holder.js';
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

/** The temp name for an entry called `base`, owned by this process. */
export function tempNameFor(base: string): string {
  const me = thisProcess();
  const owner = [me.pid, me.start, me.pidNs, me.timeNs, encodeBoot(me.boot)].join('~');
  return `.${base}.${owner}.${randomBytes(6).toString('hex')}.tmp`;
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
  const temp = tempPathFor(file);
  const handle = await open(temp, 'wx', FILE_MODE);
  try {
    try {
      await handle.chmod(FILE_MODE);
      await writeAll(handle, chunks);
      if (durable) await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    await removeQuietly(temp);
    throw error;
  }
  return temp;
}

/** Renames `temp` over `file` (removing `temp` if that fails), then syncs the directory when `durable`. */
export async function replaceWithTemp(temp: string, file: string, durable: boolean): Promise<void> {
  try {
    await rename(temp, file);
  } catch (error) {
    await removeQuietly(temp);
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
    await link(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await removeQuietly(temp);
  }
  if (durable) await syncDirectory(dirname(file));
  return true;
}

/** Unlinks `file`, ignoring every error: used on paths that are already failing. */
export async function removeQuietly(file: string): Promise<void> {
  await unlink(file).catch(() => undefined);
}

async function writeAll(handle: FileHandle, chunks: readonly Uint8Array[]): Promise<void> {
  let pending = chunks.filter((chunk) => chunk.byteLength > 0);
  while (pending.length > 0) {
    // writev may stop short (a signal, or more buffers than IOV_MAX); resume where it stopped.
    let { bytesWritten } = await handle.writev(pending);
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
