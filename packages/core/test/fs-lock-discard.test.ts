import { rmSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { testWithTempDir } from '@omega/test-kit';
import { afterEach, beforeEach, describe, expect, vi } from 'vitest';
import type { ConflictError } from '../src/errors.js';
import { io } from '../src/fs/io.js';
import { acquireLock, type FileLock } from '../src/fs/lock.js';
import { rejectionOf } from '../src/testing.js';

// rmdir passes through the toolkit's call table, after an optional hook: lets a test act between a
// discard's two steps (both synchronous, so the hook is too).
const originalRmdir = io.rmdirSync;
let beforeRmdir: ((path: string) => void) | undefined;

beforeEach(() => {
  io.rmdirSync = (...args: Parameters<typeof originalRmdir>) => {
    const hook = beforeRmdir;
    beforeRmdir = undefined;
    hook?.(String(args[0]));
    return originalRmdir(...args);
  };
});

afterEach(() => {
  io.rmdirSync = originalRmdir;
  beforeRmdir = undefined;
});

const test = testWithTempDir('omega-fs-lock-discard-');

describe('FileLock.discard', () => {
  test('releases the lock and removes its directory', async ({ dir }) => {
    const lockDir = join(dir, 'locks', 'doc');
    const lock = await acquireLock(lockDir);
    expect(await readdir(join(dir, 'locks'))).toEqual(['doc']);
    await lock.discard();
    expect(await readdir(join(dir, 'locks'))).toEqual([]);
  });

  test('a second discard or release after discard does nothing', async ({ dir }) => {
    const lockDir = join(dir, 'lock');
    const lock = await acquireLock(lockDir);
    expect(await lock.discard()).toBe(true);
    // The first outcome stands: the lock was released, and is not reported lost.
    await expect(lock.discard()).resolves.toBe(true);
    await expect(lock.release()).resolves.toBe(true);
    await expect(lock[Symbol.asyncDispose]()).resolves.toBeUndefined();
    expect(await readdir(dir)).toEqual([]);
  });

  test('discard after release does nothing: a released lock no longer owns the directory', async ({
    dir,
  }) => {
    const lockDir = join(dir, 'lock');
    const lock = await acquireLock(lockDir);
    await lock.release();
    await expect(lock.discard()).resolves.toBe(true);
    expect(await readdir(lockDir)).toEqual([`${lock.fence}.free`]);
    const next = await acquireLock(lockDir);
    expect(next.fence).toBe(lock.fence + 1);
    await next.release();
  });

  test('concurrent discards of one lock remove it once', async ({ dir }) => {
    const lock = await acquireLock(join(dir, 'lock'));
    await Promise.all([lock.discard(), lock.discard(), lock.release()]);
    expect(await readdir(dir)).toEqual([]);
  });

  test('the next acquirer after a discard starts a new directory; in this process its fences go on', async ({
    dir,
  }) => {
    const lockDir = join(dir, 'lock');
    for (let i = 0; i < 3; i++) await (await acquireLock(lockDir)).release();
    const held = await acquireLock(lockDir);
    expect(held.fence).toBe(4);
    await held.discard();
    const next = await acquireLock(lockDir);
    expect(next.fence).toBe(5);
    expect(await readdir(lockDir)).toHaveLength(1);
    await next.release();
    expect(await readdir(lockDir)).toEqual(['5.free']);
  });

  test('contenders waiting during a discard get the lock, one at a time', async ({ dir }) => {
    const lockDir = join(dir, 'lock');
    const held = await acquireLock(lockDir);
    let inside = 0;
    let most = 0;
    const contenders = Array.from({ length: 4 }, async () => {
      const lock = await acquireLock(lockDir, { timeoutMs: 30_000 });
      inside += 1;
      most = Math.max(most, inside);
      const fence = lock.fence;
      // Yields to the other contenders while held.
      expect(await readdir(lockDir)).toHaveLength(1);
      inside -= 1;
      await lock.release();
      return fence;
    });
    // The lock is still held: a contender that will not wait is refused.
    await rejectionOf(acquireLock(lockDir, { timeoutMs: 0 }), 'CONFLICT');
    await held.discard();
    const fences = await Promise.all(contenders);
    expect(most).toBe(1);
    expect([...fences].sort((a, b) => a - b)).toEqual([2, 3, 4, 5]);
    expect(await readdir(lockDir)).toEqual(['5.free']);
  });

  test('a contender that initialised the directory anew before the discard removed it keeps it', async ({
    dir,
  }) => {
    const lockDir = join(dir, 'lock');
    const held = await acquireLock(lockDir);
    let contending: Promise<FileLock> | undefined;
    // Between the discard's removal of its token and its rmdir, a contender takes the empty directory
    // (an uncontended acquisition does all its filesystem work before its first await).
    beforeRmdir = (path) => {
      if (path === lockDir) contending = acquireLock(lockDir, { timeoutMs: 0 });
    };
    await held.discard();
    const contender = await contending;
    expect(contender?.fence).toBe(2);
    expect(await readdir(lockDir)).toHaveLength(1);
    await rejectionOf(acquireLock(lockDir, { timeoutMs: 0 }), 'CONFLICT');
    await contender?.release();
    expect(await readdir(lockDir)).toEqual(['2.free']);
  });

  test('a discard whose empty directory is already gone succeeds', async ({ dir }) => {
    const lockDir = join(dir, 'lock');
    const held = await acquireLock(lockDir);
    let removed = false;
    beforeRmdir = (path) => {
      if (path !== lockDir) return;
      rmSync(lockDir, { recursive: true });
      removed = true;
    };
    await held.discard();
    expect(removed).toBe(true);
    expect(await readdir(dir)).toEqual([]);
  });

  test('a discard of a lock lost while held resolves false and reports the loss once', async ({ dir }) => {
    const lockDir = join(dir, 'lock');
    const onLost = vi.fn<(error: ConflictError) => void>();
    const lock = await acquireLock(lockDir, { onLost });
    await rm(lockDir, { recursive: true });
    expect(await lock.discard()).toBe(false);
    expect(onLost).toHaveBeenCalledOnce();
    expect(onLost.mock.calls[0]![0].details).toEqual({ lock: lockDir, fence: lock.fence, reason: 'lost' });
    // The outcome is kept: asking again gives the same answer.
    expect(await lock.release()).toBe(false);
    expect(onLost).toHaveBeenCalledOnce();
  });
});
