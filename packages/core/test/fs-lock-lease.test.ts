import { readdirSync, renameSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { testWithTempDir } from '@omega/test-kit';
import { describe, expect, vi } from 'vitest';
import type { ConflictError } from '../src/errors.js';
import { type Holder, heldName, parseToken } from '../src/fs/holder.js';
import { acquireLock, acquireLockSync, type FileLock } from '../src/fs/lock.js';
import { thisProcess } from '../src/fs/process.js';
import { rejectionOf } from '../src/testing/assertions.js';
import { IMPOSSIBLE_PID, takeOver } from './helpers.js';

const test = testWithTempDir('omega-fs-lock-lease-');

const HOUR_MS = 3_600_000;

/** Blocks this thread (its event loop included) for `ms`, as a long synchronous job does. */
function block(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** The beat of the token held in `lockDir`, read without waiting for the event loop. */
function beatNow(lockDir: string): number {
  const held = readdirSync(lockDir).find((entry) => entry.endsWith('.lock'));
  return held === undefined ? -1 : parseToken(held, 1)!.beat;
}

/** Makes `Date.now` jump by `jumpMs` after its first call. */
function jumpWallClock(jumpMs: number): () => void {
  const real = Date.now.bind(Date);
  let calls = 0;
  const spy = vi.spyOn(Date, 'now').mockImplementation(() => (calls++ === 0 ? real() : real() + jumpMs));
  return () => spy.mockRestore();
}

describe('the wait timeout', () => {
  test('holds when the wall clock jumps back an hour', { timeout: 20_000 }, async ({ dir }) => {
    const lockDir = join(dir, 'lock');
    const held = await acquireLock(lockDir);
    const restore = jumpWallClock(-HOUR_MS);
    try {
      const started = performance.now();
      await rejectionOf(acquireLock(lockDir, { timeoutMs: 200 }), 'CONFLICT');
      expect(performance.now() - started).toBeLessThan(5_000);
    } finally {
      restore();
    }
    await held.release();
  });

  test('does not end early when the wall clock jumps forward an hour', async ({ dir }) => {
    const lockDir = join(dir, 'lock');
    const held = await acquireLock(lockDir);
    const restore = jumpWallClock(HOUR_MS);
    try {
      const started = performance.now();
      await rejectionOf(acquireLock(lockDir, { timeoutMs: 200 }), 'CONFLICT');
      expect(performance.now() - started).toBeGreaterThanOrEqual(200);
    } finally {
      restore();
    }
    await held.release();
  });
});

describe('heartbeats', () => {
  test('a holder this process cannot check that keeps renewing its name is never taken over', async ({
    dir,
  }) => {
    const lockDir = join(dir, 'lock');
    await mkdir(lockDir);
    // Another pid namespace: judged by its lease (200 ms) and heartbeat alone.
    const other: Holder = { ...thisProcess(), pidNs: '1', pid: IMPOSSIBLE_PID, leaseMs: 200 };
    let beat = 0;
    await writeFile(join(lockDir, heldName(5, beat, other)), '');
    const renewing = setInterval(() => {
      renameSync(join(lockDir, heldName(5, beat, other)), join(lockDir, heldName(5, beat + 1, other)));
      beat++;
    }, 30);
    try {
      // Four leases long: an acquirer that ignored the renewals would take it after the first.
      const error = await rejectionOf(acquireLock(lockDir, { timeoutMs: 800, leaseMs: 50 }), 'CONFLICT');
      expect(error.details).toMatchObject({ holder: { pid: IMPOSSIBLE_PID, fence: 5 }, timeoutMs: 800 });
    } finally {
      clearInterval(renewing);
    }
    expect(beat).toBeGreaterThan(10);
    expect(readdirSync(lockDir)).toEqual([heldName(5, beat, other)]);
  });

  test('go on while the holding thread is blocked, asynchronous or synchronous holder alike', async ({
    dir,
  }) => {
    const holders: Array<[string, (lockDir: string) => Promise<FileLock> | FileLock]> = [
      ['acquireLock', (lockDir) => acquireLock(lockDir, { leaseMs: 100 })],
      ['acquireLockSync', (lockDir) => acquireLockSync(lockDir, { leaseMs: 100 })],
    ];
    for (const [title, acquire] of holders) {
      const lockDir = join(dir, title);
      const lock = await acquire(lockDir);
      // Six leases without an event loop: a beat every 20 ms still renames the token.
      block(600);
      expect(beatNow(lockDir), title).toBeGreaterThanOrEqual(5);
      expect(lock.releaseSync(), title).toBe(true);
      expect(readdirSync(lockDir), title).toEqual([`${lock.fence}.free`]);
      expect(lock.lost, title).toBe(false);
    }
  });

  test('a loss found by a beat while the holder is blocked is reported on its thread, once', async ({
    dir,
  }) => {
    const lockDir = join(dir, 'lock');
    const onLost = vi.fn<(error: ConflictError) => void>();
    const lock = await acquireLock(lockDir, { leaseMs: 25, onLost });
    await takeOver(lockDir, '2.free');
    block(200);
    expect(onLost).not.toHaveBeenCalled();
    await expect.poll(() => lock.lost).toBe(true);
    expect(onLost).toHaveBeenCalledOnce();
    expect(onLost.mock.calls[0]![0].details).toEqual({ lock: lockDir, fence: 1, reason: 'lost' });
    expect(await lock.release()).toBe(false);
    expect(onLost).toHaveBeenCalledOnce();
    expect(readdirSync(lockDir)).toEqual(['2.free']);
  });
});
