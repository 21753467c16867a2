import { Buffer } from 'node:buffer';
import type { Val } from '@omega/core';
import type { TraceEvent } from './events.js';
import { compareEvents } from './order.js';
import type { OtlpAnyValue, OtlpKeyValue, OtlpSpan, OtlpSpanEvent, OtlpTracesData } from './otlp-types.js';

/** Options of {@link toOtlp}. */
export interface OtlpOptions {
  /** Attributes of the resource every span belongs to (default `{ 'service.name': 'omega' }`). */
  resource?: Record<string, Val>;
}

/** The kind of the event that opens a span, and of the one that ends it. */
export const SPAN_START = 'span.start';
export const SPAN_END = 'span.end';

const SPAN_KINDS: Readonly<Record<string, number>> = {
  internal: 1,
  server: 2,
  client: 3,
  producer: 4,
  consumer: 5,
};
const STATUS_UNSET = 0;
const STATUS_ERROR = 2;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Milliseconds as OTLP's decimal nanoseconds, split as OpenTelemetry's `millisToHrTime` splits them. */
export function nanosOf(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  const nanos = Math.round((ms % 1000) * 1e6);
  return (BigInt(seconds) * 1_000_000_000n + BigInt(nanos)).toString();
}

/** A `Val` as an OTLP `AnyValue`. */
export function anyValueOf(value: Val): OtlpAnyValue {
  switch (typeof value) {
    case 'string':
      return { stringValue: value };
    case 'boolean':
      return { boolValue: value };
    case 'number':
      if (Number.isSafeInteger(value) && !Object.is(value, -0)) return { intValue: value };
      return { doubleValue: Number.isFinite(value) ? value : String(value) };
    case 'bigint':
      return value >= INT64_MIN && value <= INT64_MAX
        ? { intValue: value.toString() }
        : { stringValue: value.toString() };
    case 'undefined':
      return {};
  }
  if (value === null) return {};
  if (value instanceof Date)
    return { stringValue: Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString() };
  if (value instanceof Uint8Array) return { bytesValue: Buffer.from(value).toString('base64') };
  if (Array.isArray(value) || value instanceof Set) {
    return { arrayValue: { values: [...value].map((item) => anyValueOf(item as Val)) } };
  }
  if (value instanceof Map) {
    const values = [...value].map(([key, item]) => ({
      key: keyOf(key as Val),
      value: anyValueOf(item as Val),
    }));
    return { kvlistValue: { values } };
  }
  return { kvlistValue: { values: keyValuesOf(value as Record<string, Val>) } };
}

function keyOf(key: Val): string {
  return typeof key === 'string' ? key : JSON.stringify(anyValueOf(key));
}

function keyValuesOf(record: Record<string, Val>): OtlpKeyValue[] {
  const values: OtlpKeyValue[] = [];
  for (const [key, value] of Object.entries(record)) {
    // As OpenTelemetry's SDK does: an attribute set to undefined is not set.
    if (value !== undefined) values.push({ key, value: anyValueOf(value) });
  }
  return values;
}

function isRecord(value: Val | undefined): value is Record<string, Val> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Map) &&
    !(value instanceof Set) &&
    !(value instanceof Date) &&
    !(value instanceof Uint8Array)
  );
}

/** An event's `data` as attributes: a record's fields each, any other value as `omega.data`. */
function dataAttributes(data: Val | undefined, into: Map<string, Val>): void {
  if (data === undefined) return;
  if (!isRecord(data)) {
    into.set('omega.data', data);
    return;
  }
  for (const [key, value] of Object.entries(data)) if (value !== undefined) into.set(key, value);
}

function attributesOf(values: Map<string, Val>): OtlpKeyValue[] {
  return [...values].map(([key, value]) => ({ key, value: anyValueOf(value) }));
}

function spanEventOf(event: TraceEvent): OtlpSpanEvent {
  const values = new Map<string, Val>();
  dataAttributes(event.data, values);
  values.set('omega.kind', event.kind);
  if (event.level !== undefined) values.set('omega.level', event.level);
  return {
    timeUnixNano: nanosOf(event.at),
    name: event.name ?? event.kind,
    attributes: attributesOf(values),
    droppedAttributesCount: 0,
  };
}

function spanOf(events: readonly TraceEvent[]): OtlpSpan {
  const first = events[0] as TraceEvent;
  const last = events[events.length - 1] as TraceEvent;
  const start = events.find((event) => event.kind === SPAN_START) ?? first;
  const end = events.findLast((event) => event.kind === SPAN_END);
  const values = new Map<string, Val>();
  let kind = SPAN_KINDS.internal as number;
  if (isRecord(start.data)) {
    const { spanKind, ...rest } = start.data;
    if (typeof spanKind === 'string' && SPAN_KINDS[spanKind] !== undefined) kind = SPAN_KINDS[spanKind];
    dataAttributes(rest, values);
  } else {
    dataAttributes(start.data, values);
  }
  if (end !== undefined) dataAttributes(end.data, values);
  values.set('omega.run_id', start.runId);
  if (end === undefined) values.set('omega.span.incomplete', true);
  const failed = events.find((event) => event.level === 'error');
  const parentSpanId = start.parentSpanId ?? events.find((event) => event.parentSpanId)?.parentSpanId;
  return {
    traceId: start.traceId as string,
    spanId: start.spanId as string,
    ...(parentSpanId === undefined ? {} : { parentSpanId }),
    name: start.name ?? start.kind,
    kind,
    startTimeUnixNano: nanosOf(start.at),
    endTimeUnixNano: nanosOf((end ?? last).at),
    attributes: attributesOf(values),
    droppedAttributesCount: 0,
    events: events.filter((event) => event !== start && event !== end).map(spanEventOf),
    droppedEventsCount: 0,
    status:
      failed === undefined
        ? { code: STATUS_UNSET }
        : { code: STATUS_ERROR, message: failed.name ?? failed.kind },
    links: [],
    droppedLinksCount: 0,
  };
}

/**
 * Events as OTLP `TracesData` (JSON encoding), for any OpenTelemetry backend. The events sharing a trace
 * id and a span id are one span: opened by its `span.start` event (else its first), whose `name`
 * names it, whose `data` gives its attributes (`spanKind`: `internal`, `server`, `client`, `producer` or
 * `consumer` sets its kind) and whose `parentSpanId` its parent; closed by its `span.end` event, whose
 * `data` adds attributes. A span with no end ends at its last event and has `omega.span.incomplete =
 * true`. Its other events are span events (attributes: `data`, `omega.kind`, `omega.level`). An event at
 * level `error` sets the span's status to error (2). Events with no span id are not spans and are left
 * out.
 */
export function toOtlp(events: Iterable<TraceEvent>, options: OtlpOptions = {}): OtlpTracesData {
  const spans = new Map<string, TraceEvent[]>();
  for (const event of [...events].sort(compareEvents)) {
    if (event.spanId === undefined || event.traceId === undefined) continue;
    const key = `${event.traceId}/${event.spanId}`;
    const group = spans.get(key);
    if (group === undefined) spans.set(key, [event]);
    else group.push(event);
  }
  const resource = options.resource ?? { 'service.name': 'omega' };
  return {
    resourceSpans: [
      {
        resource: { attributes: keyValuesOf(resource), droppedAttributesCount: 0 },
        scopeSpans: [{ scope: { name: '@omega/trace' }, spans: [...spans.values()].map(spanOf) }],
      },
    ],
  };
}
