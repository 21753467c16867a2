import {
  ConflictError,
  checkCount,
  Front,
  type FrontInit,
  type LogBackend,
  type LogEntry,
  type Store,
  type Val,
} from '@omega/core';
import { checkIdleTimeout, type StreamFrontOptions } from './front-options.js';
import type {
  StreamAppendOptions,
  StreamChunk,
  StreamInfo,
  StreamOutcome,
  StreamProvider,
  StreamPruneOptions,
  StreamReadOptions,
} from './index.js';
import { followChunks } from './reader.js';
import {
  alreadyExists,
  type EntryHeader,
  encodeChunk,
  encodeMeta,
  encodeOutcome,
  encodeReason,
  indexConflict,
  KIND,
  LOG,
  notFound,
} from './rules.js';
import { assertOpen, infoOf, type Tail, tailOf } from './tail.js';

// Streams whose infos list() reads at once.
const LIST_BATCH = 64;

export { DEFAULT_STREAM_IDLE_TIMEOUT_MS, type StreamFrontOptions } from './front-options.js';
export { LazyStream, type LazyStreamProducer } from './lazy.js';
export { StreamCancelledError, StreamIdleError } from './rules.js';

/**
 * The stream family's rules, written once over the log port of any {@link Store}: one log per stream,
 * every write a conditional append at the size the writer saw, so racing writers, a resumed writer's
 * `expectedIndex` and a cancel from another process are settled by the port, never by a lock. Every
 * provider (memory, filesystem, PostgreSQL) is this front over its own store.
 */
export class StreamFront extends Front implements StreamProvider {
  /** Where and how stream logs are stored in a store: `streams/<id>`, format `omega.stream`. */
  static readonly LOG = LOG;
  protected readonly log: LogBackend<EntryHeader>;
  readonly #idleTimeoutMs: number;
  // The tail after this provider's last write to each open stream: the next append's guess, which its
  // conditional append checks (a conflict reads the log again), so an append reads nothing first.
  readonly #tails = new Map<string, Tail>();

  /** A stream provider over `store`'s log port; `init` is for provider classes (their name, the store's ownership). */
  constructor(store: Store, options: StreamFrontOptions = {}, init: FrontInit = {}) {
    super(KIND, store, options, init);
    this.#idleTimeoutMs = checkIdleTimeout(init.provider ?? new.target.name, options.idleTimeoutMs);
    this.log = store.log(LOG);
  }

  async create(id: string, meta?: Record<string, Val>): Promise<StreamInfo> {
    this.lifecycle.assertNamed('create', id);
    const body = encodeMeta(id, meta);
    const header: EntryHeader = { type: 'create', at: this.timestamp(id) };
    try {
      await this.log.append(id, [{ header, body }], { expectedSize: 0 });
    } catch (error) {
      if (error instanceof ConflictError) throw alreadyExists(id);
      throw error;
    }
    this.#tails.set(id, { size: 1, bytes: 0 });
    const entry = { position: 0, formatVersion: LOG.formatVersion, header, body };
    return infoOf(id, entry, entry, true);
  }

