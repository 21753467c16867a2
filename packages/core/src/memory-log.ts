import { ClosedError } from './errors.js';
import { checkEntryBounds } from './fs/log-bounds.js';
import {
  type AppendOptions,
  checkAppend,
  checkLogSpec,
  checkWait,
  type LogBackend,
  type LogEntry,
  type LogEntryInput,
  type LogReadOptions,
  type LogSpec,
  sizeConflict,
  type WaitOptions,
} from './log.js';
import { assertValidName } from './names.js';
import { checkCount, type PageOptions, pageLimit, pageOf } from './pages.js';
import type { SyncLogBackend } from './sync-ports.js';

/** One waiter of {@link MemoryLogBackend.wait}: woken by the append that takes the log past `above`. */
export interface MemoryLogWaiter {
  /** The size the log must exceed. */
  readonly above: number;
  /** Settles the wait with the new size and releases its timer and listener. */
  wake(size: number): void;
}

/**
 * One log of a {@link MemoryLogBackend}: its entries (position = index) and the waits pending on it. It
 * lives in the map the backend is given, so every port over that map sees the same entries and wakes the
 * same waiters. A log with no entries is kept only while someone waits on it.
 */
export interface MemoryLog<H> {
  /** The entries, as appended: headers are the front's objects, bodies its serde text. */
  entries: Array<LogEntryInput<H>>;
  /** Waits pending on this log, from any port over the map. */
  readonly waiters: Set<MemoryLogWaiter>;
}

/** The data of one folder of memory logs, by log name: what a `MemoryStore` shares between its ports. */
export type MemoryLogs<H> = Map<string, MemoryLog<H>>;

/** A pending wait of this port, so `close()` can end it. */
interface PendingWait extends MemoryLogWaiter {
  fail(error: unknown): void;
}

// setTimeout fires at once for delays past 2^31 - 1 ms (24.8 days); longer timeouts are served in steps.
const LONGEST_TIMER = 2 ** 31 - 1;

/**
 * The synchronous face of memory logs over a {@link MemoryLogs} map: append, read, size, last, logs and
 * drop, written once here; a {@link MemoryLogBackend} over the same map wraps them and adds `wait`. An
 * append through either wakes the waits on the log, whichever port registered them. Closing a face makes
 * its later calls a `ClosedError` and keeps the entries, which the map's owner holds.
 */
export class MemorySyncLogBackend<H> implements SyncLogBackend<H> {
  readonly prevalidated = true;
  readonly #kind: string;
  readonly #formatVersion: number;
  // Bytes of the format field and the field names of an entry's line, as the filesystem writes it: the
  // filesystem's bounds apply here too, so an append this backend takes fits every backend.
  readonly #fieldBytes: number;
  readonly #data: MemoryLogs<H>;
  readonly #port: string;
  #closed = false;

