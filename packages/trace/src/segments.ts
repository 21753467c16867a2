import { Buffer } from 'node:buffer';
import { join } from 'node:path';
import { asStorageFailure, io } from '@omega/core/fs';
import { Batch } from './batch.js';
import type { TraceEvent } from './events.js';
import { flushOnExit, forgetOnExit } from './exit-hook.js';
import { applyRetention, type Retention } from './retention.js';
import { FORMAT, FORMAT_VERSION, KIND } from './rules.js';
import { createSegment, FOLDER, isLinked, type Segment, writeAt, writeAtSync } from './segment-file.js';
import { readRuns } from './segment-read.js';
import type { SinkCounts, SinkOwner, TraceSink } from './sink.js';

/** How a {@link SegmentSink} buffers, writes and keeps files (checked options of the streaming provider). */
export interface SegmentOptions extends Retention {
  /** The store root (absolute); traces live in `<root>/traces`. */
  root: string;
  durable: boolean;
  maxBufferBytes: number;
  flushBytes: number;
  flushIntervalMs: number;
  maxFileBytes: number;
}

/** One run's bytes of one write, at the place planned for them. */
interface Planned {
  runId: string;
  segment: Segment;
  position: number;
  buffers: Buffer[];
  bytes: number;
  /** Of `buffers`, the bytes of events (a new segment's header line comes first). */
  eventBytes: number;
  events: number;
  /** Set once the bytes are known written (by the write, or again by the exit hook). */
  done: boolean;
}

/**
 * The streaming sink: lines are copied into byte chunks per run and written by this writer alone to its
 * own files, `<dir>/<runId>/<writer>.<segment>.jsonl`, so no cross-process lock sits on the hot path.
 * Writes go at positions planned before they start (files are created exclusively, never appended to
 * blindly), which makes every write idempotent: the exit hook writes again, synchronously, whatever an
 * unfinished asynchronous write held, and both land the same bytes at the same place.
 *
 * At most one round of writes runs at a time. Past `maxBufferBytes` (bytes buffered and in flight), a
 * line is dropped and counted per run, and the next round writes one `trace.dropped` event per such run.
 * A failed write is cut back to where it started (or its segment retired when that fails too) and its
 * bytes wait for the next round, so nothing is torn or written twice.
 */
export class SegmentSink implements TraceSink {
  readonly #options: SegmentOptions;
  #owner: SinkOwner | null = null;
  #pending = new Map<string, Batch>();
  #pendingBytes = 0;
  #inFlight: Planned[] = [];
  #inFlightBytes = 0;
  readonly #segments = new Map<string, Segment>();
  /** The next segment index of each run this writer wrote to. */
  readonly #next = new Map<string, number>();
  #drops = new Map<string, number>();
  #written = 0;
  #dropped = 0;
  /** The rounds, one after the other; a rejected round leaves the chain usable. */
  #chain: Promise<void> = Promise.resolve();
  #queued = false;
  /** Steps queued or running. */
  #steps = 0;
  #failing = false;
  #timer: NodeJS.Timeout | null = null;

  readonly #dir: string;

  constructor(options: SegmentOptions) {
    this.#options = options;
    this.#dir = join(options.root, FOLDER);
  }

  bind(owner: SinkOwner): void {
    this.#owner = owner;
    this.#timer = setInterval(() => this.#background(), this.#options.flushIntervalMs);
    // Never keeps the process alive: the exit hook writes what is left when the loop runs dry.
    this.#timer.unref();
    flushOnExit(this);
  }

