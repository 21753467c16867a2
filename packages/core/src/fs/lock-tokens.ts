import { dirname, join } from 'node:path';
import { ConflictError, CorruptDataError } from '../errors.js';
import { freeName, parseToken, type Token } from './holder.js';
import { io } from './io.js';
import { refuseSymlinkSync } from './root.js';
import { FILE_MODE } from './temp.js';

/*
 * The entries of a lock directory (see lock.ts), read strictly: anyone who can write the store can write
 * names there, so an entry is trusted only as a valid token (holder.ts has the rules). Any other entry is
 * ignored and reported once per process (a warning with code OMEGA_LOCK_DAMAGED): it never names a
 * holder, so it can neither hand out a wrong fence nor make a waiter wait. Entries starting with '.' are
 * left alone without a word: they are temp entries or reserved for other uses.
 */

/** What a lock directory holds. */
export interface Tokens {
  /** Its valid tokens, the highest fence first (ties by name, so every process orders them alike). */
  tokens: Token[];
  /** Whether it holds anything else: then a new token is created in place, not by a directory rename. */
  others: boolean;
}

// The lease read for tokens of earlier versions, which record none: the default lease.
const LEGACY_LEASE_MS = 10_000;
// (dir, entry) pairs already reported, so damage is reported once per process, not at every save.
const reported = new Set<string>();
const MAX_REPORTED = 4096;

/**
 * Lists lock directory `dir`: null when it does not exist. A listing concurrent with a rename may show the
 * token under both names, or neither (readdir is not atomic); acting on a stale name just fails its
 * rename, so that only ever costs a retry.
 */
export function readTokens(dir: string): Tokens | null {
  let entries: string[];
  try {
    entries = io.readdirSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ENOTDIR') {
      throw new CorruptDataError(`lock ${dir} is not a directory`, {
        details: { file: dir, reason: 'not a directory' },
      });
    }
    throw error;
  }
  const tokens: Token[] = [];
  let others = false;
  for (const entry of entries) {
    const token = parseToken(entry, LEGACY_LEASE_MS);
    if (token !== null) {
      tokens.push(token);
      continue;
    }
    others = true;
    if (!entry.startsWith('.')) reportDamaged(dir, entry, 'not a valid lock token: ignored');
  }
  if (tokens.length > 1) tokens.sort(byFenceThenName);
  return { tokens, others };
}

function byFenceThenName(a: Token, b: Token): number {
  if (a.fence !== b.fence) return b.fence - a.fence;
  return a.entry < b.entry ? -1 : 1;
}

/** Reports damaged entry `entry` of lock `dir` once per process: a warning with code `OMEGA_LOCK_DAMAGED`. */
export function reportDamaged(dir: string, entry: string, what: string): void {
  const key = `${dir}\0${entry}`;
  if (reported.has(key)) return;
  if (reported.size >= MAX_REPORTED) reported.clear();
  reported.add(key);
  process.emitWarning(`lock ${dir} has a damaged entry ${JSON.stringify(entry)}: ${what}`, {
    code: 'OMEGA_LOCK_DAMAGED',
  });
}

/** Renames token `from` to `to` in `dir`: the compare-and-swap of the lock; false when `from` is gone. */
export function moveToken(dir: string, from: string, to: string): boolean {
  try {
    io.renameSync(join(dir, from), join(dir, to));
    return true;
  } catch (error) {
    // ENOTDIR: the directory was replaced by a file; readTokens reports that as damage.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw error;
  }
}

/** Removes token `entry` of `dir`, by its exact name; false when it is gone. */
export function removeToken(dir: string, entry: string): boolean {
  try {
    io.unlinkSync(join(dir, entry));
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw error;
  }
}

/**
 * Refuses a lock directory `dir`, or its parent (the store's `.locks`), that is a symlink: a
 * `CorruptDataError` (details `{ file, reason: 'symlink' }`), as for the family folders. Either may have
 * been swapped after the store opened, and a lock followed elsewhere excludes no one.
 */
export function refuseLinkedLock(dir: string): void {
  refuseSymlinkSync(dirname(dir));
  refuseSymlinkSync(dir);
}

// Creates the first token in a lock directory that holds other entries, so cannot be renamed into
// place: exclusively, so of racing creators one succeeds (the others list again and find it); should a
// creator find the token already taken and create a second one, the contenders repair that.
export function createToken(dir: string): boolean {
  const token = join(dir, freeName(0));
  try {
    io.closeSync(io.openSync(token, 'wx', FILE_MODE));
    io.chmodSync(token, FILE_MODE);
  } catch (error) {
    // EEXIST: another contender created it; ENOENT: the directory went meanwhile, to be initialised.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST' && code !== 'ENOENT') throw error;
  }
  return true;
}

/** The error of a synchronous acquirer that finds the lock held in this process. */
export function heldHere(dir: string, token: Token): ConflictError {
  const holder = { pid: token.holder!.pid, host: token.holder!.host, fence: token.fence };
  return new ConflictError(`lock ${dir} is held in this process: a synchronous acquirer cannot wait for it`, {
    details: { lock: dir, holder, reason: 'held in this process' },
  });
}

/**
 * The error of an acquirer whose timeout passed: a `ConflictError` naming the holder, or a
 * `CorruptDataError` when the directory never held a token to wait for.
 */
export function timeoutError(dir: string, token: Token | null, timeoutMs: number): Error {
  if (!token?.holder) {
    return new CorruptDataError(`lock ${dir} holds no lock token`, {
      details: { file: dir, reason: 'no lock token' },
    });
  }
  const holder = { pid: token.holder.pid, host: token.holder.host, fence: token.fence };
  return new ConflictError(
    `lock ${dir} still held after ${timeoutMs} ms by pid ${holder.pid} on ${holder.host} (fence ${holder.fence})`,
    { details: { lock: dir, holder, timeoutMs } },
  );
}