  /**
   * @param spec The family's log rules (only `kind`, `folder` and `formatVersion` matter here).
   * @param data The logs of the folder; a store passes one map to every port of the folder.
   * @param port The class name its `ClosedError`s give (the asynchronous port passes its own).
   */
  constructor(spec: LogSpec<H>, data: MemoryLogs<H> = new Map(), port = 'MemorySyncLogBackend') {
    checkLogSpec(spec);
    this.#kind = spec.kind;
    this.#formatVersion = spec.formatVersion;
    this.#fieldBytes = Buffer.byteLength(
      `,"f":${JSON.stringify(spec.format)},"v":${spec.formatVersion},"h":,"b":`,
    );
    this.#data = data;
    this.#port = port;
  }

  append(log: string, entries: readonly LogEntryInput<H>[], options?: AppendOptions): number {
    this.#assertOpen('append');
    checkAppend(this.#kind, log, entries, options);
    checkEntryBounds(this.#kind, log, this.#fieldBytes, entries);
    // Nothing below yields, so the size check and the push are one step against every other appender.
    const first = this.#data.get(log)?.entries.length ?? 0;
    const expected = options?.expectedSize;
    if (expected !== undefined && expected !== first) throw sizeConflict(this.#kind, log, expected, first);
    const stored = storedLog(this.#data, log);
    // Copied out of the caller's object (not its header): reusing that object for the next append must not
    // rewrite this entry.
    for (const { header, body } of entries) stored.entries.push({ header, body });
    if (stored.waiters.size > 0) wakeAbove(stored);
    return first;
  }

  read(log: string, options?: LogReadOptions): LogEntry<H>[] {
    this.#assertOpen('read');
    assertValidName(this.#kind, log);
    const from = options?.from === undefined ? 0 : checkCount(this.#kind, log, 'from', options.from);
    const limit = pageLimit(this.#kind, options?.limit);
    const entries = this.#data.get(log)?.entries;
    if (entries === undefined) return [];
    const end = Math.min(entries.length, from + limit);
    const page: LogEntry<H>[] = [];
    for (let position = from; position < end; position++) page.push(this.#entry(entries, position));
    return page;
  }

  size(log: string): number {
    this.#assertOpen('size');
    assertValidName(this.#kind, log);
    return this.#data.get(log)?.entries.length ?? 0;
  }

  last(log: string): LogEntry<H> | null {
    this.#assertOpen('last');
    assertValidName(this.#kind, log);
    const entries = this.#data.get(log)?.entries;
    if (entries === undefined || entries.length === 0) return null;
    return this.#entry(entries, entries.length - 1);
  }

  logs(options?: PageOptions): string[] {
    this.#assertOpen('logs');
    // Sorted per call: keeping a sorted index would cost every first append to a log, and listing is rare.
    const names: string[] = [];
    for (const [name, stored] of this.#data) if (stored.entries.length > 0) names.push(name);
    // Default sort compares UTF-16 code units, as every backend's listing does.
    return pageOf(names.sort(), options, this.#kind);
  }

  drop(log: string): boolean {
    this.#assertOpen('drop');
    assertValidName(this.#kind, log);
    const stored = this.#data.get(log);
    if (stored === undefined) return false;
    const had = stored.entries.length > 0;
    // Waiters stay on the emptied log: an append from position 0 may still wake them.
    if (stored.waiters.size > 0) stored.entries = [];
    else this.#data.delete(log);
    return had;
  }

  close(): void {
    this.#closed = true;
  }

  #entry(entries: ReadonlyArray<LogEntryInput<H>>, position: number): LogEntry<H> {
    const { header, body } = entries[position]!;
    // A fresh object per read: callers may keep or change it; only the header is shared, as documented.
    return { position, formatVersion: this.#formatVersion, header, body };
  }

  #assertOpen(method: string): void {
    if (this.#closed) throw closedPort(this.#port, this.#kind, method);
  }
}

/**
 * A {@link LogBackend} in process memory, for tests and short runs. Entries are kept as appended (the
 * front encoded the bodies and validated the headers, hence `prevalidated`), so a read costs no parsing.
 * Ports over one {@link MemoryLogs} map share their logs: an append through one (or through a synchronous
 * face, {@link MemoryLogBackend.sync}) wakes waits on another. Closing a port ends its own pending waits
 * (a `ClosedError`), closes its synchronous face, and keeps the entries, which the map's owner holds.
 */
export class MemoryLogBackend<H> implements LogBackend<H> {
  readonly prevalidated = true;
  /** The synchronous face of these logs. */
  readonly sync: MemorySyncLogBackend<H>;
  readonly #kind: string;
  readonly #data: MemoryLogs<H>;
  // The logic of every method but wait, naming this class in its errors.
  readonly #logs: MemorySyncLogBackend<H>;
  readonly #pending = new Set<PendingWait>();
  #closed = false;

  /**
   * @param spec The family's log rules (only `kind`, `folder` and `formatVersion` matter here).
   * @param data The logs of the folder; a store passes one map to every port of the folder.
   */
  constructor(spec: LogSpec<H>, data: MemoryLogs<H> = new Map()) {
    this.#logs = new MemorySyncLogBackend(spec, data, 'MemoryLogBackend');
    this.sync = new MemorySyncLogBackend(spec, data);
    this.#kind = spec.kind;
    this.#data = data;
  }

  async append(log: string, entries: readonly LogEntryInput<H>[], options?: AppendOptions): Promise<number> {
    return this.#logs.append(log, entries, options);
  }

  async read(log: string, options?: LogReadOptions): Promise<LogEntry<H>[]> {
    return this.#logs.read(log, options);
  }

  async size(log: string): Promise<number> {
    return this.#logs.size(log);
  }

  async last(log: string): Promise<LogEntry<H> | null> {
    return this.#logs.last(log);
  }

  async logs(options?: PageOptions): Promise<string[]> {
    return this.#logs.logs(options);
  }

  async drop(log: string): Promise<boolean> {
    return this.#logs.drop(log);
  }

  async wait(log: string, size: number, options?: WaitOptions): Promise<number> {
    if (this.#closed) throw closedPort('MemoryLogBackend', this.#kind, 'wait');
    checkWait(this.#kind, log, size, options);
    const signal = options?.signal;
    const timeoutMs = options?.timeoutMs;
    const current = this.#data.get(log)?.entries.length ?? 0;
    if (current > size || timeoutMs === 0) return current;
    return this.#waitFor(log, size, signal, timeoutMs);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#logs.close();
    this.sync.close();
    const error = new ClosedError(`MemoryLogBackend (${this.#kind}) was closed while waiting`, {
      details: { kind: this.#kind, method: 'wait' },
    });
    for (const wait of [...this.#pending]) wait.fail(error);
  }

  /** Registers a wait on `log` (in the shared map, so any port's append wakes it) and on this port. */
  #waitFor(log: string, size: number, signal: AbortSignal | undefined, timeoutMs: number | undefined) {
    const on = storedLog(this.#data, log);
    return new Promise<number>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const release = () => {
        on.waiters.delete(wait);
        this.#pending.delete(wait);
        if (timer !== undefined) clearTimeout(timer);
        signal?.removeEventListener('abort', aborted);
        // A log kept only for its waiters goes with the last of them.
        if (on.entries.length === 0 && on.waiters.size === 0 && this.#data.get(log) === on) {
          this.#data.delete(log);
        }
      };
      const wait: PendingWait = {
        above: size,
        wake(now) {
          release();
          resolve(now);
        },
        fail(error) {
          release();
          reject(error);
        },
      };
      const aborted = () => wait.fail(signal!.reason);
      const arm = (remaining: number) => {
        const step = Math.min(remaining, LONGEST_TIMER);
        timer = setTimeout(() => {
          if (remaining > step) arm(remaining - step);
          else wait.wake(on.entries.length);
        }, step);
      };
      on.waiters.add(wait);
      this.#pending.add(wait);
      signal?.addEventListener('abort', aborted, { once: true });
      if (timeoutMs !== undefined) arm(timeoutMs);
    });
  }
}

/** The log `log` in the shared map, made empty when there is none. */
function storedLog<H>(data: MemoryLogs<H>, log: string): MemoryLog<H> {
  let stored = data.get(log);
  if (stored === undefined) {
    stored = { entries: [], waiters: new Set() };
    data.set(log, stored);
  }
  return stored;
}

function closedPort(port: string, kind: string, method: string): ClosedError {
  return new ClosedError(`${port}.${method}() called after close()`, { details: { kind, method } });
}

/** Wakes the waiters of `stored` that its new size exceeds. */
function wakeAbove(stored: MemoryLog<unknown>): void {
  const size = stored.entries.length;
  // Deleting the current element while iterating a Set is safe: iteration goes on with the next one.
  for (const waiter of stored.waiters) if (size > waiter.above) waiter.wake(size);
}
