import { chmod, readdir, rename, rm, rmdir, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConflictError, CorruptDataError, InvalidArgumentError } from '../errors.js';
import { makePrivateDir } from './dirs.js';
import { isProcessAlive, thisHost } from './process.js';
import { FILE_MODE, tempNameFor } from './temp.js';

/*
 * How the lock works. A lock directory holds exactly one empty "token" file whose name is the state:
 *   <fence>.free                      free; <fence> was the last fencing token handed out (0: never held)
 *   <fence>.<pid>.<host>.lock         held by process <pid> on <host> (base64url) with that fencing token
 * Every transition renames the token from the name a contender listed to the next state's name.
 * rename() of one source succeeds for exactly one caller (the others get ENOENT), so it is a
 * compare-and-swap on the whole state: two contenders never both win, a contender that listed long ago
 * fails, and the fence grows by one per acquisition. A holder killed with SIGKILL leaves its name
 * behind; its pid is dead, so the next contender takes the token over at once (no stale timers).
 * The directory is created with its first token through a rename of a prepared temp directory, which
 * fails when a token already exists, so a late initialiser never mints a second token.
 *
 * What it does NOT guarantee:
 * - Processes on other hosts: a holder from another host is never judged dead (we cannot check its pid),
 *   so it is waited for; and on a network filesystem rename atomicity and listing freshness depend on
 *   the server. Use it for processes of one host on a local filesystem.
 * - pid reuse: if a dead holder's pid now belongs to another process, the lock looks held until timeout.
 * - Power loss: transitions are not fsync'd, so after an operating system crash the last fences may be
 *   handed out again. Process crashes lose nothing.
 * - Re-entrance: a holder that acquires the same lock again waits for itself until timeout.
 * - Tampering: deleting the token or the directory while held makes release() report the loss.
 * - Fences across discard(): a holder that discards the directory (its document is gone) ends the fence
 *   sequence; the next acquirer initialises a new directory whose fences start again at 1.
 */

/** Options of {@link acquireLock} and {@link withLock}. */
export interface LockOptions {
  /** How long to wait for a live holder before a `ConflictError`, in milliseconds (default 30 000). */
  timeoutMs?: number;
}

/** A held cross-process lock. */
export interface FileLock {
  /** Fencing token: strictly greater than that of every earlier holder of this lock. */
  readonly fence: number;
  /** The lock directory, as an absolute path. */
  readonly dir: string;
  /** Releases the lock; idempotent. Rejects with `ConflictError` if the lock was lost while held. */
  release(): Promise<void>;
  /**
   * Releases the lock and removes its directory, for a lock whose resource is gone. A contender that
   * arrives meanwhile initialises the directory anew (fences restart). Rejects like release().
   */
  discard(): Promise<void>;
  /** Same as {@link FileLock.release}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

interface Token {
  entry: string;
  fence: number;
  holder: { pid: number; host: string } | null;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const MIN_BACKOFF_MS = 1;
const MAX_BACKOFF_MS = 50;
const FREE_TOKEN = /^(\d+)\.free$/;
const HELD_TOKEN = /^(\d+)\.(\d+)\.([A-Za-z0-9_-]*)\.lock$/;

/**
 * Acquires the cross-process lock kept in directory `dir` (resolved to an absolute path once; created
 * on first use with mode 0700, its parent too). A holder whose process died on this host is taken over
 * at once; a live holder is waited for, with jittered exponential backoff, up to `timeoutMs`, then a
 * `ConflictError` with details `{ lock, holder: { pid, host, fence }, timeoutMs }`. Concurrent
 * acquirers in one process exclude each other too. Not re-entrant. If a process dies while creating
 * the directory, it leaves a temp directory next to it for {@link sweepTempFiles} on the parent.
 */
export async function acquireLock(dir: string, options: LockOptions = {}): Promise<FileLock> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (typeof dir !== 'string' || dir.length === 0) {
    throw new InvalidArgumentError('a lock directory must be a non-empty path', { details: { lock: dir } });
  }
  if (typeof timeoutMs !== 'number' || !(timeoutMs >= 0)) {
    throw new InvalidArgumentError(`lock timeoutMs must be a number >= 0, got ${String(timeoutMs)}`, {
      details: { lock: dir, timeoutMs },
    });
  }
  // Resolved once, so that `..` never depends on directories that do not exist yet.
  const lockDir = resolve(dir);
  const host = Buffer.from(thisHost(), 'utf8').toString('base64url');
  const deadline = Date.now() + timeoutMs;
  let backoff = MIN_BACKOFF_MS;
  for (;;) {
    const token = await readToken(lockDir);
    if (token === null) {
      if (await initialise(lockDir)) continue;
    } else if (token.holder === null || (token.holder.host === host && !isProcessAlive(token.holder.pid))) {
      const fence = token.fence + 1;
      const entry = `${fence}.${process.pid}.${host}.lock`;
      if (await moveToken(lockDir, token.entry, entry)) return new HeldLock(lockDir, fence, entry);
      continue;
    }
    if (Date.now() >= deadline) throw timeoutError(lockDir, token, timeoutMs);
    await sleep(backoff * (0.5 + Math.random()));
    backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
  }
}

