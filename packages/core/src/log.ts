import type { z } from 'zod';
import { ConflictError, InvalidArgumentError } from './errors.js';
import { assertValidName } from './names.js';
import { checkCount, DEFAULT_PAGE_SIZE, type PageOptions } from './pages.js';

/**
 * What a family stores as logs: the rules a {@link LogBackend} needs, written once in the family's
 * `rules.ts`. Like a {@link DocumentSpec}, with the header of each entry instead of each document.
 */
export interface LogSpec<H> {
  /** What the log names name, for errors: `receipt log`, `trace`, ... */
  kind: string;
  /** The family folder under a store root (or table, or key prefix), e.g. `receipts`. */
  folder: string;
  /** Format tag of every entry, e.g. `omega.receipt`. */
  format: string;
  /** Current format version (entries of versions 1..formatVersion are read). */
  formatVersion: number;
  /** Schema of each entry's header (small, flat, JSON). */
  header: z.ZodType<H>;
}

/** One entry to append: a small header and a serde body. */
export interface LogEntryInput<H> {
  header: H;
  /** Serde text, as the family wrote it. */
  body: string;
}

/** One stored entry, validated. */
export interface LogEntry<H> {
  /** Its 0-based position: the number of entries before it. */
  position: number;
  /** The format version it was written with (at most the reader's). */
  formatVersion: number;
  /** The family's header fields. Shared with the backend: read, never mutate. */
  header: H;
  /** The body: serde text, as the family wrote it. */
  body: string;
}

/** Options of {@link LogBackend.append}. */
export interface AppendOptions {
  /**
   * Append only when the log holds exactly this many entries, else a `ConflictError` (details
   * `{ kind, name, expectedSize, actualSize }`) and nothing is appended: a hash chain, a ledger or a fenced
   * writer made atomic without a separate lock. Of racing appenders expecting one size, exactly one wins.
   */
  expectedSize?: number;
}

/** Options of {@link LogBackend.read}. */
export interface LogReadOptions {
  /** Position of the first entry (default 0). */
  from?: number;
  /** Most entries returned (default {@link DEFAULT_PAGE_SIZE}). */
  limit?: number;
}

/** Options of {@link LogBackend.wait}. */
export interface WaitOptions {
  /** Aborting rejects the wait with the signal's reason. */
  signal?: AbortSignal;
  /** Give up after this many milliseconds, resolving to the size then (default: wait as long as it takes). */
  timeoutMs?: number;
}

/**
 * The storage port of the append-only families (receipts, traces, the audit, streams, facts, the
 * ledger): named logs of entries made of a small header and a serde body, each at a fixed 0-based
 * position. Entries are never edited; {@link LogBackend.drop} removes a whole log, for retention. Every
 * method validates the log name first (an `InvalidNameError` naming `kind`, nothing touched).
 */
export interface LogBackend<H> {
  /**
   * True when every entry was appended by this process from records its front validated (memory): the
   * front may decode bodies without validating them again. False for anything read from outside.
   */
  readonly prevalidated: boolean;
  /**
   * Appends `entries` (at least one) in order, at contiguous positions; resolves to the position of the
   * first once they are stored (durable, where the backend is) and readable by every reader.
   */
  append(log: string, entries: readonly LogEntryInput<H>[], options?: AppendOptions): Promise<number>;
  /** Entries from position `from` on, at most `limit`: an empty page past the end (or of a missing log). */
  read(log: string, options?: LogReadOptions): Promise<LogEntry<H>[]>;
  /** How many entries the log holds (0 when there is none). It never goes back, but by `drop`. */
  size(log: string): Promise<number>;
  /** The last entry, or null when the log is empty or missing. */
  last(log: string): Promise<LogEntry<H> | null>;
  /** Names of the non-empty logs, sorted (UTF-16 code units), one page at a time. */
  logs(options?: PageOptions): Promise<string[]>;
  /** Removes a whole log; false when there was none. */
  drop(log: string): Promise<boolean>;
  /**
   * Resolves to the log's size once it holds more than `size` entries, whoever appended them (another
   * process too, where the store is shared); on `timeoutMs`, to the size then (at most `size`).
   */
  wait(log: string, size: number, options?: WaitOptions): Promise<number>;
  /** Releases what the port holds (watchers, handles); entries outlive it where the backend persists them. */
  close(): Promise<void>;
}