  accept(runId: string, line: string): void {
    const batch = this.#pending.get(runId);
    // Measured only when it might not fit, as Batch measures.
    const size = line.length * 3;
    if (this.#pendingBytes + this.#inFlightBytes + size > this.#options.maxBufferBytes) {
      const bytes = Buffer.byteLength(line);
      if (this.#pendingBytes + this.#inFlightBytes + bytes > this.#options.maxBufferBytes) {
        this.#drops.set(runId, (this.#drops.get(runId) ?? 0) + 1);
        this.#dropped++;
        return;
      }
    }
    if (batch === undefined) {
      const fresh = new Batch();
      this.#pending.set(runId, fresh);
      this.#pendingBytes += fresh.add(line, true);
    } else {
      this.#pendingBytes += batch.add(line, true);
    }
    if (this.#pendingBytes >= this.#options.flushBytes) this.#background();
  }

  flush(): Promise<void> {
    return this.#enqueue(() => this.#round());
  }

  async events(runId: string | undefined): Promise<TraceEvent[]> {
    try {
      return readRuns(this.#dir, runId);
    } catch (error) {
      throw asStorageFailure(error, this.#context('read', runId, this.#dir));
    }
  }

  clear(runId: string | undefined): Promise<void> {
    return this.#enqueue(async () => {
      for (const run of runId === undefined ? [...this.#segments.keys()] : [runId]) this.#retire(run);
      this.#forget(runId);
      const target = runId === undefined ? this.#dir : join(this.#dir, runId);
      try {
        io.rmSync(target, { recursive: true, force: true });
      } catch (error) {
        throw asStorageFailure(error, this.#context('clear', runId, target));
      }
    });
  }

  counts(): SinkCounts {
    return {
      written: this.#written,
      dropped: this.#dropped,
      bufferedBytes: this.#pendingBytes + this.#inFlightBytes,
    };
  }

  async close(): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer);
    try {
      await this.flush();
    } catch (error) {
      // Closed, the sink writes no more: what it held is lost, and counted so.
      for (const batch of this.#pending.values()) this.#dropped += batch.events;
      throw error;
    } finally {
      forgetOnExit(this);
      for (const run of [...this.#segments.keys()]) this.#retire(run);
      this.#pending.clear();
      this.#pendingBytes = 0;
    }
  }

  /**
   * Writes, synchronously, what an unfinished round holds (again, at its planned place) and everything
   * buffered: the exit hook's flush. An asynchronous round that resumes afterwards finds its writes done.
   */
  flushSync(): void {
    for (const planned of this.#inFlight) {
      if (planned.done) continue;
      writeAtSync(planned.segment.fd, planned.buffers, planned.position);
      this.#landed(planned);
    }
    this.#inFlight = [];
    this.#inFlightBytes = 0;
    const plans = this.#plan();
    for (const planned of plans) {
      writeAtSync(planned.segment.fd, planned.buffers, planned.position);
      this.#landed(planned);
    }
    this.#inFlightBytes = 0;
    if (this.#options.durable) for (const planned of plans) io.fsyncSync(planned.segment.fd);
  }

  // With nothing running, a step starts at once: a write it submits runs on the thread pool while the
  // caller goes on recording (as pino's asynchronous destination does), instead of after its loop.
  #enqueue(step: () => Promise<void>, now = false): Promise<void> {
    const idle = this.#steps === 0;
    this.#steps++;
    const started = idle && now ? step() : this.#chain.then(step);
    const run = started.finally(() => {
      this.#steps--;
    });
    this.#chain = run.catch(() => undefined);
    return run;
  }

  // A round started by size or by the timer, unless one is queued already; its failure leaves the bytes
  // buffered for the next round, and is reported once per run of failures.
  #background(): void {
    if (this.#queued || (this.#pending.size === 0 && this.#drops.size === 0)) return;
    this.#queued = true;
    // From record(), a round starts at once only into files already open: it then makes no call that
    // may wait (an fstat, and the write it hands to the thread pool); opening a file waits for later.
    const now = [...this.#pending].every(([runId, batch]) => {
      const open = this.#segments.get(runId);
      return open !== undefined && open.size + batch.bytes <= this.#options.maxFileBytes;
    });
    this.#enqueue(() => {
      this.#queued = false;
      return this.#round();
    }, now).then(
      () => {
        this.#failing = false;
      },
      (error: unknown) => {
        if (this.#failing) return;
        this.#failing = true;
        process.emitWarning(`@omega/trace: a background flush failed and will be retried: ${String(error)}`, {
          code: 'OMEGA_TRACE_FLUSH_FAILED',
        });
      },
    );
  }

  async #round(): Promise<void> {
    const plans = this.#plan();
    if (plans.length === 0) return;
    this.#inFlight = plans;
    const synced: Planned[] = [];
    try {
      for (const planned of plans) {
        if (!planned.done) await this.#write(planned);
        synced.push(planned);
      }
    } catch (error) {
      this.#giveBack(plans);
      throw error;
    } finally {
      this.#inFlight = [];
      this.#inFlightBytes = 0;
    }
    if (this.#options.durable) {
      for (const planned of synced) {
        try {
          await io.fdatasync(planned.segment.fd);
        } catch (error) {
          throw asStorageFailure(error, this.#context('flush', planned.runId, planned.segment.path));
        }
      }
    }
  }

  async #write(planned: Planned): Promise<void> {
    try {
      await writeAt(planned.segment.fd, planned.buffers, planned.position);
    } catch (error) {
      // The exit hook may have written it meanwhile; otherwise cut the file back to where it was.
      if (!planned.done) this.#cutBack(planned);
      throw asStorageFailure(error, this.#context('flush', planned.runId, planned.segment.path));
    }
    if (!planned.done) this.#landed(planned);
  }

  #landed(planned: Planned): void {
    planned.done = true;
    this.#written += planned.events;
    this.#inFlightBytes -= planned.eventBytes;
  }

  // Takes every pending batch (with its run's `trace.dropped` line) and plans where each goes. A batch
  // whose segment cannot be made stays pending, and the error is thrown once the others are planned.
  #plan(): Planned[] {
    const owner = this.#owner;
    if (owner === null) return [];
    for (const [runId, count] of this.#drops) {
      let batch = this.#pending.get(runId);
      if (batch === undefined) {
        batch = new Batch();
        this.#pending.set(runId, batch);
      }
      this.#pendingBytes += batch.add(owner.droppedLine(runId, count), false);
    }
    this.#drops = new Map();
    const plans: Planned[] = [];
    let failure: unknown = null;
    for (const [runId, batch] of this.#pending) {
      // Its text copied into chunks first: from then on its bytes are counted exactly.
      const counted = batch.bytes;
      const buffers = [...batch.chunks()];
      this.#pendingBytes += batch.bytes - counted;
      let segment: Segment;
      try {
        segment = this.#segmentFor(runId, batch.bytes);
      } catch (error) {
        failure ??= error;
        continue;
      }
      if (segment.size === 0) buffers.unshift(this.#header(runId, segment));
      let bytes = 0;
      for (const buffer of buffers) bytes += buffer.length;
      plans.push({
        runId,
        segment,
        position: segment.size,
        buffers,
        bytes,
        eventBytes: batch.bytes,
        events: batch.events,
        done: false,
      });
      segment.size += bytes;
      this.#pending.delete(runId);
      this.#pendingBytes -= batch.bytes;
      this.#inFlightBytes += batch.bytes;
    }
    if (failure !== null) {
      this.#giveBack(plans);
      throw failure;
    }
    return plans;
  }

  // The unfinished writes of a failed round go back before what came since, in their order.
  #giveBack(plans: readonly Planned[]): void {
    for (const planned of plans) {
      if (planned.done) continue;
      const chunks = planned.position === 0 ? planned.buffers.slice(1) : planned.buffers;
      let batch = this.#pending.get(planned.runId);
      if (batch === undefined) {
        batch = new Batch();
        this.#pending.set(planned.runId, batch);
      }
      batch.restore(chunks, planned.eventBytes, planned.events);
      // Planned and not written: the segment's next write goes where this one would have.
      const { segment } = planned;
      if (segment.size === planned.position + planned.bytes) segment.size = planned.position;
      this.#pendingBytes += planned.eventBytes;
      this.#inFlightBytes -= planned.eventBytes;
    }
  }

  // Undoes a failed write: the file is cut back to where the write started, so no torn line stays
  // between whole ones. When even that fails, the segment is retired: its torn tail is its last line,
  // which readers skip, and the next round starts a new segment.
  #cutBack(planned: Planned): void {
    const { segment } = planned;
    try {
      io.ftruncateSync(segment.fd, planned.position);
      segment.size = planned.position;
    } catch {
      this.#retire(planned.runId);
    }
  }