  async append(id: string, chunk: Val, options: StreamAppendOptions = {}): Promise<number> {
    this.lifecycle.assertNamed('append', id);
    const expected = options.expectedIndex;
    if (expected !== undefined) checkCount(KIND, id, 'expectedIndex', expected);
    // Encoded before anything is read or written: a bad chunk stores nothing.
    const body = encodeChunk(id, chunk);
    const bytes = Buffer.byteLength(body);
    const at = this.timestamp(id);
    for (;;) {
      const cached = this.#tails.get(id);
      const tail = cached ?? (await this.#openTail(id));
      const index = tail.size - 1;
      if (expected !== undefined && expected !== index) {
        // A tail of this provider's own may be behind another writer's appends: read the log before refusing.
        if (cached !== undefined) {
          this.#tails.delete(id);
          continue;
        }
        throw indexConflict(id, expected, index);
      }
      const next = { size: tail.size + 1, bytes: tail.bytes + bytes };
      if (await this.#write(id, tail, { type: 'chunk', at, bytes: next.bytes }, body)) {
        this.#tails.set(id, next);
        return index;
      }
    }
  }

  async cancel(id: string, reason?: string): Promise<StreamInfo> {
    this.lifecycle.assertNamed('cancel', id);
    const body = encodeReason(id, reason);
    for (;;) {
      const last = await this.#last(id);
      const header = last.header;
      // A stream that ended stays as it ended: cancelling it is too late to stop anything.
      if (header.type === 'end' || header.type === 'cancel') return this.#infoOrThrow(id);
      const tail = tailOf(last);
      if (await this.#write(id, tail, { type: 'cancel', at: this.timestamp(id), bytes: tail.bytes }, body)) {
        this.#tails.delete(id);
        return this.#infoOrThrow(id);
      }
    }
  }

  async end(id: string, outcome?: StreamOutcome): Promise<StreamInfo> {
    this.lifecycle.assertNamed('end', id);
    const body = encodeOutcome(id, outcome);
    for (;;) {
      const tail = await this.#openTail(id);
      if (await this.#write(id, tail, { type: 'end', at: this.timestamp(id), bytes: tail.bytes }, body)) {
        // Only open streams are cached: nothing is appended to an ended one.
        this.#tails.delete(id);
        return this.#infoOrThrow(id);
      }
    }
  }

  async *read(id: string, options: StreamReadOptions = {}): AsyncIterable<StreamChunk> {
    this.lifecycle.assertNamed('read', id);
    const from = checkCount(KIND, id, 'from', options.from ?? 0);
    const follow = options.follow ?? false;
    const signal = options.signal;
    signal?.throwIfAborted();
    if ((await this.log.size(id)) === 0) throw notFound(id);
    yield* followChunks(this.log, id, {
      from,
      follow,
      signal,
      idleTimeoutMs: this.#idleTimeoutMs,
      assertOpen: () => this.lifecycle.assertOpen('read'),
    });
  }

  async info(id: string): Promise<StreamInfo | null> {
    this.lifecycle.assertNamed('info', id);
    return this.#info(id);
  }

  async list(): Promise<StreamInfo[]> {
    this.lifecycle.assertOpen('list');
    const ids = await this.log.logs({ limit: Number.POSITIVE_INFINITY });
    const infos: StreamInfo[] = [];
    // Read a batch at a time: a read holds its log file open, and thousands at once would run out of descriptors.
    for (let i = 0; i < ids.length; i += LIST_BATCH) {
      const batch = await Promise.all(ids.slice(i, i + LIST_BATCH).map((id) => this.#info(id)));
      // A stream deleted between the listing and its reading is left out.
      for (const info of batch) if (info !== null) infos.push(info);
    }
    return infos;
  }

  async delete(id: string): Promise<void> {
    this.lifecycle.assertNamed('delete', id);
    this.#tails.delete(id);
    if (!(await this.log.drop(id))) throw notFound(id);
  }

  async prune(options: StreamPruneOptions): Promise<string[]> {
    this.lifecycle.assertOpen('prune');
    const olderThanMs = checkCount(KIND, undefined, 'olderThanMs', options?.olderThanMs);
    const cutoff = this.timestamp('prune') - olderThanMs;
    const pruned: string[] = [];
    for (const info of await this.list()) {
      if (info.updatedAt > cutoff) continue;
      this.#tails.delete(info.id);
      if (await this.log.drop(info.id)) pruned.push(info.id);
    }
    return pruned;
  }

  /**
   * Appends one entry at `tail`; false when another write came first (the cached tail is forgotten, and
   * the caller reads the log again), the entry then not appended.
   */
  async #write(id: string, tail: Tail, header: EntryHeader, body: string): Promise<boolean> {
    try {
      await this.log.append(id, [{ header, body }], { expectedSize: tail.size });
      return true;
    } catch (error) {
      this.#tails.delete(id);
      if (error instanceof ConflictError) return false;
      throw error;
    }
  }

  /** The last entry of the stream's log; `NotFoundError` when there is none. */
  async #last(id: string): Promise<LogEntry<EntryHeader>> {
    const last = await this.log.last(id);
    if (last === null) throw notFound(id);
    return last;
  }

  /** The tail of a stream still open, read from the log: the error of a write after its end otherwise. */
  async #openTail(id: string): Promise<Tail> {
    const last = await this.#last(id);
    assertOpen(id, last, this.log.prevalidated);
    return tailOf(last);
  }

  async #info(id: string): Promise<StreamInfo | null> {
    const [first] = await this.log.read(id, { limit: 1 });
    const last = await this.log.last(id);
    if (first === undefined || last === null) return null;
    return infoOf(id, first, last, this.log.prevalidated);
  }

  async #infoOrThrow(id: string): Promise<StreamInfo> {
    const info = await this.#info(id);
    if (info === null) throw notFound(id);
    return info;
  }
}