/**
 * A family's {@link LogSpec} by the convention every family follows: format tag `omega.<kind>`, format
 * version 1 unless given.
 */
export function logSpec<H>(spec: {
  kind: string;
  folder: string;
  header: z.ZodType<H>;
  formatVersion?: number;
  format?: string;
}): LogSpec<H> {
  const { kind, folder, header } = spec;
  return {
    kind,
    folder,
    format: spec.format ?? `omega.${kind}`,
    formatVersion: spec.formatVersion ?? 1,
    header,
  };
}

/** Validates the parts of a {@link LogSpec} every backend relies on. */
export function checkLogSpec<H>(spec: LogSpec<H>): void {
  if (!Number.isSafeInteger(spec.formatVersion) || spec.formatVersion < 1) {
    throw new InvalidArgumentError('a log format version must be a positive integer', {
      details: { kind: spec.kind, folder: spec.folder, formatVersion: spec.formatVersion },
    });
  }
  assertValidName('folder', spec.folder);
}

/** Checks the arguments of {@link LogBackend.append}: an `InvalidArgumentError` naming the log otherwise. */
export function checkAppend<H>(
  kind: string,
  log: string,
  entries: readonly LogEntryInput<H>[],
  options: AppendOptions | undefined,
): void {
  assertValidName(kind, log);
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new InvalidArgumentError(`an append to ${kind} "${log}" needs at least one entry`, {
      details: { kind, name: log, option: 'entries' },
    });
  }
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    if (typeof entry !== 'object' || entry === null || typeof entry.body !== 'string') {
      throw new InvalidArgumentError(`entry ${i} of an append to ${kind} "${log}" needs a string body`, {
        details: { kind, name: log, path: `entries[${i}].body` },
      });
    }
  }
  const expected = options?.expectedSize;
  if (expected !== undefined) checkCount(kind, log, 'expectedSize', expected);
}

/**
 * Checks the arguments of {@link LogBackend.wait} (the name, a count `size`, a count `timeoutMs`, an
 * `AbortSignal`), then throws the signal's reason if it is aborted already: what every port does first.
 */
export function checkWait(kind: string, log: string, size: unknown, options: WaitOptions | undefined): void {
  assertValidName(kind, log);
  checkCount(kind, log, 'size', size);
  const signal = options?.signal;
  const timeoutMs = options?.timeoutMs;
  if (timeoutMs !== undefined) checkCount(kind, log, 'timeoutMs', timeoutMs);
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    const details = { kind, name: log, option: 'signal' };
    throw new InvalidArgumentError('option signal of a wait must be an AbortSignal', { details });
  }
  signal?.throwIfAborted();
}

/** A `ConflictError` of a conditional append that found another size. */
export function sizeConflict(kind: string, log: string, expectedSize: number, actualSize: number) {
  return new ConflictError(
    `${kind} "${log}" holds ${actualSize} entries, expected ${expectedSize}: another append came first`,
    { details: { kind, name: log, expectedSize, actualSize } },
  );
}

/**
 * Every entry of log `name` from position `from` on, read a page of `pageSize` at a time (what a verifier or
 * a listing that walks a whole log needs without holding it in memory).
 */
export async function* logEntries<H>(
  log: LogBackend<H>,
  name: string,
  from = 0,
  pageSize = DEFAULT_PAGE_SIZE,
): AsyncGenerator<LogEntry<H>> {
  for (let position = from; ; ) {
    const page = await log.read(name, { from: position, limit: pageSize });
    yield* page;
    if (page.length < pageSize) return;
    position += page.length;
  }
}
