// The OTLP JSON encoding of traces (opentelemetry-proto `trace/v1/trace.proto`, JSON mapping): what
// `toOtlp` returns. Ids are lowercase hex; 64-bit times are decimal strings; enums are integers.

/** An OTLP `AnyValue`: exactly one field set, or none for an empty value (null, undefined). */
export interface OtlpAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  /** A safe integer as a number, a wider one (from a bigint) as a decimal string. */
  intValue?: number | string;
  /** Non-finite values as the strings `NaN`, `Infinity`, `-Infinity`. */
  doubleValue?: number | string;
  arrayValue?: { values: OtlpAnyValue[] };
  kvlistValue?: { values: OtlpKeyValue[] };
  /** Base64. */
  bytesValue?: string;
}

export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}

export interface OtlpSpanEvent {
  timeUnixNano: string;
  name: string;
  attributes: OtlpKeyValue[];
  droppedAttributesCount: number;
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpKeyValue[];
  droppedAttributesCount: number;
  events: OtlpSpanEvent[];
  droppedEventsCount: number;
  /** 0 unset, 2 error. */
  status: { code: number; message?: string };
  links: never[];
  droppedLinksCount: number;
}

export interface OtlpTracesData {
  resourceSpans: Array<{
    resource: { attributes: OtlpKeyValue[]; droppedAttributesCount: number };
    scopeSpans: Array<{ scope: { name: string; version?: string }; spans: OtlpSpan[] }>;
  }>;
}
