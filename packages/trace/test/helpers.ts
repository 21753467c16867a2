import { fileURLToPath } from 'node:url';
import { assertBuilt } from '@omega/test-kit';
import type { TraceEvent, TraceProvider, TraceQuery } from '../src/index.js';

/** Every event `query` gives. */
export async function queryAll(provider: TraceProvider, query?: TraceQuery): Promise<TraceEvent[]> {
  const events: TraceEvent[] = [];
  for await (const event of provider.query(query)) events.push(event);
  return events;
}

/** Path of a file in test/fixtures: the children the slow tests start. */
export function fixture(file: string): string {
  return fileURLToPath(new URL(`./fixtures/${file}`, import.meta.url));
}

/** Fails clearly when the package is not built: the fixtures import `@omega/trace/filesystem`. */
export function assertTraceBuilt(): Promise<void> {
  return assertBuilt(fileURLToPath(new URL('../dist/filesystem.js', import.meta.url)));
}
