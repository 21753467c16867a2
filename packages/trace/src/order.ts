import type { TraceEvent } from './events.js';

/** The order of `query`: by time, then writer (code units), then the writer's sequence number. */
export function compareEvents(a: TraceEvent, b: TraceEvent): number {
  if (a.at !== b.at) return a.at - b.at;
  if (a.writer !== b.writer) return a.writer < b.writer ? -1 : 1;
  return a.seq - b.seq;
}
