import { chmod, mkdir, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { testWithTempDir } from '@omega/test-kit';
import { describe, expect, vi } from 'vitest';
import type { ConflictError } from '../src/errors.js';
import { type Holder, heldName, parseToken } from '../src/fs/holder.js';
import { acquireLock, withLock } from '../src/fs/lock.js';
import { thisProcess } from '../src/fs/process.js';
import { rejectionOf } from '../src/testing/assertions.js';
import { IMPOSSIBLE_PID, takeOver } from './helpers.js';

const test = testWithTempDir('omega-fs-lock-');

const DEFAULT_LEASE_MS = 10_000;

/** This process as a holder with the default lease, changed by `change`. */
function holder(change: Partial<Holder> = {}): Holder {
  return { ...thisProcess(), leaseMs: DEFAULT_LEASE_MS, ...change };
}

// The heartbeat of the highest token in `lockDir`; a listing concurrent with a beat may show none.
async function beatOf(lockDir: string): Promise<number> {
  const tokens = (await readdir(lockDir)).map((entry) => parseToken(entry, DEFAULT_LEASE_MS)?.beat ?? 0);
  return Math.max(0, ...tokens);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

describe('acquireLock in one process', () => {
  test('concurrent acquirers exclude each other and get increasing fences in turn', async ({ dir }) => {
    const lockDir = join(dir, 'fresh', 'lock');
    let inside = 0;
    let most = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 12 }, () =>
        withLock(lockDir, async (fence) => {
          inside++;
          most = Math.max(most, inside);
          await new Promise((resolve) => setImmediate(resolve));
          order.push(fence);
          inside--;
        }),
      ),
    );
    expect(most).toBe(1);
    expect(order).toEqual(range(1, 12));
  });

  test('a live holder makes a waiter time out with a ConflictError naming lock and holder', async ({
    dir,
  }) => {
    const lockDir = join(dir, 'lock');
    const lock = await acquireLock(lockDir);
    const error = await rejectionOf(acquireLock(lockDir, { timeoutMs: 20 }), 'CONFLICT');
    expect(error.details).toEqual({
      lock: lockDir,
      holder: { pid: process.pid, host: hostname(), fence: lock.fence },
      timeoutMs: 20,
    });
    await lock.release();
    const next = await acquireLock(lockDir, { timeoutMs: 0 });
    expect(next.fence).toBe(lock.fence + 1);
    await next.release();
  });

  test('a waiter gets the lock when the holder releases it', async ({ dir }) => {
    const lockDir = join(dir, 'lock');
    const first = await acquireLock(lockDir);
    const waiting = acquireLock(lockDir);
    await first.release();
    const second = await waiting;
    expect(second.fence).toBe(first.fence + 1);
    await second.release();
  });

  test('the lock directory holds one token, named for the holder, then free', async ({ dir }) => {
    const lockDir = join(dir, 'lock');
    const lock = await acquireLock(lockDir);
    expect(await readdir(lockDir)).toEqual([heldName(1, 0, holder())]);
    await lock.release();
    await lock.release();
    expect(await readdir(lockDir)).toEqual(['1.free']);
    const again = await acquireLock(lockDir);
    await again[Symbol.asyncDispose]();
    expect(await readdir(lockDir)).toEqual(['2.free']);
  });

  test('lock directories are 0700 and the token 0600 whatever the umask', async ({ dir }) => {
    const lockDir = join(dir, 'parent', 'lock');
    const previous = process.umask(0o277);
    try {
      await (await acquireLock(lockDir)).release();
    } finally {
      process.umask(previous);
    }
    expect((await stat(join(dir, 'parent'))).mode & 0o777).toBe(0o700);
    expect((await stat(lockDir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(lockDir, '1.free'))).mode & 0o777).toBe(0o600);
    expect(await readdir(join(dir, 'parent'))).toEqual(['lock']);
  });

  test('a lock path with ".." creates only the directories it names; existing ones keep their mode', async ({
    dir,
  }) => {
    await chmod(dir, 0o755);
    await (await acquireLock(`${dir}/x/../y/lock`)).release();
    expect(await readdir(dir)).toEqual(['y']);
    expect(await readdir(join(dir, 'y', 'lock'))).toEqual(['1.free']);
    expect((await stat(dir)).mode & 0o777).toBe(0o755);
    expect((await stat(join(dir, 'y'))).mode & 0o777).toBe(0o700);
  });

  test('withLock returns what fn returns, and releases when fn throws', async ({ dir }) => {
    const lockDir = join(dir, 'lock');
    expect(await withLock(lockDir, async (fence) => `fence ${fence}`)).toBe('fence 1');
    const thrown = new Error('inside');
    await expect(
      withLock(lockDir, async () => {
        throw thrown;
      }),
    ).rejects.toBe(thrown);
    const lock = await acquireLock(lockDir, { timeoutMs: 0 });
    expect(lock.fence).toBe(3);
    await lock.release();
  });

  test('a dead holder of this pid namespace is taken over at once, whatever its host', async ({ dir }) => {
    const dead = join(dir, 'dead');
    await mkdir(dead);
    await writeFile(join(dead, heldName(7, 3, holder({ pid: IMPOSSIBLE_PID, host: 'elsewhere' }))), '');
    const lock = await acquireLock(dead, { timeoutMs: 0 });
    expect(lock.fence).toBe(8);
    expect(await readdir(dead)).toEqual([heldName(8, 0, holder())]);
    await lock.release();
  });

  test('a holder whose pid now names a process that started later is taken over at once', async ({ dir }) => {
    // As a container's pid 1 restarted in the same namespace: the pid is ours, the start time is not.
    const lockDir = join(dir, 'lock');
    await mkdir(lockDir);
    const earlier = holder({ start: String(Number(thisProcess().start) - 1) });
    await writeFile(join(lockDir, heldName(4, 0, earlier)), '');
    const lock = await acquireLock(lockDir, { timeoutMs: 0 });
    expect(lock.fence).toBe(5);
    await lock.release();
  });

  test('a holder that cannot be checked is waited for, then taken over once its lease expired', async ({
    dir,
  }) => {
    const others: Array<[string, Partial<Holder>]> = [
      ['another pid namespace', { pidNs: '1', pid: IMPOSSIBLE_PID }],
      ['another boot', { boot: '00000000-0000-4000-8000-000000000000', pid: IMPOSSIBLE_PID }],
      ['another host and an unknown boot', { boot: '', host: 'elsewhere', pid: IMPOSSIBLE_PID }],
    ];
    for (const [title, change] of others) {
      const lockDir = join(dir, title.replaceAll(' ', '-'));
      await mkdir(lockDir);
      await writeFile(join(lockDir, heldName(5, 2, holder({ ...change, leaseMs: 150 }))), '');
      // Its pid means nothing here: within its lease it is waited for.
      const error = await rejectionOf(acquireLock(lockDir, { timeoutMs: 20 }), 'CONFLICT');
      expect(error.details, title).toMatchObject({ holder: { pid: IMPOSSIBLE_PID, fence: 5 } });
      const started = performance.now();
      const lock = await acquireLock(lockDir, { timeoutMs: 5_000 });
      expect(performance.now() - started, title).toBeGreaterThanOrEqual(150);
      expect(lock.fence, title).toBe(6);
      await lock.release();
    }
  });

  test('the holder renews its lease by renaming its token, and notices when it was taken', async ({
    dir,
  }) => {
    const lockDir = join(dir, 'lock');
    const onLost = vi.fn<(error: ConflictError) => void>();
    const lock = await acquireLock(lockDir, { leaseMs: 25, onLost });
    await expect.poll(() => beatOf(lockDir)).toBeGreaterThan(2);
    expect(lock.lost).toBe(false);
    // Another process takes it over (as after a lease expired) and releases it.
    await takeOver(lockDir, '2.free');
    await expect.poll(() => lock.lost).toBe(true);
    expect(onLost).toHaveBeenCalledOnce();
    expect(onLost.mock.calls[0]![0].details).toEqual({ lock: lockDir, fence: 1, reason: 'lost' });
    expect(await lock.release()).toBe(false);
    expect(await readdir(lockDir)).toEqual(['2.free']);
    expect(onLost).toHaveBeenCalledOnce();
  });

  test('release reports a lock lost while held by resolving false, and calls onLost once', async ({
    dir,
  }) => {
    const lockDir = join(dir, 'lock');
    const onLost = vi.fn<(error: ConflictError) => void>();
    const lock = await acquireLock(lockDir, { onLost });
    await rename(join(lockDir, heldName(1, 0, holder())), join(lockDir, '9.free'));
    expect(await lock.release()).toBe(false);
    expect(lock.lost).toBe(true);
    expect(onLost).toHaveBeenCalledOnce();
    expect(onLost.mock.calls[0]![0].details).toEqual({ lock: lockDir, fence: 1, reason: 'lost' });
    expect(await lock.release()).toBe(false);
    expect(onLost).toHaveBeenCalledOnce();
    const next = await acquireLock(lockDir, { timeoutMs: 0 });
    expect(next.fence).toBe(10);
    expect(await next.release()).toBe(true);
  });

  test('withLock returns what fn returns when the lock was lost after fn wrote, and warns', async ({
    dir,
  }) => {
    const lockDir = join(dir, 'lock');
    const onLost = vi.fn<(error: ConflictError) => void>();
    const steal = async (fence: number) => {
      await rename(join(lockDir, heldName(fence, 0, holder())), join(lockDir, `${fence + 1}.free`));
      return `written with ${fence}`;
    };
    expect(await withLock(lockDir, steal, { onLost })).toBe('written with 1');
    expect(onLost).toHaveBeenCalledOnce();
    // Without onLost, the loss is a process warning.
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      expect(await withLock(lockDir, steal)).toBe('written with 3');
      expect(warn).toHaveBeenCalledOnce();
      expect(warn.mock.calls[0]![1]).toEqual({ code: 'OMEGA_LOCK_LOST' });
    } finally {
      warn.mockRestore();
    }
  });

  test('an emptied lock directory is set up again', async ({ dir }) => {
    const emptied = join(dir, 'emptied');
    await mkdir(emptied);
    const lock = await acquireLock(emptied, { timeoutMs: 0 });
    expect(lock.fence).toBe(1);
    await lock.release();
    expect(await readdir(emptied)).toEqual(['1.free']);
  });

  test('a file in place of the lock directory is corrupt; bad arguments are rejected', async ({ dir }) => {
    const file = join(dir, 'file');
    await writeFile(file, '');
    const error = await rejectionOf(acquireLock(file), 'CORRUPT_DATA');
    expect(error.details).toMatchObject({ file });
    for (const timeoutMs of [-1, Number.NaN]) {
      await rejectionOf(acquireLock(join(dir, 'x'), { timeoutMs }), 'INVALID_ARGUMENT');
    }
    for (const leaseMs of [0, 4, 1.5, Number.NaN, 2 ** 31]) {
      await rejectionOf(acquireLock(join(dir, 'x'), { leaseMs }), 'INVALID_ARGUMENT');
    }
    // @ts-expect-error: not a function
    await rejectionOf(acquireLock(join(dir, 'x'), { onLost: 'warn' }), 'INVALID_ARGUMENT');
    await rejectionOf(acquireLock(''), 'INVALID_ARGUMENT');
    expect(await readdir(dir)).toEqual(['file']);
  });
});