  /** The segment `runId`'s next bytes go to: the open one, or a new one once it is full or unlinked. */
  #segmentFor(runId: string, bytes: number): Segment {
    const open = this.#segments.get(runId);
    const where = open?.path ?? join(this.#dir, runId);
    try {
      if (open !== undefined) {
        const full = open.size > 0 && open.size + bytes > this.#options.maxFileBytes;
        if (!full && isLinked(open)) return open;
        this.#retire(runId);
      }
      const writer = (this.#owner as SinkOwner).writer;
      const segment = createSegment(this.#options.root, runId, writer, this.#next.get(runId) ?? 0);
      this.#segments.set(runId, segment);
      this.#next.set(runId, segment.index + 1);
      const keep = new Set([...this.#segments.values()].map((s) => s.path));
      applyRetention(segment.dir, keep, this.#options, Date.now());
      return segment;
    } catch (error) {
      throw asStorageFailure(error, this.#context('flush', runId, where));
    }
  }

  #header(runId: string, segment: Segment): Buffer {
    const writer = (this.#owner as SinkOwner).writer;
    const header = { format: FORMAT, version: FORMAT_VERSION, runId, writer, segment: segment.index };
    return Buffer.from(`${JSON.stringify(header)}\n`);
  }

  // Closes run `runId`'s open segment; a failed close loses nothing written, so it is not an error.
  #retire(runId: string): void {
    const segment = this.#segments.get(runId);
    if (segment === undefined) return;
    this.#segments.delete(runId);
    try {
      io.closeSync(segment.fd);
    } catch {
      // The descriptor is released whatever close reports.
    }
  }

  // What a clear discards of this writer's own: its buffered lines and drop counts of the run(s).
  #forget(runId: string | undefined): void {
    for (const run of runId === undefined ? [...this.#pending.keys()] : [runId]) {
      const batch = this.#pending.get(run);
      if (batch === undefined) continue;
      this.#pending.delete(run);
      this.#pendingBytes -= batch.bytes;
    }
    if (runId === undefined) this.#drops.clear();
    else this.#drops.delete(runId);
  }

  #context(operation: string, runId: string | undefined, file: string) {
    return { kind: KIND, operation, file, ...(runId === undefined ? {} : { name: runId }) };
  }
}
