import { Worker } from 'node:worker_threads';

/*
 * The lock's heartbeats, run off the main thread: a holder whose event loop is blocked for seconds (a
 * long synchronous encode, a synchronous caller of acquireLockSync) still renews its lease. One worker
 * thread per process beats for every held lock; it is started with the first lock and unref'd, so it
 * never keeps a process alive.
 *
 * A lock is registered at acquisition, not when its first beat is due: a holder blocked right after it
 * acquired has no event loop left to register with. Registering must stay cheap, as every save takes a
 * lock: it writes the lock into a slot of shared memory, and wakes the worker only when the worker sleeps
 * past the new lock's first beat. (A message per lock woke the worker at every save: +10 µs on 2 cores.)
 *
 * The token's name changes with each beat, so exactly one thread may rename it at a time. A slot's word
 * is `generation * 4 + phase`:
 *   IDLE     the worker may beat: it moves the word to BUSY, renames, records the beat, moves it back
 *   BUSY     the worker is renaming; the main thread waits (Atomics.wait) for it to finish, a few µs
 *   STOPPED  the main thread ended the heartbeat; the slot is free for a later lock
 *   LOST     the worker found the token gone and told the main thread; the slot is the main thread's
 * Every move is a compare-and-swap, so once the main thread has moved IDLE to STOPPED no beat can follow,
 * and the beats recorded name the token exactly. A reused slot has the next generation, so a worker that
 * read a slot's earlier lock fails its compare-and-swap. The rest of a slot is written by the main thread
 * only before it publishes IDLE, and by the worker only while BUSY, so the Atomics on the word order it.
 * Times are process.hrtime (the monotonic clock every thread of the process shares), in nanoseconds.
 */

const IDLE = 0;
const BUSY = 1;
const STOPPED = 2;
const LOST = 3;
// Generations run from 1 below 2^29, so a word stays a positive Int32 and 0 is a slot never used.
const GENERATIONS = 2 ** 29 - 1;
// A slot: word, dir bytes, part bytes, interval ms (Int32 each), fence and beats (Float64), the next beat
// due (BigInt64), then the directory's and the part's UTF-8 bytes. A directory whose path is longer
// than PATH_MAX cannot be listed, so a lock never has one.
const DIR_BYTES = 4096;
const PART_BYTES = 256;
const SLOT_BYTES = 40 + DIR_BYTES + PART_BYTES;
const SLOTS_PER_PAGE = 16;
// The worker's control block: when it wakes next (BigInt64; NEVER while it is scanning or has nothing
// to do), and a doorbell (Int32) that wakes it.
const NEVER = 2n ** 63n - 1n;

