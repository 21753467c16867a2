import {
  cloneVal,
  type DocumentBackend,
  Front,
  type FrontInit,
  InvalidArgumentError,
  isOmegaError,
  type LogBackend,
  type LogEntryInput,
  MAX_DOCUMENT_BODY_BYTES,
  type Store,
  type Val,
} from '@omega/core';
import { type Direction, EvidenceIndex } from './evidence-index.js';
import { checkDepth, checkSnapshotEvery, type ProvenanceFrontOptions } from './front-options.js';
import type { Evidence, EvidenceInput, ProvenanceProvider, TraversalOptions } from './index.js';
import {
  type Checked,
  checkInput,
  checkSubject,
  corruptEntry,
  type EntryHeader,
  EVIDENCE_LOG,
  evidenceOfBody,
  evidenceOfEntry,
  KIND,
  LOG,
  notFound,
  SNAPSHOT,
  SNAPSHOTS,
  type SnapshotHeader,
} from './rules.js';
import { indexOfSnapshot, snapshotOf } from './snapshot.js';

export type { ProvenanceFrontOptions } from './front-options.js';

// Entries read per page of a replay.
const PAGE = 1000;
// Records appended in one conditional append at most: a batch's entries are one write and one fsync.
const MAX_BATCH = 512;
// Wanted positions at most this far apart are read in one page: the lines between cost less than a read.
const GAP = 32;

/** A record waiting for its batch. */
interface Pending {
  checked: Checked;
  header: EntryHeader;
  resolve(evidence: Evidence): void;
  reject(error: unknown): void;
}

/** Thrown by a read that found the log not holding what the index says: the index is rebuilt. */
class StaleIndex extends Error {
  constructor(readonly position: number) {
    super(`the log does not hold at ${position} what the index says`);
  }
}

/**
 * The provenance family's rules, written once over the log and document ports of any {@link Store}:
 * evidence on one append-only log (appends made atomic by the log's conditional append, never a lock),
 * and an index of ids, subjects and links kept in memory, caught up with the log before every read, so
 * providers of several processes over one store see each other's records. Where the store persists, a
 * snapshot of the index beside the log lets the next provider open by replaying only the entries after
 * what the snapshot covers.
 */
export class ProvenanceFront extends Front implements ProvenanceProvider {
  /** Where evidence is stored in a store: log `evidence` of `provenance-log/`. */
  static readonly LOG = LOG;
  /** Where the index snapshot is stored: document `index` of `provenance/`. */
  static readonly SNAPSHOTS = SNAPSHOTS;
  protected readonly log: LogBackend<EntryHeader>;
  protected readonly snapshots: DocumentBackend<SnapshotHeader>;
  readonly #snapshotEvery: number;
  // A memory log holds nothing a later provider could open faster from a snapshot.
  readonly #persistent: boolean;
  #index: EvidenceIndex | null = null;
  // What the stored snapshot covers, as far as this provider knows (0 when it knows of none usable).
  #snapshotCovers = 0;
  // The digest of a stored snapshot found unusable: replaced by the next snapshot, however much it covers.
  #rejectedDigest: string | null = null;
  // Index work (loading, catching up, appending, snapshots) runs one step at a time, in call order.
  #turn: Promise<unknown> = Promise.resolve();
  #waiting: Pending[] = [];
  #draining = false;
  #closing: Promise<void> | null = null;

  /** A provenance provider over `store`'s ports; `init` is for provider classes (their name, the store's ownership). */
  constructor(store: Store, options: ProvenanceFrontOptions = {}, init: FrontInit = {}) {
    super(KIND, store, options, init);
    const provider = init.provider ?? new.target.name;
    this.#snapshotEvery = checkSnapshotEvery(provider, options.snapshotEvery);
    this.log = store.log(LOG);
    this.snapshots = store.documents(SNAPSHOTS);
    this.#persistent = !this.log.prevalidated;
  }

