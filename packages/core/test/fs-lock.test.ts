import { chmod, mkdir, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { testWithTempDir } from '@omega/test-kit';
import { describe, expect } from 'vitest';
import { acquireLock, withLock } from '../src/fs/lock.js';
import { rejectionOf } from '../src/testing/assertions.js';
import { IMPOSSIBLE_PID } from './helpers.js';

const test = testWithTempDir('omega-fs-lock-');

const HOST_TAG = Buffer.from(hostname()).toString('base64url');

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
    expect(await readdir(lockDir)).toEqual([`1.${process.pid}.${HOST_TAG}.lock`]);
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

  test('a dead holder on this host is taken over; one on another host is waited for', async ({ dir }) => {
    const dead = join(dir, 'dead');
    await mkdir(dead);
    await writeFile(join(dead, `7.${IMPOSSIBLE_PID}.${HOST_TAG}.lock`), '');
    const lock = await acquireLock(dead, { timeoutMs: 0 });
    expect(lock.fence).toBe(8);
    expect(await readdir(dead)).toEqual([`8.${process.pid}.${HOST_TAG}.lock`]);
    await lock.release();

    const remote = join(dir, 'remote');
    await mkdir(remote);
    await writeFile(
      join(remote, `5.${IMPOSSIBLE_PID}.${Buffer.from('elsewhere').toString('base64url')}.lock`),
      '',
    );
    const error = await rejectionOf(acquireLock(remote, { timeoutMs: 10 }), 'CONFLICT');
    expect(error.details).toMatchObject({
      holder: { pid: IMPOSSIBLE_PID, host: 'elsewhere', fence: 5 },
    });
  });

  test('release reports a lock lost while held', async ({ dir }) => {
    const lockDir = join(dir, 'lock');
    const lock = await acquireLock(lockDir);
    await rename(join(lockDir, `1.${process.pid}.${HOST_TAG}.lock`), join(lockDir, '9.free'));
    const error = await rejectionOf(lock.release(), 'CONFLICT');
    expect(error.details).toEqual({ lock: lockDir, fence: 1, reason: 'lost' });
  });

  test('an emptied lock directory is set up again; one with only foreign files is corrupt', async ({
    dir,
  }) => {
    const emptied = join(dir, 'emptied');
    await mkdir(emptied);
    const lock = await acquireLock(emptied, { timeoutMs: 0 });
    expect(lock.fence).toBe(1);
    await lock.release();

    const junk = join(dir, 'junk');
    await mkdir(junk);
    await writeFile(join(junk, 'notes.txt'), '');
    const error = await rejectionOf(acquireLock(junk, { timeoutMs: 10 }), 'CORRUPT_DATA');
    expect(error.details).toMatchObject({ file: junk });
  });

  test('a file in place of the lock directory is corrupt; bad arguments are rejected', async ({ dir }) => {
    const file = join(dir, 'file');
    await writeFile(file, '');
    const error = await rejectionOf(acquireLock(file), 'CORRUPT_DATA');
    expect(error.details).toMatchObject({ file });
    for (const timeoutMs of [-1, Number.NaN]) {
      await rejectionOf(acquireLock(join(dir, 'x'), { timeoutMs }), 'INVALID_ARGUMENT');
    }
    await rejectionOf(acquireLock(''), 'INVALID_ARGUMENT');
    expect(await readdir(dir)).toEqual(['file']);
  });
});
