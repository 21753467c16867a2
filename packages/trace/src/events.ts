import { NameSchema, type Val, ValSchema, z } from '@omega/core';

/** How much an event matters, as a logger has it; `error` marks its span failed in OTLP. */
export const TRACE_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type TraceLevel = (typeof TRACE_LEVELS)[number];

/** What a caller records: a run's event, optionally part of a span (OpenTelemetry ids). */
export interface TraceEventInput {
  /** The run the event belongs to: a name (1-128 of `A-Z a-z 0-9 . _ -`, not starting with `.`). */
  runId: string;
  /** What happened (`effect.call`, `span.start`, ...): 1-256 characters. */
  kind: string;
  /** The machine step the event happened at: an integer >= 0. */
  step?: number;
  /** When, in milliseconds since the epoch (a finite number >= 0, fractions kept); default: the clock. */
  at?: number;
  level?: TraceLevel;
  /** A span's name, or an event's: up to 1024 characters. */
  name?: string;
  /** 32 lowercase hex digits, not all zero; by default derived from `runId` (`traceIdOf`). */
  traceId?: string;
  /** 16 lowercase hex digits, not all zero. */
  spanId?: string;
  /** 16 lowercase hex digits, not all zero. */
  parentSpanId?: string;
  /** Any `Val`; stored as a copy taken by `record()`. */
  data?: Val;
}

/** A recorded event: the input, its time, who wrote it and its number among that writer's events. */
export interface TraceEvent extends TraceEventInput {
  at: number;
  /** The provider instance that recorded it (one per process and provider). */
  writer: string;
  /** Its 0-based number among `writer`'s events; a gap is an event dropped past the buffer's bound. */
  seq: number;
}

/** Which events `query` and `subscribe` give: every field given must match. */
export interface TraceQuery {
  runId?: string;
  kind?: string;
  level?: string;
  /** Events at or after this time (ms). */
  since?: number;
  /** Events strictly before this time (ms). */
  until?: number;
  /** At most this many (a positive integer): the first ones in order; a subscription ends after them. */
  limit?: number;
}

/** Counters of one provider instance since it was made. */
export interface TraceStats {
  /** Events `record()` accepted. */
  recorded: number;
  /** Events stored: in the ring (memory) or on disk (streaming). */
  written: number;
  /** Events lost: evicted from a full ring (memory), refused past `maxBufferBytes` (streaming). */
  dropped: number;
  /** Bytes recorded and not yet written (what a stalled disk holds in memory). */
  bufferedBytes: number;
}

const LOWER_HEX = /^[0-9a-f]+$/;
const idSchema = (digits: number) =>
  z
    .string()
    .length(digits)
    .regex(LOWER_HEX)
    .refine((id) => !/^0+$/.test(id), { message: 'an all-zero id is invalid' });

/** A trace id as OpenTelemetry has it: 32 lowercase hex digits, not all zero. */
export const TraceIdSchema = idSchema(32);
/** A span id as OpenTelemetry has it: 16 lowercase hex digits, not all zero. */
export const SpanIdSchema = idSchema(16);

/** A recorded event as stored, checked when read back from disk. */
export const TraceEventSchema = z
  .object({
    runId: NameSchema,
    kind: z.string().min(1).max(256),
    step: z.number().int().nonnegative().optional(),
    at: z.number().nonnegative().finite(),
    level: z.enum(TRACE_LEVELS).optional(),
    name: z.string().max(1024).optional(),
    traceId: TraceIdSchema.optional(),
    spanId: SpanIdSchema.optional(),
    parentSpanId: SpanIdSchema.optional(),
    data: ValSchema.optional(),
    writer: z.string().regex(/^[0-9a-z-]{1,64}$/),
    seq: z.number().int().nonnegative(),
  })
  .strict();
