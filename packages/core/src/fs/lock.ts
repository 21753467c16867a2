import { basename, dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConflictError, InvalidArgumentError } from '../errors.js';
import { makePrivateDir } from './dirs.js';
import { type Heartbeat, startHeartbeat, stopHeartbeat } from './heartbeat.js';
import {
  freeName,
  type Holder,
  heldName,
  holderPart,
  MAX_LEASE_MS,
  MIN_LEASE_MS,
  type Token,
} from './holder.js';
import { io } from './io.js';
import {
  createToken,
  heldHere,
  moveToken,
  readTokens,
  refuseLinkedLock,
  removeToken,
  reportDamaged,
  timeoutError,
} from './lock-tokens.js';
import { holderState, thisProcess } from './process.js';
import { keepShape } from './shapes.js';
import { FILE_MODE, removeQuietly, tempNameFor } from './temp.js';

/*
 * How the lock works. A lock directory holds exactly one empty "token" file whose name is the state
 * (holder.ts has the exact format, at most 255 bytes):
 *   <fence>.free                          free; <fence> was the last fencing token handed out (0: never held)
 *   <fence>.<beat>.<lease>.<holder>.lock  held with that fencing token by <holder>: its pid, the start
 *                                         time of that process, its pid and time namespaces, the boot id,
 *                                         the host; <beat> counts its heartbeats
 * Every transition renames the token from the name a contender listed to the next state's name.
 * rename() of one source succeeds for exactly one caller (the others get ENOENT), so it is a
 * compare-and-swap on the whole state: two contenders never both win, a contender that listed long ago
 * fails, and the fence grows by one per acquisition.
 *
 * When a holder is dead. A contender takes a held token over only when the holder is certainly gone:
 * - Checked: a holder of the same boot and pid (and time) namespace as the contender, with /proc showing
 *   that namespace, is dead when no process has its pid, when the process with its pid started at
 *   another time (the pid was reused), or when it is a zombie. Then the token is taken at once. A
 *   holder with our pid and start time is this process: waited for (not re-entrant).
 * - Leased: any other holder (another pid namespace, as in containers, another boot or host, a /proc
 *   that cannot tell) is never judged by its pid, which means another process or none over there.
 *   Instead, while it holds, it renames its token to the next <beat> every lease/5 ms (the heartbeat);
 *   a contender that has watched one and the same name for <lease> ms (the holder's own lease, read from
 *   the name, timed on the contender's monotonic clock) takes it over by renaming exactly that name.
 *   A beat in between changes the name, so that rename fails: a holder that keeps beating is never
 *   taken over, and no clocks are compared between processes.
 * The heartbeat runs on a worker thread (heartbeat.ts), so a holder whose event loop is blocked (a long
 * synchronous encode, a synchronous caller) keeps its lease; the main thread takes the token's name back
 * from it, synchronously, before it releases. The heartbeat also tells a holder that lost its token (its
 * rename fails): see release() for what is reported then. The directory is created with its first token
 * through a rename of a prepared temp directory, which fails when a token already exists, so a late
 * initialiser never mints a second token.
 *
 * Damage. Only valid tokens are trusted (lock-tokens.ts): other entries are ignored and reported. A
 * directory holding no valid token but other entries gets a `0.free` created in place (exclusively).
 * Should it ever hold several valid tokens (forged, or two such creations racing), no token is taken
 * while any of them is held by a holder that may not be taken over; once none is, the contender that
 * lists the same tokens twice removes all but the highest (by their exact names: a token that changed
 * meanwhile makes it list again) and takes that one, with the next fence. So there is never more than
 * one holder, and the fence still grows.
 *
 * Constants. The heartbeat is lease/5: a holder is taken over only after missing five beats in a row, so
 * a stall of the heartbeat thread (a GC pause of the whole process, heavy load) of up to ~4/5 of the lease
 * does not lose the lock. The default lease, 10 s, bounds how long a dead holder that cannot be checked (a
 * killed container; pid 1 restarted in a new namespace) blocks others: each new contender watches for
 * 10 s, a third of the default 30 s timeout, so the first waiter after a crash gets the lock. A beat every
 * 2 s is one rename, only while a lock is held that long. Timeouts and leases are timed on the monotonic
 * clock: a jump of the wall clock neither ends a wait early nor prolongs it.
 *
 * What it does NOT guarantee:
 * - A holder that cannot be checked and whose whole process is stopped for longer than its lease (a
 *   debugger, SIGSTOP, `docker pause`) is taken over; its fence is then stale and release() reports the
 *   loss. The lock is for liveness and waiting: writes that must not be lost check their own fence.
 * - Processes on other hosts over a network filesystem: the lease works whatever the clocks, but rename
 *   atomicity and listing freshness depend on the server. Use it on a local filesystem.
 * - Platforms without /proc (macOS, Windows): a holder on the same host is judged by its pid alone, so
 *   if a dead holder's pid now belongs to another process, the lock looks held until timeout.
 * - Power loss: transitions are not fsync'd, so after an operating system crash the last fences may be
 *   handed out again. Process crashes lose nothing.
 * - Re-entrance: a holder that acquires the same lock again waits for itself until timeout
 *   (acquireLockSync refuses at once instead: one thread cannot wait for a holder it blocks).
 * - Tampering: deleting the token or the directory while held is reported as a loss. A forged token
 *   that is valid, such as one of a holder in another pid namespace, is waited for like a real one.
 * - Symlinks: a lock directory or its parent that is a symlink is refused when an acquisition starts;
 *   one swapped in while it runs is followed.
 * - Fences across discard() in other processes: a holder that discards the directory (its document is
 *   gone) ends the fence sequence; an acquirer of another process initialises a new directory whose
 *   fences start again at 1 (in the discarding process they go on from the last one). Writes are fenced
 *   by the state they replace, not by these numbers (see document-commit.ts).
 * - Tokens of earlier versions (<fence>.<pid>.<host>.lock) carry no heartbeat: they are leased with the
 *   default lease, so do not run an earlier version against the same store at the same time.
 */

