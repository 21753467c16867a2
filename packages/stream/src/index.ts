import { type Closable, type RecordParts, TimestampSchema, type Val, z } from '@omega/core';

export type { Val } from '@omega/core';

/** Where a stream is: `open` until its writer ends it (`done` or `error`) or anyone cancels it. */
export const StreamStatusSchema = z.enum(['open', 'done', 'error', 'cancelled']);
export type StreamStatus = z.infer<typeof StreamStatusSchema>;

/** Why a stream failed (`end` with an error) or was cancelled (code `CANCELLED`, the reason as message). */
export const StreamErrorSchema = z.object({ code: z.string(), message: z.string() });
export type StreamError = z.infer<typeof StreamErrorSchema>;

/** The meta of a stream over a set of record parts (checked ones for the public schema, shape ones for serde). */
export function streamMetaOf(parts: RecordParts) {
  return z.record(z.string(), parts.val);
}

/** What `end` takes: nothing for a stream that completed, `{ error }` for one that failed. */
export const StreamOutcomeSchema = z.strictObject({ error: StreamErrorSchema.optional() });
export type StreamOutcome = z.infer<typeof StreamOutcomeSchema>;

/** What every stream reports, derived from its log (see the README, "Storage"). */
export const StreamInfoSchema = z.object({
  id: z.string(),
  status: StreamStatusSchema,
  /** Chunks appended: the next chunk's index. */
  chunks: z.number().int().nonnegative(),
  /** UTF-8 bytes of the chunks' stored (serde) text. */
  bytes: z.number().int().nonnegative(),
  createdAt: TimestampSchema,
  /** When the last chunk, end or cancel was written (`createdAt` before any). */
  updatedAt: TimestampSchema,
  error: StreamErrorSchema.optional(),
  /** The meta given to `create` (an addition to the interface). */
  meta: z.record(z.string(), z.custom<Val>()).optional(),
});
export type StreamInfo = z.infer<typeof StreamInfoSchema>;

/** One chunk as `read` yields it. */
export interface StreamChunk {
  index: number;
  chunk: Val;
}

/** Options of {@link StreamProvider.append}. */
export interface StreamAppendOptions {
  /**
   * Append only when the chunk would get this index (the stream holds exactly this many chunks), else a
   * `ConflictError` and nothing is appended: a writer resumed after a crash cannot duplicate a chunk.
   */
  expectedIndex?: number;
}

/** Options of {@link StreamProvider.read}. */
export interface StreamReadOptions {
  /** Index of the first chunk (default 0): where a reader that dropped resumes. */
  from?: number;
  /** Keep delivering chunks as they are appended until the stream ends (default false: what is there now). */
  follow?: boolean;
  /** Aborting disconnects this reader only: its iteration rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** Options of {@link StreamProvider.prune}. */
export interface StreamPruneOptions {
  /** Streams whose `updatedAt` is at least this many milliseconds ago are deleted, whatever their status. */
  olderThanMs: number;
}

/**
 * Resumable streams (model output streamed to clients): one append-only log per stream, so a client that
 * drops resumes at any index, and followers in other processes see chunks as they land. Stream ids follow
 * the one naming rule (`NAME_RULE` in `@omega/core`).
 *
 * Backends: `MemoryStreamProvider` (`@omega/stream/memory`), `FilesystemStreamProvider`
 * (`@omega/stream/filesystem`) and `MockStreamProvider` (`@omega/stream/mock`); `StreamFront`
 * (`@omega/stream/front`) over any store. Every backend passes `describeStreamProvider`
 * (`@omega/stream/conformance`).
 */
export interface StreamProvider extends Closable {
  /** Creates an open, empty stream; `AlreadyExistsError` when `id` exists. */
  create(id: string, meta?: Record<string, Val>): Promise<StreamInfo>;

  /**
   * Appends `chunk` (any storable `Val`, else `InvalidArgumentError`) and resolves to its index once it is
   * stored. `NotFoundError` for a missing stream; `ConflictError` after `end`, `StreamCancelledError` (a
   * `ConflictError`) after `cancel`, `ConflictError` when `expectedIndex` is not the chunk's index.
   */
  append(id: string, chunk: Val, options?: StreamAppendOptions): Promise<number>;

  /**
   * Ends the stream for everyone, in every process: followers complete, the writer's next append is a
   * `StreamCancelledError`. Cancelling a stream that already ended changes nothing.
   */
  cancel(id: string, reason?: string): Promise<StreamInfo>;

  /** Ends the stream (`done`, or `error` with `outcome.error`); `ConflictError` when it already ended. */
  end(id: string, outcome?: StreamOutcome): Promise<StreamInfo>;

  /**
   * The chunks from `from` on, in order. With `follow`, waits for more until the stream ends, then
   * completes; a stream silent past the provider's `idleTimeoutMs` is a `StreamIdleError`. `NotFoundError`
   * for a missing stream (at the first `next()`).
   */
  read(id: string, options?: StreamReadOptions): AsyncIterable<StreamChunk>;

  /** The stream's info, or `null` when there is none. */
  info(id: string): Promise<StreamInfo | null>;

  /** Every stream's info, sorted by id. */
  list(): Promise<StreamInfo[]>;

  /** Deletes the stream and its chunks; `NotFoundError` when there is none. */
  delete(id: string): Promise<void>;

  /** Retention (an addition to the interface): deletes streams idle for `olderThanMs`; resolves to their ids. */
  prune(options: StreamPruneOptions): Promise<string[]>;
}
