import { mkdtemp, readdir, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isOmegaError } from '../errors.js';
import type { Closable } from '../lifecycle.js';
import { check, valueDifference } from './assertions.js';
import { causedBy, type FaultPlan, INJECTED_FAULTS, runWithFault } from './io-faults.js';
import type { TestFramework } from './suite.js';

/** One write path of a filesystem provider, as {@link describeInjectedFaults} drives it. */
export interface WritePath<P> {
  /** Brings a fresh store to the state before the write (default: an empty store). */
  prepare?(provider: P, dir: string): Promise<void>;
  /** The write under test. `dir` is the test's temp directory (the store root is `<dir>/root`). */
  run(provider: P, dir: string): Promise<unknown>;
  /** What a reader sees of the write's effect; compared with what it saw before and after a fault-free run. */
  observe(provider: P, dir: string): Promise<unknown>;
  /** A write that must succeed on a fresh provider after any fault (usually a save of the same name). */
  next(provider: P, dir: string): Promise<unknown>;
}

/** How {@link describeInjectedFaults} drives one family's filesystem provider. */
export interface InjectedFaultsOptions<P extends Closable> {
  /** Family kind, for test titles. */
  kind: string;
  /** A provider over store root `root` (durable, so that fsync is among the calls that fail). */
  open(root: string): P;
  /** Every write path of the family, by title. */
  paths: Readonly<Record<string, WritePath<P>>>;
}

/**
 * Injected I/O faults over every write path: a fault-free run counts the path's filesystem calls, then
 * each call in turn fails with each fault (`EIO`, `ENOSPC`, `EACCES`, `EMFILE`), and each write in turn
 * stores only part of its data, on a fresh store every time. After each: the write rejected with a typed
 * `OmegaError` whose cause is the injected error, or it resolved and its effect is complete; a fresh
 * provider sees the state before the write or after it, never a torn one; the next write succeeds and
 * leaves no temp file behind.
 */
export function describeInjectedFaults<P extends Closable>(
  { describe, it, afterEach }: TestFramework,
  options: InjectedFaultsOptions<P>,
): void {
  const cleanups: (() => Promise<void>)[] = [];

  async function freshStore(): Promise<{ dir: string; root: string; open: () => P }> {
    const dir = await realpath(await faultTempDir());
    const root = join(dir, 'root');
    const opened: P[] = [];
    cleanups.push(async () => {
      for (const provider of opened) await provider.close();
      await rm(dir, { recursive: true, force: true });
    });
    return {
      dir,
      root,
      open: () => {
        const provider = options.open(root);
        opened.push(provider);
        return provider;
      },
    };
  }

  async function disposeAll(): Promise<void> {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  }

  describe(`${options.kind} filesystem under injected I/O faults`, { timeout: 300_000 }, () => {
    afterEach(disposeAll);

    for (const [title, path] of Object.entries(options.paths)) {
      it(`${title}: every call fails in turn, and every write comes up short`, async () => {
        const baseline = await freshStore();
        const provider = baseline.open();
        await path.prepare?.(provider, baseline.dir);
        const before = await path.observe(provider, baseline.dir);
        const dry = await runWithFault(() => path.run(provider, baseline.dir));
        if (!dry.outcome.ok) throw dry.outcome.error;
        const after = await path.observe(provider, baseline.dir);
        check(dry.calls.length > 0, `${title} made no filesystem call through the toolkit`);
        await disposeAll();

        const plans: FaultPlan[] = [];
        for (const fault of INJECTED_FAULTS) {
          const count = fault === 'short write' ? dry.writes : dry.calls.length;
          for (let at = 1; at <= count; at++) plans.push({ at, fault });
        }
        for (const plan of plans) {
          await checkOne(title, path, plan, before, after);
          await disposeAll();
        }
      });
    }
  });

  async function checkOne(
    title: string,
    path: WritePath<P>,
    plan: FaultPlan,
    before: unknown,
    after: unknown,
  ): Promise<void> {
    const store = await freshStore();
    const provider = store.open();
    await path.prepare?.(provider, store.dir);
    const run = await runWithFault(() => path.run(provider, store.dir), plan);
    const where = `${title}, ${plan.fault} at ${plan.fault === 'short write' ? 'write' : 'call'} ${plan.at} (${run.injected?.call ?? 'not reached'})`;
    check(
      run.injected !== null,
      `${where}: the calls differ from the fault-free run: ${run.calls.join(', ')}`,
    );
    const injectedError = run.injected?.error ?? null;
    if (!run.outcome.ok) {
      const { error } = run.outcome;
      check(
        injectedError !== null && isOmegaError(error) && causedBy(error, injectedError),
        `${where}: must reject with a typed error caused by the injected one, got ${String(error)}`,
      );
    } else {
      const seen = await path.observe(provider, store.dir);
      const difference = valueDifference(seen, after);
      check(difference === null, `${where}: resolved, so its effect must be complete: ${difference}`);
    }
    const reader = store.open();
    const seen = await path.observe(reader, store.dir);
    check(
      valueDifference(seen, before) === null || valueDifference(seen, after) === null,
      `${where}: a fresh provider must see the state before or after the write, got ${JSON.stringify(seen)}`,
    );
    await path.next(reader, store.dir);
    const temps = await tempFiles(store.dir);
    check(temps.length === 0, `${where}: temp files outlived the next write: ${temps.join(', ')}`);
  }
}

/**
 * A temp directory for one fault case: in memory (`/dev/shm`) where there is one. A path runs once per
 * call it makes and per fault, each time on a fresh durable store, and on a disk the fsyncs of those runs
 * were most of the suite's time (a family's took 18 s on disk, 7 s in memory). The calls made, and so
 * every fault injected, are the same on either: the harness counts the toolkit's calls, not the disk's work.
 */
async function faultTempDir(): Promise<string> {
  if (inMemory) {
    try {
      return await mkdtemp(join(IN_MEMORY, 'omega-io-faults-'));
    } catch {
      inMemory = false;
    }
  }
  return mkdtemp(join(tmpdir(), 'omega-io-faults-'));
}

const IN_MEMORY = '/dev/shm';
/** False once a temp directory could not be made in {@link IN_MEMORY} (none there, or not writable). */
let inMemory = true;

async function tempFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.filter((entry) => entry.endsWith('.tmp'));
}
