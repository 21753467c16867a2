import {
  assertValidName,
  CorruptDataError,
  InvalidArgumentError,
  isOmegaError,
  type LogBackend,
  type LogEntryInput,
  logEntries,
  logSpec,
  type Store,
  z,
} from '@omega/core';
import type { TraceEvent } from './events.js';
import { decodeLine, FORMAT_VERSION, KIND } from './rules.js';
import type { SinkCounts, SinkOwner, TraceSink } from './sink.js';

/** The header of a stored trace line: the writer that recorded it (the run is the log's name). */
const TraceLineHeader = z.object({ writer: z.string().min(1) });
type TraceLineHeader = z.infer<typeof TraceLineHeader>;

/** How traces are kept on a store's log port: one log per run, in the `trace-runs` folder. */
export const TRACE_RUNS = logSpec({
  kind: KIND,
  folder: 'trace-runs',
  header: TraceLineHeader,
  formatVersion: FORMAT_VERSION,
});

/** Buffered bytes past which a flush starts in the background (default of `flushBytes`). */
const DEFAULT_FLUSH_BYTES = 1024 * 1024;

/** Options of {@link StoreTraceSink}. */
export interface StoreTraceSinkOptions {
  /** Close the store when the sink closes (default false: the store is shared with other families). */
  ownsStore?: boolean;
  /** Buffered bytes past which the sink appends them in the background (default 1 MiB). */
  flushBytes?: number;
}

/**
 * A {@link TraceSink} on any {@link Store}'s log port, so `new TraceFront(new StoreTraceSink(store))` is a
 * trace provider wherever the store keeps its data (PostgreSQL, the filesystem, memory): each run is a log,
 * each event an entry whose body is the event's line and whose header names its writer. `accept` buffers
 * lines in memory (the hot path never waits); `flush` appends each run's buffered lines in one append, in
 * the order recorded, and runs past `flushBytes` are flushed in the background. Lines read back are
 * checked against the event schema, a bad one a `CorruptDataError` naming the run and the position.
 */
export class StoreTraceSink implements TraceSink {
  readonly #store: Store;
  readonly #log: LogBackend<TraceLineHeader>;
  readonly #ownsStore: boolean;
  readonly #flushBytes: number;
  #writer = '';
  #buffered = new Map<string, string[]>();
  #bufferedBytes = 0;
  #inFlightBytes = 0;
  #written = 0;
  // Flushes run one after another, so a run's lines are appended in the order recorded.
  #flushing: Promise<void> = Promise.resolve();
  #backgroundPending = false;

  constructor(store: Store, options: StoreTraceSinkOptions = {}) {
    const flushBytes = options.flushBytes ?? DEFAULT_FLUSH_BYTES;
    if (!Number.isSafeInteger(flushBytes) || flushBytes < 1) {
      throw new InvalidArgumentError('StoreTraceSink: option flushBytes must be a positive integer', {
        details: { kind: KIND, option: 'flushBytes', value: flushBytes },
      });
    }
    this.#store = store;
    this.#log = store.log(TRACE_RUNS);
    this.#ownsStore = options.ownsStore === true;
    this.#flushBytes = flushBytes;
  }

  bind(owner: SinkOwner): void {
    this.#writer = owner.writer;
  }

  accept(runId: string, line: string): void {
    let lines = this.#buffered.get(runId);
    if (lines === undefined) {
      lines = [];
      this.#buffered.set(runId, lines);
    }
    lines.push(line);
    this.#bufferedBytes += line.length;
    if (this.#bufferedBytes >= this.#flushBytes && !this.#backgroundPending) {
      this.#backgroundPending = true;
      this.flush().then(
        () => {
          this.#backgroundPending = false;
        },
        (error: unknown) => {
          this.#backgroundPending = false;
          process.emitWarning(
            `@omega/trace: a background flush failed and will be retried: ${String(error)}`,
            {
              code: 'OMEGA_TRACE_FLUSH',
            },
          );
        },
      );
    }
  }

  flush(): Promise<void> {
    const run = this.#flushing.then(() => this.#appendBuffered());
    // A failed flush does not stop the next one.
    this.#flushing = run.catch(() => undefined);
    return run;
  }

  async events(runId: string | undefined): Promise<TraceEvent[]> {
    const events: TraceEvent[] = [];
    for (const run of await this.#runs(runId)) {
      for await (const entry of logEntries(this.#log, run)) {
        events.push(decodeStored(run, entry.position, entry.header.writer, entry.body));
      }
    }
    return events;
  }

  async clear(runId: string | undefined): Promise<void> {
    await this.flush();
    for (const run of await this.#runs(runId)) await this.#log.drop(run);
  }

  counts(): SinkCounts {
    return { written: this.#written, dropped: 0, bufferedBytes: this.#bufferedBytes + this.#inFlightBytes };
  }

  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      if (this.#ownsStore) await this.#store.close();
    }
  }

  /** The runs to read or clear: `runId`, or every run stored. */
  async #runs(runId: string | undefined): Promise<string[]> {
    if (runId !== undefined) {
      assertValidName(KIND, runId);
      return [runId];
    }
    const runs: string[] = [];
    for (let page = await this.#log.logs(); page.length > 0; ) {
      runs.push(...page);
      page = await this.#log.logs({ after: page[page.length - 1]! });
    }
    return runs;
  }

  /** Appends what is buffered, a run at a time; what fails to append goes back to the buffer's front. */
  async #appendBuffered(): Promise<void> {
    const taken = this.#buffered;
    const bytes = this.#bufferedBytes;
    if (taken.size === 0) return;
    this.#buffered = new Map();
    this.#bufferedBytes = 0;
    this.#inFlightBytes = bytes;
    const header = { writer: this.#writer };
    try {
      for (const [runId, lines] of taken) {
        const entries: LogEntryInput<TraceLineHeader>[] = lines.map((line) => ({
          header,
          body: line.slice(0, -1),
        }));
        await this.#log.append(runId, entries);
        taken.delete(runId);
        this.#written += lines.length;
      }
    } catch (error) {
      for (const [runId, lines] of taken) {
        const later = this.#buffered.get(runId) ?? [];
        this.#buffered.set(runId, [...lines, ...later]);
        for (const line of lines) this.#bufferedBytes += line.length;
      }
      throw error;
    } finally {
      this.#inFlightBytes = 0;
    }
  }
}

/** The event of a stored line; a `CorruptDataError` naming the run, the position and the first bad path. */
function decodeStored(runId: string, position: number, writer: string, body: string): TraceEvent {
  const folder = TRACE_RUNS.folder;
  try {
    return decodeLine(body, { runId, writer }, { file: `${folder}/${runId}`, offset: position });
  } catch (error) {
    if (!isOmegaError(error, 'CORRUPT_DATA')) throw error;
    const { path, reason } = error.details as { path: string; reason: string };
    throw new CorruptDataError(
      `trace run "${runId}" (folder ${folder}) is corrupt at entry ${position}: ${reason} at ${path}`,
      {
        cause: error,
        details: { kind: KIND, folder, name: runId, position, path, reason },
      },
    );
  }
}