/** Runs `fn` holding the lock in `dir` (see {@link acquireLock}), passing its fence; always releases. */
export async function withLock<T>(
  dir: string,
  fn: (fence: number) => Promise<T>,
  options?: LockOptions,
): Promise<T> {
  const lock = await acquireLock(dir, options);
  let result: T;
  try {
    result = await fn(lock.fence);
  } catch (error) {
    // The caller needs fn's failure; a failed release beside it would only hide it.
    await lock.release().catch(() => undefined);
    throw error;
  }
  await lock.release();
  return result;
}

class HeldLock implements FileLock {
  readonly dir: string;
  readonly fence: number;
  readonly #entry: string;
  #released: Promise<void> | undefined;

  constructor(dir: string, fence: number, entry: string) {
    this.dir = dir;
    this.fence = fence;
    this.#entry = entry;
  }

  release(): Promise<void> {
    this.#released ??= this.#free();
    return this.#released;
  }

  discard(): Promise<void> {
    this.#released ??= this.#remove();
    return this.#released;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.release();
  }

  async #free(): Promise<void> {
    if (await moveToken(this.dir, this.#entry, `${this.fence}.free`)) return;
    throw this.#lost();
  }

  async #remove(): Promise<void> {
    try {
      await unlink(join(this.dir, this.#entry));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw this.#lost();
      throw error;
    }
    // A contender may already have initialised a new token here: then the directory is theirs.
    await rmdir(this.dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST' && error.code !== 'ENOENT') throw error;
    });
  }

  #lost(): ConflictError {
    return new ConflictError(`lock ${this.dir} was lost while held with fence ${this.fence}`, {
      details: { lock: this.dir, fence: this.fence, reason: 'lost' },
    });
  }
}

function parseToken(entry: string): Token | null {
  const free = FREE_TOKEN.exec(entry);
  if (free) return { entry, fence: Number(free[1]), holder: null };
  const held = HELD_TOKEN.exec(entry);
  if (!held) return null;
  return { entry, fence: Number(held[1]), holder: { pid: Number(held[2]), host: held[3]! } };
}

// A listing concurrent with a rename may show the token under both names, or neither (readdir is not
// atomic); acting on a stale name just fails its rename, so this only ever costs a retry.
async function readToken(dir: string): Promise<Token | null> {
  let entries: string[];
  try {
    entries = await readdir(dir);
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
  let best: Token | null = null;
  for (const entry of entries) {
    const token = parseToken(entry);
    if (token !== null && (best === null || token.fence > best.fence)) best = token;
  }
  return best;
}

async function moveToken(dir: string, from: string, to: string): Promise<boolean> {
  try {
    await rename(join(dir, from), join(dir, to));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

// Returns true when this call created the lock directory; false when one with entries was there.
async function initialise(dir: string): Promise<boolean> {
  const parent = dirname(dir);
  await makePrivateDir(parent, true);
  const temp = join(parent, tempNameFor(basename(dir)));
  await makePrivateDir(temp, false);
  try {
    const token = join(temp, '0.free');
    await writeFile(token, '', { flag: 'wx', mode: FILE_MODE });
    await chmod(token, FILE_MODE);
    await rename(temp, dir);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') return false;
    throw error;
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

function timeoutError(dir: string, token: Token | null, timeoutMs: number): Error {
  if (!token?.holder) {
    return new CorruptDataError(`lock ${dir} holds no lock token`, {
      details: { file: dir, reason: 'no lock token' },
    });
  }
  const holder = {
    pid: token.holder.pid,
    host: Buffer.from(token.holder.host, 'base64url').toString('utf8'),
    fence: token.fence,
  };
  return new ConflictError(
    `lock ${dir} still held after ${timeoutMs} ms by pid ${holder.pid} on ${holder.host} (fence ${holder.fence})`,
    { details: { lock: dir, holder, timeoutMs } },
  );
}
