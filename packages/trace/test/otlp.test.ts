import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { testWithTempDir } from '@omega/test-kit';
import { type Attributes, context, type SpanKind, trace } from '@opentelemetry/api';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { writeOtlpJsonl } from '../src/filesystem.js';
import { type OtlpSpan, type TraceEvent, type TraceEventInput, toOtlp, type Val } from '../src/index.js';
import { MemoryTraceProvider } from '../src/memory.js';
import { queryAll } from './helpers.js';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const ROOT = 'b7ad6b7169203331';
const CHILD = '00f067aa0ba902b7';
const OPEN = '1111111111111111';
const T = 1_700_000_000_000;

/** A run's events: a client root span, a failing child with span events, a span never ended, a plain log line. */
const INPUTS: TraceEventInput[] = [
  {
    runId: 'run',
    kind: 'span.start',
    at: T,
    name: 'agent run',
    traceId: TRACE,
    spanId: ROOT,
    data: { spanKind: 'client', model: 'm1', tokens: 12, ratio: 0.5, cached: false, tags: ['a', 'b'] },
  },
  {
    runId: 'run',
    kind: 'span.start',
    at: T + 1.25,
    name: 'tool call',
    traceId: TRACE,
    spanId: CHILD,
    parentSpanId: ROOT,
    data: { tool: 'search' },
  },
  {
    runId: 'run',
    kind: 'effect.retry',
    at: T + 2.5,
    traceId: TRACE,
    spanId: CHILD,
    level: 'warn',
    data: { attempt: 2 },
  },
  {
    runId: 'run',
    kind: 'effect.failed',
    at: T + 3,
    name: 'timeout',
    traceId: TRACE,
    spanId: CHILD,
    level: 'error',
    data: { ms: 3000 },
  },
  { runId: 'run', kind: 'span.end', at: T + 4, traceId: TRACE, spanId: CHILD, data: { outcome: 'failed' } },
  { runId: 'run', kind: 'log', at: T + 5, level: 'info', data: 'a line with no span' },
  {
    runId: 'run',
    kind: 'span.start',
    at: T + 6,
    name: 'stream',
    traceId: TRACE,
    spanId: OPEN,
    parentSpanId: ROOT,
  },
  { runId: 'run', kind: 'chunk', at: T + 7.125, traceId: TRACE, spanId: OPEN, data: { bytes: 10 } },
  { runId: 'run', kind: 'span.end', at: T + 9, traceId: TRACE, spanId: ROOT, data: { tokens: 40 } },
];

async function recorded(inputs: TraceEventInput[]): Promise<TraceEvent[]> {
  const provider = new MemoryTraceProvider();
  for (const input of inputs) provider.record(input);
  const events = await queryAll(provider);
  await provider.close();
  return events;
}

const API_KINDS: Record<number, SpanKind> = { 1: 0, 2: 1, 3: 2, 4: 3, 5: 4 };

/** The spans of `TracesData` as OpenTelemetry's SDK builds them and its OTLP transformer serializes them. */
function oracle(spans: readonly OtlpSpan[]): OtlpSpan[] {
  const ids = spans.map((span) => span.spanId);
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
    idGenerator: { generateTraceId: () => TRACE, generateSpanId: () => ids.shift() as string },
  });
  const tracer = provider.getTracer('@omega/trace');
  const ms = (nanos: string) => Number(BigInt(nanos) / 1000n) / 1000;
  const value = (any: OtlpSpan['attributes'][number]['value']) =>
    any.stringValue ??
    any.boolValue ??
    any.intValue ??
    any.doubleValue ??
    any.arrayValue?.values.map((v) => v.stringValue ?? v.intValue);
  const attributes = (list: OtlpSpan['attributes']): Attributes =>
    Object.fromEntries(list.map(({ key, value: v }) => [key, value(v) as never]));
  for (const span of spans) {
    const parent =
      span.parentSpanId === undefined
        ? context.active()
        : trace.setSpanContext(context.active(), {
            traceId: TRACE,
            spanId: span.parentSpanId,
            traceFlags: 1,
          });
    const built = tracer.startSpan(
      span.name,
      {
        kind: API_KINDS[span.kind],
        startTime: ms(span.startTimeUnixNano),
        attributes: attributes(span.attributes),
      },
      parent,
    );
    for (const event of span.events)
      built.addEvent(event.name, attributes(event.attributes), ms(event.timeUnixNano));
    built.setStatus({
      code: span.status.code,
      ...(span.status.message ? { message: span.status.message } : {}),
    });
    built.end(ms(span.endTimeUnixNano));
  }
  const json = JSON.parse(
    new TextDecoder().decode(JsonTraceSerializer.serializeRequest(exporter.getFinishedSpans())),
  );
  return json.resourceSpans[0].scopeSpans[0].spans;
}

/** What the oracle is compared on: ids, names, kinds, times, status, attributes and events. */
function compared(span: OtlpSpan) {
  const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    name: span.name,
    kind: span.kind,
    startTimeUnixNano: span.startTimeUnixNano,
    endTimeUnixNano: span.endTimeUnixNano,
    status: span.status,
    attributes: [...span.attributes].sort(byKey),
    events: span.events.map((event) => ({ ...event, attributes: [...event.attributes].sort(byKey) })),
  };
}

