import { asStorageFailure, writeFileAtomic } from '@omega/core/fs';
import type { TraceEvent } from './events.js';
import { type OtlpOptions, toOtlp } from './otlp.js';
import { KIND } from './rules.js';

/**
 * Writes `events` to `path` as the OpenTelemetry file exporter does, which the Collector's file receiver
 * reads: one `TracesData` (OTLP JSON) per line, here one line per trace id. The file is replaced
 * atomically (durable unless `durable: false`).
 */
export async function writeOtlpJsonl(
  path: string,
  events: Iterable<TraceEvent>,
  options: OtlpOptions & { durable?: boolean } = {},
): Promise<void> {
  const byTrace = new Map<string, TraceEvent[]>();
  for (const event of events) {
    if (event.traceId === undefined || event.spanId === undefined) continue;
    const group = byTrace.get(event.traceId);
    if (group === undefined) byTrace.set(event.traceId, [event]);
    else group.push(event);
  }
  const lines = [...byTrace.values()].map((group) => `${JSON.stringify(toOtlp(group, options))}\n`);
  try {
    await writeFileAtomic(path, lines.join(''), { durable: options.durable ?? true });
  } catch (error) {
    throw asStorageFailure(error, { kind: KIND, operation: 'OTLP export', file: path });
  }
}
