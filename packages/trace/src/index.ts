import type { Closable } from '@omega/core';
import type { TraceEvent, TraceEventInput, TraceQuery, TraceStats } from './events.js';

export type { Val } from '@omega/core';
export * from './events.js';
export { type OtlpOptions, toOtlp } from './otlp.js';
export type * from './otlp-types.js';

/**
 * Execution traces of runs: `record()` is the runtime's hot path (synchronous, never waiting for I/O),
 * the rest reads, follows and clears what was recorded.
 *
 * Backends: `MemoryTraceProvider` (`@omega/trace/memory`, a ring buffer), `StreamingTraceProvider`
 * (`@omega/trace/filesystem`, per-process JSONL files) and `MockTraceProvider` (`@omega/trace/mock`).
 * Every backend passes `describeTraceProvider` (`@omega/trace/conformance`).
 */
export interface TraceProvider extends Closable {
  /**
   * Records one event: synchronous, it never waits for I/O. Bad input throws here (`InvalidNameError`
   * for the run id, `InvalidArgumentError` naming the field otherwise) and records nothing.
   */
  record(event: TraceEventInput): void;
  /** Writes what is buffered (and fsyncs it when durable); I/O errors surface here and from `close()`. */
  flush(): Promise<void>;
  /** Stored events matching `query`, ordered by (`at`, `writer`, `seq`); recorded ones are flushed first. */
  query(query?: TraceQuery): AsyncIterable<TraceEvent>;
  /**
   * Calls `listener` with each event this provider records from now on that matches `query` (live, in
   * this process; a listener that throws is reported as a process warning). Returns the unsubscribe.
   */
  subscribe(query: TraceQuery, listener: (event: TraceEvent) => void): () => void;
  stats(): TraceStats;
  /** Removes the stored events of `runId`, or of every run. */
  clear(runId?: string): Promise<void>;
}
