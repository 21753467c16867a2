import { expect } from 'vitest';
import { acquireLockSync } from '../src/fs/lock.js';

/** Spinning keeps a core busy for the whole wait; sleeping between polls uses a few percent of it. */
export const MOST_CPU_WHILE_WAITING = 0.25;

/** What `run` returned (or threw), how long it took, and the CPU time this process used meanwhile. */
export function timed<T>(run: () => T): { outcome: T | unknown; wallMs: number; cpuMs: number } {
  const cpu = process.cpuUsage();
  const started = performance.now();
  let outcome: T | unknown;
  try {
    outcome = run();
  } catch (error) {
    outcome = error;
  }
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { outcome, wallMs, cpuMs: (used.user + used.system) / 1000 };
}

/** Checks that a wait of `wallMs` that used `cpuMs` of CPU lasted at least `leastMs` and slept rather than spun. */
export function expectSlept(wait: { wallMs: number; cpuMs: number }, leastMs: number): void {
  expect(wait.wallMs).toBeGreaterThanOrEqual(leastMs);
  expect(wait.cpuMs).toBeLessThan(wait.wallMs * MOST_CPU_WHILE_WAITING);
}

/** The fence of the lock in `lockDir`, taken without waiting (a `ConflictError` when it is held) and released. */
export function fenceTakenAtOnce(lockDir: string): number {
  const lock = acquireLockSync(lockDir, { timeoutMs: 0 });
  lock.releaseSync();
  return lock.fence;
}
