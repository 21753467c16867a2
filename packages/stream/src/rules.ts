import {
  AlreadyExistsError,
  ConflictError,
  decode,
  decodeRecord,
  encodeRecord,
  InvalidArgumentError,
  logSpec,
  NotFoundError,
  type OmegaErrorOptions,
  ShapeParts,
  TimestampSchema,
  type Val,
  z,
} from '@omega/core';
import { type StreamError, type StreamOutcome, StreamOutcomeSchema, streamMetaOf } from './index.js';

/** What this family's names name, in every error and name check. */
export const KIND = 'stream';

const BytesSchema = z.number().int().nonnegative();

/*
 * One log per stream, its entries told apart by `type`: `create` at position 0 (body: the meta), then a
 * `chunk` per chunk (chunk i at position i + 1, body: the chunk's serde text), then at most one `end` or
 * `cancel` (body: the outcome, or the reason). Every entry but `create` carries `bytes`, the chunks' bytes
 * so far, so a stream's info is its first and last entries: two reads, however long the stream.
 */
const EntryHeaderSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('create'), at: TimestampSchema }),
  z.object({ type: z.literal('chunk'), at: TimestampSchema, bytes: BytesSchema }),
  z.object({ type: z.literal('end'), at: TimestampSchema, bytes: BytesSchema }),
  z.object({ type: z.literal('cancel'), at: TimestampSchema, bytes: BytesSchema }),
]);
export type EntryHeader = z.infer<typeof EntryHeaderSchema>;

/** Stream logs on any log port: `streams/<id>`, format `omega.stream` v1. */
export const LOG = logSpec({ kind: KIND, folder: 'streams', header: EntryHeaderSchema });

// Structure-only twins of the public schemas: serde checks the values in the same walk.
const MetaShape = streamMetaOf(ShapeParts);
const ChunkShape = ShapeParts.val;
const ReasonSchema = z.object({ reason: z.string().optional() });

/** Serde text of a meta; `InvalidArgumentError` naming the stream and the first bad path. */
export function encodeMeta(id: string, meta: unknown): string {
  return encodeRecord(MetaShape, meta ?? {}, { kind: KIND, name: id }).text;
}

/** Serde text of a chunk; `InvalidArgumentError` naming the stream and the first bad path. */
export function encodeChunk(id: string, chunk: unknown): string {
  return encodeRecord(ChunkShape, chunk, { kind: KIND, name: id }).text;
}

/** Serde text of an `end` outcome, checked: `{}` or `{ error: { code, message } }`. */
export function encodeOutcome(id: string, outcome: unknown): string {
  return encodeRecord(StreamOutcomeSchema, outcome ?? {}, { kind: KIND, name: id }).text;
}

/** Serde text of a `cancel` reason, checked: a string or nothing. */
export function encodeReason(id: string, reason: unknown): string {
  return encodeRecord(ReasonSchema, reason === undefined ? {} : { reason }, { kind: KIND, name: id }).text;
}

/**
 * Decodes the body of the entry at `position`. A `prevalidated` body (written by this process from a
 * checked value) is decoded as is; any other is validated, a bad one a `CorruptDataError` naming the
 * stream and the position.
 */
function decodeBody<T>(
  shape: z.ZodType<T>,
  id: string,
  position: number,
  body: string,
  prevalidated: boolean,
) {
  if (prevalidated) return decode(body) as T;
  return decodeRecord(shape, body, { kind: KIND, name: `${id}@${position}` });
}

/** The meta in the body of a stream's create entry. */
export const decodeMeta = (id: string, body: string, prevalidated: boolean) =>
  decodeBody(MetaShape, id, 0, body, prevalidated) as Record<string, Val>;
/** The chunk in the body of the entry at `position` (chunk `position - 1`). */
export const decodeChunk = (id: string, position: number, body: string, prevalidated: boolean) =>
  decodeBody(ChunkShape, id, position, body, prevalidated);
/** The outcome in the body of an `end` entry. */
export const decodeOutcome = (id: string, position: number, body: string, prevalidated: boolean) =>
  decodeBody(StreamOutcomeSchema, id, position, body, prevalidated) as StreamOutcome;
/** The reason in the body of a `cancel` entry. */
export const decodeReason = (id: string, position: number, body: string, prevalidated: boolean) =>
  decodeBody(ReasonSchema, id, position, body, prevalidated);

/** The error `cancel` records: code `CANCELLED`, the reason as message. */
export function cancelledError(reason: string | undefined): StreamError {
  return { code: 'CANCELLED', message: reason ?? 'cancelled' };
}

/**
 * The stream was cancelled: what its writer's next append (or end) gets, so it stops producing. A
 * `ConflictError` (code `CONFLICT`) with `details.status` `cancelled` and the `reason`.
 */
export class StreamCancelledError extends ConflictError {
  constructor(id: string, reason: string | undefined, options: OmegaErrorOptions = {}) {
    super(`stream "${id}" was cancelled${reason === undefined ? '' : `: ${reason}`}`, {
      ...options,
      details: { kind: KIND, name: id, status: 'cancelled', reason },
    });
  }
}

/**
 * A follower waited longer than the idle timeout for the next chunk of a stream still open: its writer
 * went silent (crashed, or hung). A `ConflictError` with `details.index` (the chunk awaited) and
 * `details.idleTimeoutMs`; the stream is left as it is, and a reader may resume from that index.
 */
export class StreamIdleError extends ConflictError {
  constructor(id: string, index: number, idleTimeoutMs: number) {
    super(`stream "${id}" got no chunk ${index} within ${idleTimeoutMs} ms: its writer went silent`, {
      details: { kind: KIND, name: id, status: 'open', index, idleTimeoutMs, reason: 'idle' },
    });
  }
}

/** An append or end on a stream that already ended. */
export function alreadyEnded(id: string, status: string): ConflictError {
  return new ConflictError(`stream "${id}" has ended (${status}): nothing more can be appended`, {
    details: { kind: KIND, name: id, status },
  });
}

/** An append whose `expectedIndex` is not the index its chunk would get. */
export function indexConflict(id: string, expectedIndex: number, index: number): ConflictError {
  return new ConflictError(`stream "${id}" is at chunk ${index}, expected ${expectedIndex}`, {
    details: { kind: KIND, name: id, expectedIndex, index },
  });
}

/** `create` of a stream that exists. */
export function alreadyExists(id: string): AlreadyExistsError {
  return new AlreadyExistsError(`stream "${id}" already exists`, { details: { kind: KIND, name: id } });
}

/** The error of an operation that needs a stream that does not exist. */
export function notFound(id: string): NotFoundError {
  return new NotFoundError(`stream "${id}" does not exist`, { details: { kind: KIND, name: id } });
}

/** An option of the provider that is not what it must be. */
export function badOption(
  provider: string,
  option: string,
  rule: string,
  value: unknown,
): InvalidArgumentError {
  return new InvalidArgumentError(`${provider}: option ${option} must be ${rule}`, {
    details: { provider, kind: KIND, option, value },
  });
}
