import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { io } from '@omega/core/fs';
import { StreamingTraceProvider } from '@omega/trace/filesystem';
import { pino } from 'pino';
import { compare } from './measure.js';
import type { Row } from './report.js';

const EVENTS = 20_000;
const SAMPLES = 5;
const STALLED_RECORDS = 50_000;

/** The events of one batch: a run's step events, each in a span, with a small record of data. */
function traceEvents(count: number) {
  return Array.from({ length: count }, (_, i) => ({
    runId: 'bench-run',
    kind: 'effect.call',
    step: i,
    at: 1_700_000_000_000 + i,
    level: 'info' as const,
    name: 'llm.complete',
    spanId: (0x1000_0000_0000_0000n + BigInt(i)).toString(16),
    data: { model: 'model-a', tokens: i % 977, cached: i % 3 === 0, prompt: 'p'.repeat(40) },
  }));
}

type Destination = ReturnType<typeof pino.destination>;

// pino's flush of an asynchronous destination: the buffered bytes are written, then the callback runs.
const flushed = (destination: Destination) =>
  new Promise<void>((resolve, reject) => destination.flush((error) => (error ? reject(error) : resolve())));

/**
 * `record()` + `flush()` of the streaming trace provider against pino writing the same events to a file:
 * its fastest setup (`pino.destination({ minLength: 4096, sync: false })`) and its default one
 * (`pino.destination(file)`, a synchronous write per line), each batch ending with a flush; then `record()`'s
 * own latency (p50 and p99) with every write stalled, against one `JSON.stringify` of the event.
 */
export async function traceOperations(root: string): Promise<Row[]> {
  await rm(root, { recursive: true, force: true });
  await mkdir(root, { recursive: true });
  const events = traceEvents(EVENTS);
  const provider = new StreamingTraceProvider({ root: path.join(root, 'omega'), maxFileBytes: 1024 ** 3 });
  const fastFile = path.join(root, 'pino-fast.log');
  const fast = pino.destination({ dest: fastFile, minLength: 4096, sync: false });
  const defaultFile = path.join(root, 'pino-default.log');
  const plain = pino.destination(defaultFile);
  // No timestamp, pid or host: pino writes the event's own fields (and its level), as the provider does.
  const options = { base: null, timestamp: false };
  const fastLogger = pino(options, fast);
  const defaultLogger = pino(options, plain);
  await new Promise((resolve) => fast.once('ready', resolve));
  const rows: Row[] = [];
  try {
    const ours = async () => {
      for (const event of events) provider.record(event);
      await provider.flush();
    };
    const pinoFast = async () => {
      for (const event of events) fastLogger.info(event);
      await flushed(fast);
    };
    const pinoDefault = () => {
      for (const event of events) defaultLogger.info(event);
      plain.flushSync();
    };
    const againstFast = await compare(ours, pinoFast, SAMPLES, 1);
    const againstDefault = await compare(ours, pinoDefault, SAMPLES, 1);
    const size = await bytesPerEvent(root, events);
    rows.push(
      {
        bench: `trace record+flush of ${EVENTS} events vs pino.destination({ minLength: 4096, sync: false })`,
        size,
        ...againstFast,
        target: 1.5,
        sense: 'speed',
      },
      {
        bench: `trace record+flush of ${EVENTS} events vs pino.destination(file) (default, sync)`,
        size,
        ...againstDefault,
        target: 2,
        sense: 'speed',
      },
    );
    rows.push(...(await stalledLatency(path.join(root, 'stalled'), events[0]!)));
  } finally {
    await provider.close();
    fast.end();
    plain.end();
  }
  return rows;
}

/** Bytes per event on disk of both writers, from 100 events written to fresh files. */
async function bytesPerEvent(
  root: string,
  events: readonly ReturnType<typeof traceEvents>[number][],
): Promise<string> {
  const sample = events.slice(0, 100);
  const provider = new StreamingTraceProvider({ root: path.join(root, 'sample') });
  for (const event of sample) provider.record(event);
  await provider.close();
  const folder = path.join(root, 'sample', 'traces', 'bench-run');
  const [file] = await readdir(folder);
  const lines = (await readFile(path.join(folder, file!), 'utf8')).split('\n').slice(1, -1);
  const ours = lines.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0) / lines.length;
  const destination = pino.destination({ dest: path.join(root, 'sample.log'), sync: true });
  const logger = pino({ base: null, timestamp: false }, destination);
  for (const event of sample) logger.info(event);
  destination.end();
  const theirs = (await stat(path.join(root, 'sample.log'))).size / sample.length;
  return `${Math.round(ours)} B/event (pino ${Math.round(theirs)} B)`;
}

type Calls = Record<string, (...args: unknown[]) => unknown>;

/** Percentiles of `values` (sorted in place). */
function percentile(values: number[], q: number): number {
  values.sort((a, b) => a - b);
  return values[Math.min(values.length - 1, Math.floor(q * values.length))]!;
}

/**
 * `record()` timed one call at a time while every write waits forever (the toolkit's `io.writev` never
 * settles), so the buffer fills and then drops: what the hot path costs when the disk stalls. The
 * baseline is one `JSON.stringify` of the same event, timed the same way.
 */
async function stalledLatency(root: string, event: ReturnType<typeof traceEvents>[number]): Promise<Row[]> {
  const table = io as unknown as Calls;
  const writev = table.writev!;
  table.writev = () => new Promise(() => undefined);
  const provider = new StreamingTraceProvider({ root, maxBufferBytes: 4 * 1024 * 1024 });
  const ours: number[] = [];
  const theirs: number[] = [];
  try {
    for (let i = 0; i < STALLED_RECORDS; i++) {
      const input = { ...event, step: i };
      let start = process.hrtime.bigint();
      provider.record(input);
      ours.push(Number(process.hrtime.bigint() - start) / 1e6);
      start = process.hrtime.bigint();
      JSON.stringify(input);
      theirs.push(Number(process.hrtime.bigint() - start) / 1e6);
      if (i % 1000 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    table.writev = writev;
  }
  const { dropped } = provider.stats();
  const rows: Row[] = [];
  for (const [label, q] of [
    ['p50', 0.5],
    ['p99', 0.99],
  ] as const) {
    const candidateMs = percentile(ours, q);
    rows.push({
      bench: `trace record() ${label} with writes stalled: ${(candidateMs * 1000).toFixed(2)} µs (${STALLED_RECORDS} calls, ${dropped} dropped) vs JSON.stringify of the event`,
      size: '1 event',
      candidateMs,
      baselineMs: percentile(theirs, q),
      sense: 'time',
    });
  }
  return rows;
}