describe('toOtlp', () => {
  it("agrees field for field with OpenTelemetry's SDK and OTLP transformer on the same spans", async () => {
    const ours = toOtlp(await recorded(INPUTS)).resourceSpans[0]?.scopeSpans[0]?.spans ?? [];
    expect(ours.map((span) => span.name)).toStrictEqual(['agent run', 'tool call', 'stream']);
    const theirs = oracle(ours);
    expect(theirs.map(compared)).toStrictEqual(ours.map(compared));
  });

  it('maps spans as documented: kind, parent, status from an error event, span events, an unended span', async () => {
    const [root, child, open] = toOtlp(await recorded(INPUTS)).resourceSpans[0]?.scopeSpans[0]?.spans ?? [];
    expect(root).toMatchObject({
      spanId: ROOT,
      kind: 3,
      startTimeUnixNano: '1700000000000000000',
      endTimeUnixNano: '1700000000009000000',
      status: { code: 0 },
    });
    expect(root?.parentSpanId).toBeUndefined();
    expect(root?.attributes).toContainEqual({ key: 'tokens', value: { intValue: 40 } });
    expect(root?.attributes).toContainEqual({
      key: 'tags',
      value: { arrayValue: { values: [{ stringValue: 'a' }, { stringValue: 'b' }] } },
    });
    expect(child).toMatchObject({
      parentSpanId: ROOT,
      kind: 1,
      status: { code: 2, message: 'timeout' },
      startTimeUnixNano: '1700000000001250000',
    });
    expect(child?.events.map((event) => event.name)).toStrictEqual(['effect.retry', 'timeout']);
    expect(child?.events[0]?.attributes).toContainEqual({
      key: 'omega.level',
      value: { stringValue: 'warn' },
    });
    expect(open?.attributes).toContainEqual({ key: 'omega.span.incomplete', value: { boolValue: true } });
    expect(open?.endTimeUnixNano).toBe('1700000000007125000');
    expect(child?.attributes).not.toContainEqual(expect.objectContaining({ key: 'omega.span.incomplete' }));
  });

  it('writes every Val as an AnyValue', async () => {
    const data = {
      n: null,
      big: 2n ** 70n,
      int64: -(2n ** 40n),
      nan: Number.NaN,
      when: new Date(0),
      bytes: new Uint8Array([1, 2, 3]),
      set: new Set([1]),
      map: new Map<Val, Val>([[1, 'one']]),
      nested: { deep: [true, 1.5] },
    };
    const [span] =
      toOtlp(await recorded([{ runId: 'v', kind: 'span.start', spanId: ROOT, data }])).resourceSpans[0]
        ?.scopeSpans[0]?.spans ?? [];
    const attribute = (key: string) => span?.attributes.find((a) => a.key === key)?.value;
    expect(attribute('n')).toStrictEqual({});
    expect(attribute('big')).toStrictEqual({ stringValue: (2n ** 70n).toString() });
    expect(attribute('int64')).toStrictEqual({ intValue: (-(2n ** 40n)).toString() });
    expect(attribute('nan')).toStrictEqual({ doubleValue: 'NaN' });
    expect(attribute('when')).toStrictEqual({ stringValue: '1970-01-01T00:00:00.000Z' });
    expect(attribute('bytes')).toStrictEqual({ bytesValue: 'AQID' });
    expect(attribute('set')).toStrictEqual({ arrayValue: { values: [{ intValue: 1 }] } });
    expect(attribute('map')).toStrictEqual({
      kvlistValue: { values: [{ key: '{"intValue":1}', value: { stringValue: 'one' } }] },
    });
    expect(attribute('nested')).toStrictEqual({
      kvlistValue: {
        values: [
          { key: 'deep', value: { arrayValue: { values: [{ boolValue: true }, { doubleValue: 1.5 }] } } },
        ],
      },
    });
    expect(span?.traceId).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('writeOtlpJsonl', () => {
  const test = testWithTempDir('omega-trace-otlp-');

  test('writes one TracesData per line, one line per trace, as the OpenTelemetry file exporter does', async ({
    dir,
  }) => {
    const events = await recorded([
      ...INPUTS,
      { runId: 'other-run', kind: 'span.start', name: 'other', spanId: ROOT },
      { runId: 'other-run', kind: 'span.end', spanId: ROOT },
    ]);
    const file = join(dir, 'traces.jsonl');
    await writeOtlpJsonl(file, events, { resource: { 'service.name': 'tests' } });
    const lines = (await readFile(file, 'utf8')).split('\n');
    expect(lines.at(-1)).toBe('');
    const [first, second] = lines.slice(0, -1).map((line) => JSON.parse(line));
    expect(first.resourceSpans[0].resource.attributes).toStrictEqual([
      { key: 'service.name', value: { stringValue: 'tests' } },
    ]);
    expect(first.resourceSpans[0].scopeSpans[0].spans.length).toBe(3);
    expect(second.resourceSpans[0].scopeSpans[0].spans.map((span: OtlpSpan) => span.name)).toStrictEqual([
      'other',
    ]);
    expect(second.resourceSpans[0].scopeSpans[0].spans[0].traceId).not.toBe(TRACE);
  });

  test('reports a file it cannot write as a StorageFailureError naming it', async ({ dir }) => {
    const file = join(dir, 'missing', 'traces.jsonl');
    await expect(writeOtlpJsonl(file, await recorded(INPUTS))).rejects.toMatchObject({
      code: 'STORAGE_FAILURE',
      details: { file, operation: 'OTLP export' },
    });
  });
});