/** Options of {@link acquireLock} and {@link withLock}. */
export interface LockOptions {
  /** How long to wait for a live holder before a `ConflictError`, in milliseconds (default 30 000). */
  timeoutMs?: number;
  /**
   * The lease of this holder, in milliseconds (default 10 000): it renews it every `leaseMs / 5` ms
   * while it holds, and a contender that cannot check whether this process runs (another pid namespace
   * or host) takes the lock over after seeing no renewal for `leaseMs`. A contender waiting for such a
   * holder needs a `timeoutMs` above the holder's lease. Small values are for tests.
   */
  leaseMs?: number;
  /**
   * Called once when the lock turns out to have been lost while held (taken over after this process
   * missed its heartbeats, or its token was deleted): by the heartbeat, or by release() or discard().
   * What was written meanwhile stays written; another holder may have run concurrently. Default: a
   * process warning with code `OMEGA_LOCK_LOST`. Errors it throws are ignored.
   */
  onLost?: (error: ConflictError) => void;
}

/** A held cross-process lock. */
export interface FileLock {
  /** Fencing token: strictly greater than that of every earlier holder of this lock. */
  readonly fence: number;
  /** The lock directory, as an absolute path. */
  readonly dir: string;
  /** True once the lock is known to have been lost while held (see {@link LockOptions.onLost}). */
  readonly lost: boolean;
  /**
   * Releases the lock; idempotent. Resolves `true` when this call or an earlier one released it, `false`
   * when it had been lost while held (then `onLost` was called). It does not reject for a lost lock:
   * what the holder wrote has landed whatever happened to the lock, and a caller must not take it for
   * a failed write. It rejects only when the filesystem fails; the token then still names this process,
   * and the next acquisition of this lock in this process takes it over at once.
   */
  release(): Promise<boolean>;
  /**
   * Releases the lock and removes its directory, for a lock whose resource is gone. A contender that
   * arrives meanwhile initialises the directory anew (fences restart). Resolves like release().
   */
  discard(): Promise<boolean>;
  /** {@link FileLock.release}, synchronously: returns what release() resolves to, throws what it rejects with. */
  releaseSync(): boolean;
  /** {@link FileLock.discard}, synchronously. */
  discardSync(): boolean;
  /** Same as {@link FileLock.release}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_LEASE_MS = 10_000;
const HEARTBEATS_PER_LEASE = 5;
const MIN_BACKOFF_MS = 1;
const MAX_BACKOFF_MS = 50;
// Lock directories whose token this process freed last, with that fence: the next acquisition tries
// that exact name first. Bounded, as a long-lived process may lock many names.
const lastFree = new Map<string, number>();
const MAX_REMEMBERED = 4096;
// Lock directories this process held and failed to release (an I/O error on the release rename). No lock
// object here holds them any more, so this process's next acquirer takes them over at once; to other
// processes they look held by a live process until this one exits.
const abandoned = new Set<string>();

/**
 * Acquires the cross-process lock kept in directory `dir` (resolved to an absolute path once; created
 * on first use with mode 0700, its parent too; either being a symlink is a `CorruptDataError`). A holder that
 * certainly died is taken over at once; one that cannot be checked (another pid namespace or host) once its
 * lease expired; a live holder is waited for, with jittered exponential backoff, up to `timeoutMs`, then a
 * `ConflictError` with details `{ lock, holder: { pid, host, fence }, timeoutMs }`. Concurrent acquirers in
 * one process exclude each other too. Not re-entrant. If a process dies while creating the directory, it
 * leaves a temp directory next to it for {@link sweepTempFiles} on the parent.
 */
export async function acquireLock(dir: string, options: LockOptions = {}): Promise<FileLock> {
  const acquisition = new Acquisition(dir, options, false);
  for (let step = acquisition.attempt(); ; step = acquisition.attempt()) {
    if (typeof step !== 'number') return step;
    await sleep(step);
  }
}

/**
 * {@link acquireLock}, synchronously, for the synchronous faces of the stores: the same tokens, decisions,
 * timeouts, takeovers and fences, so it excludes every other holder, synchronous or not, in any process.
 * Between attempts it blocks the thread with `Atomics.wait` (no spinning: the thread sleeps, as the
 * asynchronous acquirer's timer does). A lock held by this very process (through `acquireLock`, or
 * another synchronous holder; worker threads share the process) is a `ConflictError` at once, with
 * details `{ lock, holder, reason: 'held in this process' }`: the thread would otherwise wait for a
 * holder that cannot run until it stops waiting.
 *
 * The lock's heartbeat runs on a worker thread, so blocking this thread while holding does not lose the
 * lock. Release it with `releaseSync()`.
 */
export function acquireLockSync(dir: string, options: LockOptions = {}): FileLock {
  const acquisition = new Acquisition(dir, options, true);
  for (let step = acquisition.attempt(); ; step = acquisition.attempt()) {
    if (typeof step !== 'number') return step;
    Atomics.wait(pause(), 0, 0, step);
  }
}

// What the synchronous acquirer sleeps on: nothing ever notifies it, so each wait lasts its timeout.
let pauseCell: Int32Array | undefined;
function pause(): Int32Array {
  pauseCell ??= new Int32Array(new SharedArrayBuffer(4));
  return pauseCell;
}

/**
 * One acquisition of a lock: its options checked, and what its attempts remember (the held name being
 * watched for its lease to expire, the backoff). Both acquirers run the same attempts; they differ only
 * in how they wait between two, and in that a synchronous one refuses a holder in this process.
 */
class Acquisition {
  readonly #dir: string;
  readonly #me: Holder;
  readonly #timeoutMs: number;
  // On the monotonic clock, as the wall clock may jump.
  readonly #deadline: number;
  readonly #onLost: (error: ConflictError) => void;
  readonly #sync: boolean;
  // The held names being watched for a lease to expire, and since when (monotonic clock).
  readonly #watched = new Map<string, number>();
  #backoff = MIN_BACKOFF_MS;
  #first = true;