  async record(input: EvidenceInput): Promise<Evidence> {
    this.lifecycle.assertOpen('record');
    // Any other shape is left to checkInput, which names the first bad path.
    if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
      checkSubject('record', (input as { subject?: unknown }).subject, '$.subject');
    }
    const checked = checkInput(input);
    const header: EntryHeader = { id: checked.id, at: checked.at ?? this.timestamp(checked.subject) };
    return new Promise<Evidence>((resolve, reject) => {
      this.#waiting.push({ checked, header, resolve, reject });
      if (this.#draining) return;
      this.#draining = true;
      // A microtask later, so the records of one synchronous burst (a Promise.all) make one batch.
      queueMicrotask(() => void this.#drain());
    });
  }

  async get(id: string): Promise<Evidence | null> {
    this.lifecycle.assertOpen('get');
    checkId('get', id);
    return this.#withIndex(async (index) => {
      const position = index.position(id);
      return position === undefined ? null : ((await this.#read(index, [position]))[0] as Evidence);
    });
  }

  async forSubject(subject: string): Promise<Evidence[]> {
    this.lifecycle.assertOpen('forSubject');
    checkSubject('forSubject', subject);
    return this.#withIndex((index) => this.#read(index, index.positionsOf(subject)));
  }

  async lineage(id: string, options: TraversalOptions = {}): Promise<Evidence[]> {
    this.lifecycle.assertOpen('lineage');
    return this.#traverse('lineage', 'parents', id, options);
  }

  async dependents(id: string, options: TraversalOptions = {}): Promise<Evidence[]> {
    this.lifecycle.assertOpen('dependents');
    return this.#traverse('dependents', 'children', id, options);
  }

  async count(): Promise<number> {
    this.lifecycle.assertOpen('count');
    return this.log.size(EVIDENCE_LOG);
  }

  /**
   * Later calls reject with `ClosedError`. Where the store persists, the index snapshot is brought up to
   * date first (after the records already made), so the next provider opens without replaying them.
   * Idempotent.
   */
  override async close(): Promise<void> {
    if (!this.lifecycle.closed) this.#closing ??= this.#exclusive(() => this.#snapshot(1));
    await this.#closing;
    await super.close();
  }

  async #traverse(
    method: string,
    direction: Direction,
    id: string,
    options: TraversalOptions,
  ): Promise<Evidence[]> {
    checkId(method, id);
    const depth = checkDepth(method, options);
    return this.#withIndex(async (index) => {
      const position = index.position(id);
      if (position === undefined) throw notFound(id);
      return this.#read(index, index.reach(position, direction, depth));
    });
  }

  /** Appends the waiting records, a batch at a time, until none waits. */
  async #drain(): Promise<void> {
    while (this.#waiting.length > 0) {
      const batch = this.#waiting.splice(0, MAX_BATCH);
      try {
        const outcomes = await this.#exclusive(() => this.#appendBatch(batch));
        for (const [i, pending] of batch.entries()) {
          const outcome = outcomes[i] as Evidence | Error;
          if (outcome instanceof Error) pending.reject(outcome);
          else pending.resolve(outcome);
        }
      } catch (error) {
        for (const pending of batch) pending.reject(error);
      }
    }
    this.#draining = false;
  }

  /**
   * One conditional append at the log's size of the batch's new evidence; when another appender came
   * first, catches up and plans again. Evidence already recorded (or earlier in the batch) is the stored
   * one; a record deriving from evidence not recorded (nor earlier in the batch) is a `NotFoundError`.
   */
  async #appendBatch(batch: readonly Pending[]): Promise<Array<Evidence | Error>> {
    let rebuilt = false;
    for (;;) {
      const index = await this.#caughtUp();
      const size = index.size;
      const planned = new Map<string, number>();
      const added: Pending[] = [];
      const positions: Array<number | Error> = [];
      for (const pending of batch) {
        const { id, derivedFrom } = pending.checked;
        const known = index.position(id) ?? planned.get(id);
        if (known !== undefined) {
          positions.push(known);
          continue;
        }
        const missing = derivedFrom.findIndex(
          (parent) => index.position(parent) === undefined && !planned.has(parent),
        );
        if (missing !== -1) {
          positions.push(notFound(derivedFrom[missing] as string, `$.derivedFrom[${missing}]`));
          continue;
        }
        planned.set(id, size + added.length);
        positions.push(size + added.length);
        added.push(pending);
      }
      if (added.length > 0) {
        const entries: LogEntryInput<EntryHeader>[] = added.map(({ checked, header }) => ({
          header,
          body: checked.body,
        }));
        try {
          await this.log.append(EVIDENCE_LOG, entries, { expectedSize: size });
        } catch (error) {
          // Another appender took these positions: read what it appended, then plan again after it.
          if (isOmegaError(error, 'CONFLICT')) continue;
          throw error;
        }
        for (const [i, { checked }] of added.entries()) {
          const reason = index.add(checked.id, checked.subject, checked.derivedFrom);
          if (reason !== null) throw corruptEntry(size + i, reason);
        }
        await this.#snapshot(Math.max(this.#snapshotEvery, this.#snapshotCovers));
      }
      const earlier = positions.filter(
        (position): position is number => typeof position === 'number' && position < size,
      );
      let read: Evidence[];
      try {
        read = await this.#read(index, earlier);
      } catch (error) {
        if (!(error instanceof StaleIndex) || rebuilt) throw error;
        // The log was replaced under the index: plan again over the log as it is.
        this.#forget();
        rebuilt = true;
        continue;
      }
      const stored = new Map(earlier.map((position, i) => [position, read[i] as Evidence]));
      const handedOut = new Set<number>();
      return positions.map((position) => {
        if (typeof position !== 'number') return position;
        if (position >= size) {
          const { checked, header } = added[position - size] as Pending;
          return evidenceOfBody(header, checked.body);
        }
        const evidence = stored.get(position) as Evidence;
        // Callers recording one input get copies of their own.
        if (handedOut.has(position)) return cloneVal(evidence as unknown as Val) as unknown as Evidence;
        handedOut.add(position);
        return evidence;
      });
    }
  }

  /**
   * Runs `read` over the index caught up with the log. When a read finds the log not holding what the index
   * says (the log was replaced under it), the index is rebuilt from the log and `read` runs once more; a
   * second mismatch is a `CorruptDataError`.
   */
  async #withIndex<T>(read: (index: EvidenceIndex) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const index = await this.#exclusive(() => this.#caughtUp());
      try {
        return await read(index);
      } catch (error) {
        if (!(error instanceof StaleIndex)) throw error;
        if (attempt > 0) throw corruptEntry(error.position, 'the log changed under its index twice');
        await this.#exclusive(async () => {
          if (this.#index === index) this.#forget();
        });
      }
    }
  }

  /** The evidence at `positions`, in that order: entries close together are read in one page. */
  async #read(index: EvidenceIndex, positions: readonly number[]): Promise<Evidence[]> {
    const sorted = [...new Set(positions)].sort((a, b) => a - b);
    const found = new Map<number, Evidence>();
    for (let i = 0; i < sorted.length; ) {
      const from = sorted[i] as number;
      let j = i + 1;
      while (
        j < sorted.length &&
        (sorted[j] as number) - (sorted[j - 1] as number) <= GAP &&
        (sorted[j] as number) - from < PAGE
      )
        j++;
      const page = await this.log.read(EVIDENCE_LOG, { from, limit: (sorted[j - 1] as number) - from + 1 });
      for (; i < j; i++) {
        const position = sorted[i] as number;
        const entry = page[position - from];
        if (entry === undefined || entry.header.id !== index.ids[position]) throw new StaleIndex(position);
        found.set(position, evidenceOfEntry(position, entry.header, entry.body, this.log.prevalidated));
      }
    }
    return positions.map((position) => found.get(position) as Evidence);
  }

  /** The index, loaded once and caught up with the log's entries since (appended by any process). */
  async #caughtUp(): Promise<EvidenceIndex> {
    let index = this.#index ?? (await this.#load());
    const size = await this.log.size(EVIDENCE_LOG);
    // A log shorter than what was indexed is not the log indexed.
    if (size < index.size) {
      this.#forget();
      index = new EvidenceIndex();
    }
    this.#index = index;
    const replayed = size - index.size;
    for (let from = index.size; from < size; from = index.size) {
      // From the last entry indexed, which must be the one indexed there: else this is another log.
      const page = await this.log.read(EVIDENCE_LOG, {
        from: Math.max(0, from - 1),
        limit: Math.min(PAGE, size - from) + 1,
      });
      if (from > 0 && page.shift()?.header.id !== index.ids[from - 1]) {
        this.#forget();
        return this.#caughtUp();
      }
      if (page.length === 0) break;
      for (const entry of page) {
        if (entry.position !== index.size)
          throw corruptEntry(index.size, `the log gave entry ${entry.position}`);
        const {
          id,
          subject,
          derivedFrom = [],
        } = evidenceOfEntry(entry.position, entry.header, entry.body, this.log.prevalidated);
        const reason = index.add(id, subject, derivedFrom);
        if (reason !== null) throw corruptEntry(entry.position, reason);
      }
    }
    // A long replay is worth saving for the next provider to open.
    if (replayed >= this.#snapshotEvery) await this.#snapshot(1);
    return index;
  }

  /**
   * The stored snapshot's index when it is usable: its digest and parts check, the log holds at least
   * what it covers, and its first and last covered entries are the ones it names. Else an empty index.
   */
  async #load(): Promise<EvidenceIndex> {
    if (!this.#persistent) return new EvidenceIndex();
    let stored: Awaited<ReturnType<DocumentBackend<SnapshotHeader>['read']>>;
    try {
      stored = await this.snapshots.read(SNAPSHOT);
    } catch (error) {
      // A damaged snapshot is a cache lost, rebuilt from the log; the log is what is kept.
      if (!isOmegaError(error, 'CORRUPT_DATA')) throw error;
      const header = await this.snapshots.readHeader(SNAPSHOT).catch(() => null);
      this.#rejectedDigest = header?.header.digest ?? null;
      return new EvidenceIndex();
    }
    if (stored === null) return new EvidenceIndex();
    const { header, body } = stored;
    const index = indexOfSnapshot(header, body);
    if (typeof index !== 'string' && (await this.#extends(index))) {
      this.#snapshotCovers = index.size;
      return index;
    }
    this.#rejectedDigest = header.digest;
    return new EvidenceIndex();
  }

  /** Whether the log holds at least `index`'s entries, its first and last as the index names them. */
  async #extends(index: EvidenceIndex): Promise<boolean> {
    if (index.size === 0) return true;
    if ((await this.log.size(EVIDENCE_LOG)) < index.size) return false;
    for (const position of new Set([0, index.size - 1])) {
      const [entry] = await this.log.read(EVIDENCE_LOG, { from: position, limit: 1 });
      if (entry?.header.id !== index.ids[position]) return false;
    }
    return true;
  }

  /** Drops the index (and trust in the stored snapshot): the next catch-up rebuilds it from the log. */
  #forget(): void {
    this.#index = null;
    this.#snapshotCovers = 0;
  }

  /**
   * Stores a snapshot of the index when it covers at least `due` entries more than the stored one (with
   * `snapshotEvery` or the snapshot's own size as `due`, rewriting it costs amortized O(1) a record).
   * Under the snapshot's lock, a stored snapshot covering as much (that this provider did not reject) is
   * kept. A failure costs the next open its time, never a record: it is not reported.
   */
  async #snapshot(due: number): Promise<void> {
    const index = this.#index;
    if (!this.#persistent || index === null || index.size - this.#snapshotCovers < due) return;
    const { header, body } = snapshotOf(index);
    // Past the document limit (some four million records) the log alone is kept.
    if (body.length > MAX_DOCUMENT_BODY_BYTES) return;
    try {
      await this.snapshots.withLock(SNAPSHOT, async (fence) => {
        const current = await this.snapshots.readHeader(SNAPSHOT).catch(() => null);
        const rejected = current !== null && current.header.digest === this.#rejectedDigest;
        if (current !== null && !rejected && current.header.covers >= header.covers) return;
        await this.snapshots.write(SNAPSHOT, header, body, { fence });
      });
      this.#snapshotCovers = header.covers;
      this.#rejectedDigest = null;
    } catch {
      // Nothing to undo: the stored snapshot is the old one or the new one, whole (an atomic replace).
    }
  }

  /** Runs `step` after every step queued before it; a failed step does not stop the next. */
  #exclusive<T>(step: () => Promise<T>): Promise<T> {
    const run = this.#turn.then(step);
    this.#turn = run.catch(() => undefined);
    return run;
  }
}

function checkId(method: string, id: unknown): asserts id is string {
  if (typeof id === 'string') return;
  throw new InvalidArgumentError(`${method} needs an evidence id (a string), got ${typeof id}`, {
    details: { kind: KIND, argument: 'id', value: String(id) },
  });
}