// Plain CommonJS with node: builtins only, evaluated in place: it runs the same from the ESM and the CJS
// build, with no file of its own to locate. It waits with Atomics.waitAsync, so that pages of slots (by
// message) still reach it.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { renameSync } = require('node:fs');
const { join } = require('node:path');
const wakeAt = new BigInt64Array(workerData, 0, 1);
const doorbell = new Int32Array(workerData, 8, 1);
const pages = [];
parentPort.on('message', (buffer) => {
  pages.push({
    words: new Int32Array(buffer),
    numbers: new Float64Array(buffer),
    dues: new BigInt64Array(buffer),
    bytes: Buffer.from(buffer),
  });
  // A lock may have been registered in the page before it arrived: scan again.
  Atomics.add(doorbell, 0, 1);
  Atomics.notify(doorbell, 0);
});
(async () => {
  for (;;) {
    // While it scans, a lock registered meanwhile rings the doorbell, and the wait below returns at once.
    Atomics.store(wakeAt, 0, ${NEVER}n);
    const rung = Atomics.load(doorbell, 0);
    const next = scan();
    Atomics.store(wakeAt, 0, next);
    const timeout = next === ${NEVER}n ? Infinity : Math.max(0, Number(next - process.hrtime.bigint()) / 1e6);
    await Atomics.waitAsync(doorbell, 0, rung, timeout).value;
  }
})();
function scan() {
  let next = ${NEVER}n;
  for (let slot = 0; slot < pages.length * ${SLOTS_PER_PAGE}; slot++) {
    const page = pages[Math.floor(slot / ${SLOTS_PER_PAGE})];
    const at = (slot % ${SLOTS_PER_PAGE}) * ${SLOT_BYTES};
    const word = Atomics.load(page.words, at / 4);
    if (word === 0 || word % 4 !== ${IDLE}) continue;
    let due = Atomics.load(page.dues, at / 8 + 4);
    if (due <= process.hrtime.bigint()) due = beat(page, at, slot, word);
    if (due < next) next = due;
  }
  return next;
}
// The next beat's time, or NEVER when this lock is no longer this thread's.
function beat(page, at, slot, word) {
  if (Atomics.compareExchange(page.words, at / 4, word, word + ${BUSY}) !== word) return ${NEVER}n;
  const dir = page.bytes.toString('utf8', at + 40, at + 40 + page.words[at / 4 + 1]);
  const partAt = at + 40 + ${DIR_BYTES};
  const part = page.bytes.toString('utf8', partAt, partAt + page.words[at / 4 + 2]);
  const fence = page.numbers[at / 8 + 2];
  const beats = page.numbers[at / 8 + 3];
  let phase = ${IDLE};
  try {
    const from = join(dir, fence + '.' + beats + '.' + part);
    renameSync(from, join(dir, fence + '.' + (beats + 1) + '.' + part));
    page.numbers[at / 8 + 3] = beats + 1;
  } catch (error) {
    // The token is gone (taken over, or deleted); any other failure skips one beat of the several a
    // lease allows.
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') phase = ${LOST};
  }
  const due = process.hrtime.bigint() + BigInt(page.words[at / 4 + 3]) * 1000000n;
  page.dues[at / 8 + 4] = due;
  Atomics.store(page.words, at / 4, word - ${IDLE} + phase);
  Atomics.notify(page.words, at / 4);
  if (phase === ${IDLE}) return due;
  parentPort.postMessage([slot, Math.floor(word / 4)]);
  return ${NEVER}n;
}
`;

/** A lock the heartbeat thread beats for: where its slot is, and the slot's generation. */
export interface Heartbeat {
  readonly thread: HeartbeatThread;
  readonly slot: number;
  readonly generation: number;
}

interface Page {
  words: Int32Array;
  numbers: Float64Array;
  dues: BigInt64Array;
  bytes: Buffer;
}

/** The worker and the memory it shares with this thread. */
interface HeartbeatThread {
  readonly worker: Worker;
  readonly wakeAt: BigInt64Array;
  readonly doorbell: Int32Array;
  readonly pages: Page[];
  readonly free: number[];
  // What each slot's bytes hold, so a lock of the same directory as the slot's last one writes none.
  readonly written: Array<{ dir: string; part: string } | undefined>;
  // Who to tell when the worker finds a token gone, by slot (the generation tells a reused slot apart).
  readonly owners: Array<{ generation: number; onLost: () => void } | undefined>;
}

let current: HeartbeatThread | undefined;

/**
 * Starts beating for the token `${fence}.0.${part}` in `dir` every `intervalMs`, on the heartbeat thread.
 * `onLost` is called on this thread when a beat finds the token gone (then {@link stopHeartbeat} returns
 * -1); it is not called after stopHeartbeat. Undefined, after a process warning with code
 * `OMEGA_LOCK_HEARTBEAT_FAILED`, when no beat can be run: the lock is held all the same (the token is
 * already renamed), and only a contender that cannot check this process takes it over after its lease.
 */
export function startHeartbeat(
  dir: string,
  fence: number,
  part: string,
  intervalMs: number,
  onLost: () => void,
): Heartbeat | undefined {
  const thread = heartbeatThread();
  if (thread === undefined) return undefined;
  if (thread.free.length === 0) addPage(thread);
  const slot = thread.free.pop()!;
  const page = thread.pages[Math.floor(slot / SLOTS_PER_PAGE)]!;
  const at = (slot % SLOTS_PER_PAGE) * SLOT_BYTES;
  const written = thread.written[slot];
  if (written?.dir !== dir || written.part !== part) {
    if (Buffer.byteLength(dir) > DIR_BYTES) {
      thread.free.push(slot);
      warnFailed(`lock directory ${dir} is longer than ${DIR_BYTES} bytes`);
      return undefined;
    }
    page.bytes.write(dir, at + 40, DIR_BYTES, 'utf8');
    // A part is at most 213 bytes (holder.ts).
    page.bytes.write(part, at + 40 + DIR_BYTES, PART_BYTES, 'utf8');
    page.words[at / 4 + 1] = Buffer.byteLength(dir);
    page.words[at / 4 + 2] = Buffer.byteLength(part);
    thread.written[slot] = { dir, part };
  }
  page.words[at / 4 + 3] = intervalMs;
  page.numbers[at / 8 + 2] = fence;
  page.numbers[at / 8 + 3] = 0;
  const due = process.hrtime.bigint() + BigInt(intervalMs) * 1_000_000n;
  page.dues[at / 8 + 4] = due;
  // A free slot is this thread's (STOPPED, LOST or never used): no beat of its earlier lock can follow.
  const generation = (Math.floor(Atomics.load(page.words, at / 4) / 4) % GENERATIONS) + 1;
  thread.owners[slot] = { generation, onLost };
  Atomics.store(page.words, at / 4, generation * 4 + IDLE);
  if (due < Atomics.load(thread.wakeAt, 0)) {
    Atomics.add(thread.doorbell, 0, 1);
    Atomics.notify(thread.doorbell, 0);
  }
  return { thread, slot, generation };
}

/**
 * Stops the heartbeat, waiting for a beat under way to finish: the beats made so far, so that the token
 * is `${fence}.${beats}.${part}`, or -1 when a beat found the token gone. Call once per heartbeat.
 */
export function stopHeartbeat(heartbeat: Heartbeat): number {
  const { thread, slot, generation } = heartbeat;
  const page = thread.pages[Math.floor(slot / SLOTS_PER_PAGE)]!;
  const at = (slot % SLOTS_PER_PAGE) * SLOT_BYTES;
  const base = generation * 4;
  let seen = Atomics.compareExchange(page.words, at / 4, base + IDLE, base + STOPPED);
  while (seen === base + BUSY) {
    Atomics.wait(page.words, at / 4, seen);
    seen = Atomics.compareExchange(page.words, at / 4, base + IDLE, base + STOPPED);
  }
  thread.owners[slot] = undefined;
  thread.free.push(slot);
  return seen === base + LOST ? -1 : page.numbers[at / 8 + 3]!;
}

// Set when no worker thread can be started (a permission model without --allow-worker): not tried again.
let unavailable = false;

function heartbeatThread(): HeartbeatThread | undefined {
  if (current !== undefined || unavailable) return current;
  const control = new SharedArrayBuffer(16);
  const wakeAt = new BigInt64Array(control, 0, 1);
  // Until the worker's first scan, every registration rings (the worker scans at start in any case).
  wakeAt[0] = NEVER;
  let worker: Worker;
  try {
    worker = new Worker(WORKER, { eval: true, name: 'omega lock heartbeat', workerData: control });
  } catch (error) {
    unavailable = true;
    warnFailed(`no worker thread: ${(error as Error).message}`);
    return undefined;
  }
  const thread: HeartbeatThread = {
    worker,
    wakeAt,
    doorbell: new Int32Array(control, 8, 1),
    pages: [],
    free: [],
    written: [],
    owners: [],
  };
  worker.on('message', ([slot, generation]: [number, number]) => {
    const owner = thread.owners[slot];
    if (owner?.generation === generation) owner.onLost();
  });
  worker.on('error', (error) => warnFailed(`the thread failed: ${error.message}`));
  // The locks it beat for beat no more (their leases may expire); later locks start a new thread.
  worker.on('exit', () => {
    if (current === thread) current = undefined;
  });
  // After the listeners: adding a 'message' listener refs the worker again.
  worker.unref();
  current = thread;
  return thread;
}

function warnFailed(why: string): void {
  process.emitWarning(`lock heartbeats cannot run: ${why}`, { code: 'OMEGA_LOCK_HEARTBEAT_FAILED' });
}

function addPage(thread: HeartbeatThread): void {
  const buffer = new SharedArrayBuffer(SLOTS_PER_PAGE * SLOT_BYTES);
  const first = thread.pages.length * SLOTS_PER_PAGE;
  thread.pages.push({
    words: new Int32Array(buffer),
    numbers: new Float64Array(buffer),
    dues: new BigInt64Array(buffer),
    bytes: Buffer.from(buffer),
  });
  for (let slot = first + SLOTS_PER_PAGE - 1; slot >= first; slot--) thread.free.push(slot);
  thread.worker.postMessage(buffer);
}
