import type { TraceEvent } from './events.js';

/** What a sink asks of the front that owns it. */
export interface SinkOwner {
  /** The writer id of the front, which names its files. */
  writer: string;
  /** The line of a `trace.dropped` event of `runId` saying `count` events were dropped. */
  droppedLine(runId: string, count: number): string;
}

/** What a sink has counted since it was made (see `TraceStats`). */
export interface SinkCounts {
  written: number;
  dropped: number;
  bufferedBytes: number;
}

/**
 * Where a trace front keeps what `record()` accepted: the family's own port, since neither core port fits
 * a hot path that must never wait (a ring in memory, per-process files on disk). The front checks,
 * numbers and encodes events; a sink only holds their lines.
 */
export interface TraceSink {
  /** Binds the sink to its front, once, before any other call. */
  bind(owner: SinkOwner): void;
  /** Takes the line of one checked event of `runId`; synchronous, never waiting for I/O. */
  accept(runId: string, line: string): void;
  /** Stores what is buffered; rejects with the storage failure of a write. */
  flush(): Promise<void>;
  /** Every stored event of `runId` (of every run when undefined), in no particular order. */
  events(runId: string | undefined): Promise<TraceEvent[]>;
  /** Removes the stored events of `runId` (of every run when undefined). */
  clear(runId: string | undefined): Promise<void>;
  counts(): SinkCounts;
  /** Flushes, then releases what the sink holds. */
  close(): Promise<void>;
}
