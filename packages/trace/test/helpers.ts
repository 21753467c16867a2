import { fileURLToPath } from 'node:url';
import { io } from '@omega/core/fs';
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

type Calls = Record<string, (...args: unknown[]) => unknown>;

/**
 * Stalls the disk: every asynchronous write through the toolkit's `io` table waits until `release()`,
 * which restores the table and lets the waiting writes through, in order.
 */
export function stallWrites(): { stalled: () => number; release: () => void } {
  const table = io as unknown as Calls;
  const original = table.writev as (...args: unknown[]) => Promise<unknown>;
  const waiting: Array<() => void> = [];
  table.writev = (...args) =>
    new Promise((resolve, reject) => waiting.push(() => void original(...args).then(resolve, reject)));
  return {
    stalled: () => waiting.length,
    release: () => {
      table.writev = original;
      for (const go of waiting.splice(0)) go();
    },
  };
}

/** Counts the calls of `call` through the toolkit's `io` table until `restore()`. */
export function countCalls(call: string): { count: () => number; restore: () => void } {
  const table = io as unknown as Calls;
  const original = table[call] as (...args: unknown[]) => unknown;
  let count = 0;
  table[call] = (...args) => {
    count++;
    return original(...args);
  };
  return {
    count: () => count,
    restore: () => {
      table[call] = original;
    },
  };
}
