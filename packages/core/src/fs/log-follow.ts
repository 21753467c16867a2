import type { FSWatcher } from 'node:fs';
import { io } from './io.js';

/*
 * How a wait learns of new entries. One fs.watch on the family folder (inotify on Linux reports writes
 * to the files in a watched directory) wakes the waiters of the log whose file changed, within a
 * millisecond or two of another process's write. Events can be lost (an inotify queue overflow, a
 * network filesystem that sends none), so while anything waits the sizes are also polled: every
 * SAFETY_POLL_MS with a watcher (a lost event delays a wake by at most that; a poll is one lstat per
 * waited log), every POLL_MS without one (the folder cannot be watched), which keeps a wake within
 * 50 ms. Appends of this process wake its waiters directly. Nothing runs while nobody waits: the
 * watcher and the poll start with the first wait and stop with the last.
 */
const POLL_MS = 25;
const SAFETY_POLL_MS = 250;
// setTimeout's largest delay.
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

interface Waiter {
  log: string;
  size: number;
  resolve(size: number): void;
  reject(error: unknown): void;
  timer: NodeJS.Timeout | undefined;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/** What a {@link LogFollower} needs of its backend. */
export interface FollowedLogs {
  /** The folder to watch (created if missing). */
  directory(): Promise<string>;
  /** The log's size now, read from disk. */
  size(log: string): Promise<number>;
  /** The log a folder entry is the file of, or null. */
  logOf(entry: string): string | null;
}

/** The waits of one backend: watching its folder while anyone waits. */
export class LogFollower {
  readonly #logs: FollowedLogs;
  readonly #waiters = new Map<string, Set<Waiter>>();
  #watcher: FSWatcher | null = null;
  #poll: NodeJS.Timeout | null = null;
  // Logs to check at the next turn, and whether that turn is scheduled.
  readonly #dirty = new Set<string>();
  #scheduled = false;
  // Logs being checked, and those changed again meanwhile (checked once more after).
  readonly #checking = new Set<string>();
  readonly #again = new Set<string>();
  // Set by closeAll: a wait that gets here later (it was reading the size meanwhile) fails with it.
  #closed: { error: unknown } | null = null;

  constructor(logs: FollowedLogs) {
    this.#logs = logs;
  }

  /** See {@link LogBackend.wait}; arguments are checked by the caller. No timeout: wait as long as it takes. */
  async wait(
    log: string,
    size: number,
    signal: AbortSignal | undefined,
    timeoutMs: number | undefined,
  ): Promise<number> {
    if (signal?.aborted) throw signal.reason;
    const dir = await this.#logs.directory();
    if (signal?.aborted) throw signal.reason;
    if (this.#closed !== null) throw this.#closed.error;
    return new Promise<number>((resolve, reject) => {
      const waiter: Waiter = { log, size, resolve, reject, timer: undefined, signal, onAbort: undefined };
      let waiters = this.#waiters.get(log);
      if (waiters === undefined) {
        waiters = new Set();
        this.#waiters.set(log, waiters);
      }
      waiters.add(waiter);
      if (signal !== undefined) {
        waiter.onAbort = () => this.#settle(waiter, () => reject(signal.reason));
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      if (timeoutMs !== undefined) this.#arm(waiter, timeoutMs);
      // Watching starts before the first look, so an append between the two is not missed.
      this.#start(dir);
      this.changed(log);
    });
  }

  /** Checks the waiters of `log` soon: its file changed. */
  changed(log: string): void {
    if (!this.#waiters.has(log)) return;
    this.#dirty.add(log);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      const logs = [...this.#dirty];
      this.#dirty.clear();
      for (const dirty of logs) void this.#check(dirty);
    });
  }

  /** Rejects every wait with `error` and stops watching. */
  closeAll(error: unknown): void {
    this.#closed = { error };
    for (const waiters of [...this.#waiters.values()]) {
      for (const waiter of [...waiters]) this.#settle(waiter, () => waiter.reject(error));
    }
    this.#stop();
  }

  async #check(log: string): Promise<void> {
    if (this.#checking.has(log)) {
      this.#again.add(log);
      return;
    }
    this.#checking.add(log);
    try {
      do {
        this.#again.delete(log);
        const waiters = this.#waiters.get(log);
        if (waiters === undefined) return;
        let size: number;
        try {
          size = await this.#logs.size(log);
        } catch (error) {
          for (const waiter of [...waiters]) this.#settle(waiter, () => waiter.reject(error));
          return;
        }
        for (const waiter of [...waiters]) {
          if (size > waiter.size) this.#settle(waiter, () => waiter.resolve(size));
        }
      } while (this.#again.has(log));
    } finally {
      this.#checking.delete(log);
    }
  }

  // setTimeout fires at once for delays past its range, so a longer timeout is served in steps.
  #arm(waiter: Waiter, remaining: number): void {
    const step = Math.min(remaining, MAX_TIMEOUT_MS);
    waiter.timer = setTimeout(() => {
      if (remaining > step) this.#arm(waiter, remaining - step);
      else this.#timeout(waiter);
    }, step);
  }

  #timeout(waiter: Waiter): void {
    waiter.timer = undefined;
    this.#settle(waiter, () => {
      this.#logs.size(waiter.log).then(waiter.resolve, waiter.reject);
    });
  }

  // Removes the waiter (once: a later settle of the same waiter does nothing), then runs `then`.
  #settle(waiter: Waiter, then: () => void): void {
    const waiters = this.#waiters.get(waiter.log);
    if (waiters === undefined || !waiters.delete(waiter)) return;
    if (waiters.size === 0) this.#waiters.delete(waiter.log);
    if (waiter.timer !== undefined) clearTimeout(waiter.timer);
    if (waiter.onAbort !== undefined) waiter.signal?.removeEventListener('abort', waiter.onAbort);
    if (this.#waiters.size === 0) this.#stop();
    then();
  }

  #start(dir: string): void {
    if (this.#poll !== null) return;
    try {
      const watcher = io.watch(dir, { persistent: true }, (_event, entry) => this.#onEvent(entry));
      // A watcher closed meanwhile (nobody waits any more) is not replaced.
      watcher.on('error', () => {
        if (this.#watcher === watcher) this.#unwatch();
      });
      this.#watcher = watcher;
    } catch {
      this.#watcher = null;
    }
    this.#schedulePoll();
  }

  #onEvent(entry: string | Buffer | null): void {
    const log = typeof entry === 'string' ? this.#logs.logOf(entry) : null;
    if (log !== null) {
      this.changed(log);
      return;
    }
    // Some platforms do not say which file changed.
    if (entry === null) for (const waited of this.#waiters.keys()) this.changed(waited);
  }

  // The watch failed (its folder was removed or replaced): polling alone, at the faster rate.
  #unwatch(): void {
    this.#watcher?.close();
    this.#watcher = null;
    this.#schedulePoll();
  }

  #schedulePoll(): void {
    if (this.#poll !== null) clearInterval(this.#poll);
    this.#poll = setInterval(
      () => {
        for (const log of this.#waiters.keys()) this.changed(log);
      },
      this.#watcher === null ? POLL_MS : SAFETY_POLL_MS,
    );
  }

  #stop(): void {
    this.#watcher?.close();
    this.#watcher = null;
    if (this.#poll !== null) clearInterval(this.#poll);
    this.#poll = null;
  }
}
