import { randomBytes } from 'node:crypto';
import { assertValidName, InvalidArgumentError, Lifecycle } from '@omega/core';
import type { TraceEvent, TraceEventInput, TraceQuery, TraceStats } from './events.js';
import type { TraceProvider } from './index.js';
import { compareEvents } from './order.js';
import { checkQuery, matches } from './query.js';
import { DROPPED_KIND, decodeLine, encodeEvent, KIND, type Stamp } from './rules.js';
import type { TraceSink } from './sink.js';

export type { SinkCounts, SinkOwner, TraceSink } from './sink.js';
export { StoreTraceSink, type StoreTraceSinkOptions, TRACE_RUNS } from './store-sink.js';

/** Options every trace backend takes. */
export interface TraceFrontOptions {
  /**
   * Clock of events recorded without `at`, in milliseconds since the epoch (default `Date.now`); it may
   * return fractions (`performance.timeOrigin + performance.now()`).
   */
  now?: () => number;
}

/** How a provider class builds its front (not a user option). */
export interface TraceFrontInit {
  /** The class name errors report (default: the class being constructed). */
  provider?: string;
}

interface Subscription {
  query: TraceQuery;
  listener: (event: TraceEvent) => void;
  left: number;
}

/** A writer id: this process and a random part, so providers of one process stay apart too. */
function newWriter(): string {
  return `${process.pid.toString(36)}-${randomBytes(5).toString('hex')}`;
}

/**
 * The trace family's rules, written once over a {@link TraceSink}: checks, the writer's numbering, the
 * encoding of events, queries in (`at`, `writer`, `seq`) order and live subscriptions. Every provider
 * (memory, streaming, the mock) is this front over its own sink.
 */
export class TraceFront implements TraceProvider {
  /** Closed checks: every method calls it first. */
  protected readonly lifecycle: Lifecycle;
  /** Who this provider's events say wrote them (`TraceEvent.writer`). */
  readonly writer: string;
  readonly #sink: TraceSink;
  readonly #stamp: Stamp;
  readonly #subscriptions = new Set<Subscription>();
  #recorded = 0;

  constructor(sink: TraceSink, options: TraceFrontOptions = {}, init: TraceFrontInit = {}) {
    const provider = init.provider ?? new.target.name;
    const now = options.now === undefined ? Date.now : options.now;
    if (typeof now !== 'function') {
      throw new InvalidArgumentError(`${provider}: option now must be a function returning milliseconds`, {
        details: { provider, kind: KIND, option: 'now', value: now },
      });
    }
    this.lifecycle = new Lifecycle(provider, KIND);
    this.writer = newWriter();
    this.#sink = sink;
    this.#stamp = { writer: this.writer, seq: 0, now };
    sink.bind({ writer: this.writer, droppedLine: (runId, count) => this.#droppedLine(runId, count) });
  }

  record(event: TraceEventInput): void {
    this.lifecycle.assertOpen('record');
    const { runId, line } = encodeEvent(event, this.#stamp);
    this.#stamp.seq++;
    this.#recorded++;
    this.#sink.accept(runId, line);
    if (this.#subscriptions.size > 0) this.#deliver(runId, line);
  }

  async flush(): Promise<void> {
    this.lifecycle.assertOpen('flush');
    await this.#sink.flush();
  }

  async *query(query: TraceQuery = {}): AsyncIterable<TraceEvent> {
    this.lifecycle.assertOpen('query');
    const checked = checkQuery('query', query);
    await this.#sink.flush();
    const events = (await this.#sink.events(checked.runId)).filter((event) => matches(checked, event));
    events.sort(compareEvents);
    yield* checked.limit === undefined ? events : events.slice(0, checked.limit);
  }

  subscribe(query: TraceQuery, listener: (event: TraceEvent) => void): () => void {
    this.lifecycle.assertOpen('subscribe');
    const checked = { ...checkQuery('subscribe', query) };
    if (typeof listener !== 'function') {
      throw new InvalidArgumentError('subscribe(): the listener must be a function', {
        details: { kind: KIND, method: 'subscribe', option: 'listener', value: listener },
      });
    }
    const subscription = { query: checked, listener, left: checked.limit ?? Number.POSITIVE_INFINITY };
    this.#subscriptions.add(subscription);
    return () => {
      this.#subscriptions.delete(subscription);
    };
  }

  stats(): TraceStats {
    this.lifecycle.assertOpen('stats');
    return { recorded: this.#recorded, ...this.#sink.counts() };
  }

  async clear(runId?: string): Promise<void> {
    this.lifecycle.assertOpen('clear');
    if (runId !== undefined) assertValidName(KIND, runId);
    await this.#sink.clear(runId);
  }

  /** Flushes what is buffered and releases the sink; later calls are `ClosedError`s. Idempotent. */
  async close(): Promise<void> {
    if (!this.lifecycle.markClosed()) return;
    this.#subscriptions.clear();
    await this.#sink.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #droppedLine(runId: string, count: number): string {
    const input: TraceEventInput = { runId, kind: DROPPED_KIND, level: 'warn', data: { count } };
    const { line } = encodeEvent(input, this.#stamp);
    this.#stamp.seq++;
    return line;
  }

  // Each listener gets its own copy: one listener changing its event changes no other's.
  #deliver(runId: string, line: string): void {
    const text = line.slice(0, -1);
    const place = { runId, writer: this.writer };
    let event: TraceEvent | undefined;
    for (const subscription of this.#subscriptions) {
      event ??= decodeLine(text, place);
      if (!matches(subscription.query, event)) continue;
      if (--subscription.left <= 0) this.#subscriptions.delete(subscription);
      try {
        subscription.listener(event);
      } catch (error) {
        process.emitWarning(`a trace listener threw: ${String(error)}`, {
          code: 'OMEGA_TRACE_LISTENER_FAILED',
          detail: error instanceof Error ? error.stack : undefined,
        });
      }
      event = undefined;
    }
  }
}
