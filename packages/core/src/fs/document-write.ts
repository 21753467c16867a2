import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fencedOut } from '../documents.js';
import { ConflictError } from '../errors.js';
import { syncDirectory, syncDirectorySync } from './dirs.js';
import { type Base, baseOfWrite, closeBase, type Held, openBase, tombstoneTarget } from './document-base.js';
import { commitTemp } from './document-commit.js';
import type { DocumentFolder } from './document-folder.js';
import { withOutcome } from './failures.js';
import { io } from './io.js';
import { removeQuietly, tempPathFor, writeTempFile, writeTempFileSync } from './temp.js';

/** What a write makes of the state it read: bytes to install (null: a tombstone), or a result without writing. */
export type Decision<R> =
  | { install: readonly Uint8Array[] | null; writeId: string; result: R }
  | { result: R };

/** What a document write waits for, which each face does its own way. */
type Wait =
  | { op: 'temp'; file: string; chunks: readonly Uint8Array[]; durable: boolean }
  | { op: 'sync'; dir: string }
  | { op: 'pause'; ms: number };

/** One write of document `name` of `folder`, its steps and what it needs (see {@link writeSteps}). */
export interface WriteJob<H, R> {
  folder: DocumentFolder<H>;
  name: string;
  file: string;
  /** Validate the current header (a read-modify-write needs it); else a damaged document is replaced. */
  strict: boolean;
  decide(base: Base<H>): Decision<R>;
  /** A fenced write: over the state its lock holder last saw, once, and a `ConflictError` if that moved. */
  held?: Held<H>;
}

const MAX_PAUSE_MS = 50;

/**
 * The steps of a document write (see document-commit.ts): read the current state, decide, write the data,
 * commit it over that state; when the state moved meanwhile, read and decide again (a fenced write fails
 * instead). A write that found a claim it cannot complete yet waits for it up to the store's lock timeout.
 */
function* writeSteps<H, R>(job: WriteJob<H, R>): Generator<Wait, R, unknown> {
  const { folder, name, file, held } = job;
  const spec = folder.spec;
  const deadline = performance.now() + (folder.lockOptions.timeoutMs ?? 30_000);
  let pause = 1;
  for (;;) {
    const base = held?.base ?? openBase(file, spec, spec.header, job.strict);
    let next: Base<H> | null = null;
    try {
      const decision = job.decide(base);
      if (!('install' in decision)) return decision.result;
      const temp =
        decision.install === null
          ? tombstoneTemp(file, decision.writeId)
          : ((yield { op: 'temp', file, chunks: decision.install, durable: folder.durable }) as string);
      if (held !== undefined) next = pinned(temp, decision.writeId, decision.install === null);
      const outcome = commitTemp(file, base, temp);
      if (outcome === 'landed') {
        if (held !== undefined) {
          closeBase(held.base);
          held.base = next!;
          next = null;
        }
        if (folder.durable) yield* syncing(dirname(file));
        return decision.result;
      }
      if (held !== undefined) throw fencedOut(folder.spec.kind, name, held.fence);
      if (outcome === 'busy') {
        if (performance.now() >= deadline) throw pendingConflict(folder, name, base);
        yield { op: 'pause', ms: pause * (0.5 + Math.random()) };
        pause = Math.min(pause * 2, MAX_PAUSE_MS);
      }
    } finally {
      if (next !== null) closeBase(next);
      if (held === undefined) closeBase(base);
    }
  }
}

// The directory sync after a landed write: a failure then is reported with the value already visible.
function* syncing(dir: string): Generator<Wait, void, unknown> {
  try {
    yield { op: 'sync', dir };
  } catch (error) {
    throw withOutcome(error, 'visible');
  }
}

// The new state a fenced write leaves its holder: its data's inode, opened before the commit moves it.
function pinned<H>(temp: string, writeId: string, tombstone: boolean): Base<H> {
  try {
    return baseOfWrite(temp, writeId, tombstone);
  } catch (error) {
    removeQuietly(temp);
    throw error;
  }
}

// The data of a remove: a tombstone symlink, made where the data of a write is made.
function tombstoneTemp(file: string, writeId: string): string {
  const temp = tempPathFor(file);
  io.symlinkSync(tombstoneTarget(writeId), temp);
  return temp;
}

function pendingConflict(folder: DocumentFolder<unknown>, name: string, base: Base<unknown>): ConflictError {
  const kind = folder.spec.kind;
  return new ConflictError(
    `${kind} "${name}" has a claimed write whose data is not found: a writer is stalled between two steps`,
    { details: { kind, name, state: base.key, timeoutMs: folder.lockOptions.timeoutMs ?? 30_000 } },
  );
}

/** Runs a document write, its waits through the thread pool and timers. */
export async function runWrite<H, R>(job: WriteJob<H, R>): Promise<R> {
  const steps = writeSteps(job);
  let step = steps.next();
  while (!step.done) {
    let input: unknown;
    try {
      input = await waitFor(step.value);
    } catch (error) {
      step = steps.throw(error);
      continue;
    }
    step = steps.next(input);
  }
  return step.value;
}

/** Runs a document write synchronously: its fsyncs and pauses block the thread. */
export function runWriteSync<H, R>(job: WriteJob<H, R>): R {
  const steps = writeSteps(job);
  let step = steps.next();
  while (!step.done) {
    let input: unknown;
    try {
      input = waitForSync(step.value);
    } catch (error) {
      step = steps.throw(error);
      continue;
    }
    step = steps.next(input);
  }
  return step.value;
}

function waitFor(wait: Wait): Promise<unknown> {
  switch (wait.op) {
    case 'temp':
      return writeTempFile(wait.file, wait.chunks, wait.durable);
    case 'sync':
      return syncDirectory(wait.dir);
    case 'pause':
      return sleep(wait.ms);
  }
}

// Nothing ever notifies it: each wait on it lasts its timeout, with the thread asleep.
const pauseCell = new Int32Array(new SharedArrayBuffer(4));

function waitForSync(wait: Wait): unknown {
  switch (wait.op) {
    case 'temp':
      return writeTempFileSync(wait.file, wait.chunks, wait.durable);
    case 'sync':
      return syncDirectorySync(wait.dir);
    case 'pause':
      return Atomics.wait(pauseCell, 0, 0, wait.ms);
  }
}
