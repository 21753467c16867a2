import { resolve } from 'node:path';
import { InvalidArgumentError } from '@omega/core';
import { TraceFront, type TraceFrontOptions } from './front.js';
import { integerOption, knownOptions } from './options.js';
import { KIND } from './rules.js';
import { SegmentSink } from './segments.js';

export { writeOtlpJsonl } from './otlp-file.js';

const PROVIDER = 'StreamingTraceProvider';
const MiB = 1024 * 1024;
const DAY_MS = 24 * 60 * 60 * 1000;
const OPTIONS = [
  'root',
  'durable',
  'maxBufferBytes',
  'flushBytes',
  'flushIntervalMs',
  'maxFileBytes',
  'maxTotalBytes',
  'maxAgeMs',
  'now',
];

/** Options of {@link StreamingTraceProvider}. */
export interface StreamingTraceProviderOptions extends TraceFrontOptions {
  /** Store root: traces live in `<root>/traces/<runId>/` (created on first write); resolved at construction. */
  root: string;
  /** fsync every flush (default false: written to the page cache, safe from a crash of the process only). */
  durable?: boolean;
  /** Bytes recorded and not yet written, past which `record()` drops events (default 16 MiB). */
  maxBufferBytes?: number;
  /** Buffered bytes that start a write (default 64 KiB, at most `maxBufferBytes`). */
  flushBytes?: number;
  /** Interval of the background flush, in ms (default 1000): what `kill -9` may lose. */
  flushIntervalMs?: number;
  /** Size past which a writer starts a new file for its run (default 64 MiB). */
  maxFileBytes?: number;
  /** Bytes of trace files kept across runs and processes; oldest files go first (default 1 GiB). */
  maxTotalBytes?: number;
  /** Age of the files kept, in ms since they were last written (default 30 days). */
  maxAgeMs?: number;
}

function rootOf(value: unknown): string {
  if (typeof value === 'string' && value !== '') return resolve(value);
  throw new InvalidArgumentError(`${PROVIDER} needs a non-empty root directory`, {
    details: { provider: PROVIDER, kind: KIND, option: 'root', value },
  });
}

function durableOf(value: unknown): boolean {
  if (value === undefined || typeof value === 'boolean') return value === true;
  throw new InvalidArgumentError(`${PROVIDER}: option durable must be a boolean`, {
    details: { provider: PROVIDER, kind: KIND, option: 'durable', value },
  });
}

/**
 * Traces on disk, built for the runtime's hot path: each provider writes its own JSONL files,
 * `<root>/traces/<runId>/<writer>.<segment>.jsonl` (a header line, then one event per line), so processes
 * tracing one run never wait for each other. `record()` only copies the event into a buffer; a write starts
 * once `flushBytes` are buffered, every `flushIntervalMs` (a timer that never keeps the process alive), on
 * `flush()` and on `close()`, and synchronously on exit (`process.exit`, the end of the event loop, an
 * uncaught exception). Past `maxBufferBytes` events are dropped and counted, and the next write records one
 * `trace.dropped` event per run with the count. Files are rotated at `maxFileBytes`; the oldest files of
 * every run go once the folder holds more than `maxTotalBytes` or they are older than `maxAgeMs`.
 */
export class StreamingTraceProvider extends TraceFront {
  /** The store root, as an absolute path. */
  readonly root: string;

  constructor(options: StreamingTraceProviderOptions) {
    const checked = knownOptions(PROVIDER, options, OPTIONS);
    const root = rootOf(checked.root);
    const integer = (option: string, min: number, fallback: number, max?: number) =>
      integerOption(PROVIDER, checked, option, { min, fallback, ...(max === undefined ? {} : { max }) });
    const maxBufferBytes = integer('maxBufferBytes', 1024, 16 * MiB);
    const sink = new SegmentSink({
      root,
      durable: durableOf(checked.durable),
      maxBufferBytes,
      flushBytes: integer('flushBytes', 1, Math.min(64 * 1024, maxBufferBytes), maxBufferBytes),
      flushIntervalMs: integer('flushIntervalMs', 1, 1000, 2 ** 31 - 1),
      maxFileBytes: integer('maxFileBytes', 4096, 64 * MiB),
      maxTotalBytes: integer('maxTotalBytes', 4096, 1024 * MiB),
      maxAgeMs: integer('maxAgeMs', 1, 30 * DAY_MS),
    });
    super(sink, options, { provider: PROVIDER });
    this.root = root;
  }
}