  constructor(dir: string, options: LockOptions, sync: boolean) {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    if (typeof dir !== 'string' || dir.length === 0) {
      throw new InvalidArgumentError('a lock directory must be a non-empty path', { details: { lock: dir } });
    }
    if (typeof timeoutMs !== 'number' || !(timeoutMs >= 0)) {
      throw new InvalidArgumentError(`lock timeoutMs must be a number >= 0, got ${String(timeoutMs)}`, {
        details: { lock: dir, timeoutMs },
      });
    }
    if (!Number.isSafeInteger(leaseMs) || leaseMs < MIN_LEASE_MS || leaseMs > MAX_LEASE_MS) {
      throw new InvalidArgumentError(
        `lock leaseMs must be an integer from ${MIN_LEASE_MS} to ${MAX_LEASE_MS}, got ${String(leaseMs)}`,
        { details: { lock: dir, leaseMs } },
      );
    }
    if (options.onLost !== undefined && typeof options.onLost !== 'function') {
      throw new InvalidArgumentError('lock onLost must be a function', { details: { lock: dir } });
    }
    // Resolved once, so that `..` never depends on directories that do not exist yet.
    this.#dir = resolve(dir);
    refuseLinkedLock(this.#dir);
    this.#me = { ...thisProcess(), leaseMs };
    this.#timeoutMs = timeoutMs;
    this.#deadline = performance.now() + timeoutMs;
    this.#onLost = options.onLost ?? warnLost;
    this.#sync = sync;
  }

  /**
   * Tries to take the lock: the held lock, or how many milliseconds to wait before the next attempt.
   * Throws once the deadline passed (a `ConflictError` naming the holder), for a damaged lock directory,
   * and, for a synchronous acquirer, when this process holds the lock.
   */
  attempt(): HeldLock | number {
    const dir = this.#dir;
    if (this.#first) {
      this.#first = false;
      const known = lastFree.get(dir);
      if (known !== undefined) {
        // The free token this process left last time: renaming it straight away saves listing the
        // directory (a rename is a compare-and-swap on the whole state, so a stale guess only fails).
        const lock = this.#take(freeName(known), known + 1);
        if (lock !== null) return lock;
        lastFree.delete(dir);
      }
    }
    for (;;) {
      const listing = readTokens(dir);
      const tokens = listing?.tokens ?? [];
      let blocking: Token | null = null;
      if (tokens.length === 0) {
        if (listing?.others ? createToken(dir) : initialise(dir)) continue;
      } else {
        blocking = this.#blocking(tokens);
        if (blocking === null) {
          const lock =
            tokens.length === 1 ? this.#take(tokens[0]!.entry, tokens[0]!.fence + 1) : this.#repair(tokens);
          if (lock === null) continue;
          abandoned.delete(dir);
          return lock;
        }
      }
      if (performance.now() >= this.#deadline) throw timeoutError(dir, blocking, this.#timeoutMs);
      const wait = this.#backoff * (0.5 + Math.random());
      this.#backoff = Math.min(this.#backoff * 2, MAX_BACKOFF_MS);
      return wait;
    }
  }

  // The first token that may not be taken, or null when all may (every one of them is judged, so that
  // the leases of all are watched).
  #blocking(tokens: Token[]): Token | null {
    let blocking: Token | null = null;
    for (const token of tokens) if (!this.#mayTake(token) && blocking === null) blocking = token;
    if (this.#watched.size > tokens.length) {
      for (const entry of this.#watched.keys()) {
        if (!tokens.some((token) => token.entry === entry)) this.#watched.delete(entry);
      }
    }
    return blocking;
  }

  // Whether the token may be taken: it is free, or its holder is certainly gone, or is this process's
  // abandoned one. A synchronous acquirer refuses a holder in this process rather than wait for it.
  #mayTake(token: Token): boolean {
    const holder = token.holder;
    if (holder === null) return true;
    const mine = isMe(holder, this.#me);
    if (mine && abandoned.has(this.#dir)) return true;
    if (mine && this.#sync) throw heldHere(this.#dir, token);
    const state = holderState(holder);
    if (state !== 'unknown') return state === 'dead';
    const now = performance.now();
    const since = this.#watched.get(token.entry);
    if (since !== undefined) return now - since >= holder.leaseMs;
    this.#watched.set(token.entry, now);
    return false;
  }

  // Several valid tokens, none of which blocks: damage. A listing concurrent with a rename can show one
  // token twice, so only tokens listed again are removed; the highest is then taken (lock-tokens.ts
  // orders them alike in every process), null meaning list again.
  #repair(tokens: Token[]): HeldLock | null {
    const again = readTokens(this.#dir)?.tokens ?? [];
    if (again.length !== tokens.length || again.some((token, i) => token.entry !== tokens[i]!.entry)) {
      return null;
    }
    const [kept, ...extra] = tokens;
    for (const token of extra) {
      if (!removeToken(this.#dir, token.entry)) return null;
      reportDamaged(this.#dir, token.entry, `a second lock token beside ${kept!.entry}: removed`);
    }
    return this.#take(kept!.entry, kept!.fence + 1);
  }

  #take(entry: string, fence: number): HeldLock | null {
    if (!moveToken(this.#dir, entry, heldName(fence, 0, this.#me))) return null;
    return new HeldLock(this.#dir, fence, this.#me, this.#onLost);
  }
}

/**
 * Runs `fn` holding the lock in `dir` (see {@link acquireLock}), passing its fence; always releases.
 * Resolves with what `fn` returns, even when the lock turns out to have been lost meanwhile or releasing
 * it fails on I/O: what `fn` wrote has landed, so failing would invite a retry that applies it twice.
 * A loss goes to `options.onLost`, a failed release to a process warning (`OMEGA_LOCK_RELEASE_FAILED`).
 * Rejects with `fn`'s error when it throws.
 */
export async function withLock<T>(
  dir: string,
  fn: (fence: number) => Promise<T>,
  options?: LockOptions,
): Promise<T> {
  const lock = await acquireLock(dir, options);
  return runHolding(
    lock,
    () => fn(lock.fence),
    () => lock.release(),
  );
}

/**
 * Runs `fn` while `lock` is held, then ends the lock with `end` (its release or discard): `fn`'s failure
 * wins over a failed end, and a failed end after `fn` succeeded is reported as a process warning
 * (`OMEGA_LOCK_RELEASE_FAILED`) rather than as a failure of what `fn` did.
 */
export async function runHolding<T>(
  lock: FileLock,
  fn: () => Promise<T>,
  end: () => Promise<boolean>,
): Promise<T> {
  let result: T;
  try {
    result = await fn();
  } catch (error) {
    await end().catch(() => undefined);
    throw error;
  }
  try {
    await end();
  } catch (error) {
    warnReleaseFailed(lock, error);
  }
  return result;
}

/** {@link runHolding}, synchronously: `fn` and `end` are synchronous (its `releaseSync` or `discardSync`). */
export function runHoldingSync<T>(lock: FileLock, fn: () => T, end: () => boolean): T {
  let result: T;
  try {
    result = fn();
  } catch (error) {
    try {
      end();
    } catch {}
    throw error;
  }
  endQuietly(lock, end);
  return result;
}

/**
 * Ends `lock` synchronously with `end` (its `releaseSync` or `discardSync`) after its holder's work: a
 * failure to end it is a process warning (`OMEGA_LOCK_RELEASE_FAILED`), as in {@link runHolding}, and
 * false, never a throw that would pass for a failure of the work.
 */
export function endQuietly(lock: FileLock, end: () => boolean): boolean {
  try {
    return end();
  } catch (error) {
    warnReleaseFailed(lock, error);
    return false;
  }
}

function warnReleaseFailed(lock: FileLock, error: unknown): void {
  const message = `lock ${lock.dir} could not be released: ${(error as Error).message}`;
  process.emitWarning(message, { code: 'OMEGA_LOCK_RELEASE_FAILED' });
}

// The token names this very process (not only its pid: also its start time and boot).
function isMe(holder: Holder, me: Holder): boolean {
  return (
    holder.pid === me.pid && holder.start === me.start && holder.boot === me.boot && holder.pidNs === me.pidNs
  );
}

function warnLost(error: ConflictError): void {
  process.emitWarning(error.message, { code: 'OMEGA_LOCK_LOST' });
}

class HeldLock implements FileLock {
  readonly dir: string;
  readonly fence: number;
  readonly #holder: Holder;
  readonly #onLost: (error: ConflictError) => void;
  // While set, the heartbeat thread renames the token; #entry is its name only once that has stopped.
  #heartbeat: Heartbeat | undefined;
  #entry: string;
  #lost = false;
  // How the lock ended (its release or discard): what every later call returns or throws again.
  #ended: (() => boolean) | undefined;

  constructor(dir: string, fence: number, holder: Holder, onLost: (error: ConflictError) => void) {
    this.dir = dir;
    this.fence = fence;
    this.#holder = holder;
    this.#onLost = onLost;
    this.#entry = heldName(fence, 0, holder);
    const intervalMs = Math.floor(holder.leaseMs / HEARTBEATS_PER_LEASE);
    this.#heartbeat = startHeartbeat(dir, fence, holderPart(holder), intervalMs, () => {
      this.#stopBeating();
      this.#markLost();
    });
  }

  get lost(): boolean {
    return this.#lost;
  }

  async release(): Promise<boolean> {
    return this.releaseSync();
  }

  async discard(): Promise<boolean> {
    return this.discardSync();
  }

  releaseSync(): boolean {
    this.#ended ??= this.#end(() => this.#free());
    return this.#ended();
  }

  discardSync(): boolean {
    this.#ended ??= this.#end(() => this.#remove());
    return this.#ended();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.release();
  }

  // Takes the token's name back from the heartbeat thread: false when the token was found gone.
  #stopBeating(): boolean {
    const heartbeat = this.#heartbeat;
    if (heartbeat === undefined) return !this.#lost;
    this.#heartbeat = undefined;
    const beats = stopHeartbeat(heartbeat);
    if (beats < 0) return false;
    this.#entry = heldName(this.fence, beats, this.#holder);
    return true;
  }

  #end(step: () => boolean): () => boolean {
    const held = this.#stopBeating();
    keepShape('held lock', this);
    if (!held) {
      this.#markLost();
      return () => false;
    }
    let done: boolean;
    try {
      done = step();
    } catch (error) {
      abandoned.add(this.dir);
      return () => {
        throw error;
      };
    }
    if (!done) this.#markLost();
    return () => done;
  }

  #free(): boolean {
    if (!moveToken(this.dir, this.#entry, freeName(this.fence))) return false;
    if (lastFree.size >= MAX_REMEMBERED) lastFree.clear();
    lastFree.set(this.dir, this.fence);
    return true;
  }

  #remove(): boolean {
    lastFree.delete(this.dir);
    rememberDiscarded(this.dir, this.fence);
    try {
      io.unlinkSync(join(this.dir, this.#entry));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
    try {
      io.rmdirSync(this.dir);
    } catch (error) {
      // A contender may already have initialised a new token here: then the directory is theirs.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'ENOENT') throw error;
    }
    return true;
  }

  #markLost(): void {
    if (this.#lost) return;
    this.#lost = true;
    const error = new ConflictError(`lock ${this.dir} was lost while held with fence ${this.fence}`, {
      details: { lock: this.dir, fence: this.fence, reason: 'lost' },
    });
    try {
      this.#onLost(error);
    } catch {
      // The report is best effort: the holder's outcome does not depend on it.
    }
  }
}

// The last fence of each lock directory this process discarded: the directory made again after starts
// there, so that fences keep growing for the holders of this process (bounded, as lastFree is).
const discarded = new Map<string, number>();

function rememberDiscarded(dir: string, fence: number): void {
  if (discarded.size >= MAX_REMEMBERED) discarded.clear();
  discarded.set(dir, Math.max(fence, discarded.get(dir) ?? 0));
}

// Returns true when this call created the lock directory; false when one with entries was there.
function initialise(dir: string): boolean {
  const parent = dirname(dir);
  makePrivateDir(parent, true);
  const temp = join(parent, tempNameFor(basename(dir)));
  const token = join(temp, freeName(discarded.get(dir) ?? 0));
  try {
    makePrivateDir(temp, false);
    io.closeSync(io.openSync(token, 'wx', FILE_MODE));
    io.chmodSync(token, FILE_MODE);
    io.renameSync(temp, dir);
    return true;
  } catch (error) {
    removeQuietly(token);
    try {
      io.rmdirSync(temp);
    } catch {
      // Left for sweepTempFiles of the parent, at the next open of the store.
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') return false;
    throw error;
  }
}
