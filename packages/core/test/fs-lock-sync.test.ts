import { mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { testWithTempDir } from '@omega/test-kit';
import { describe, expect, vi } from 'vitest';
import type { ConflictError } from '../src/errors.js';
import { type Holder, heldName } from '../src/fs/holder.js';
import { acquireLock, acquireLockSync } from '../src/fs/lock.js';
import { thisProcess } from '../src/fs/process.js';
import { thrownBy } from '../src/testing/assertions.js';
import { IMPOSSIBLE_PID } from './helpers.js';
import { expectSlept, fenceTakenAtOnce, timed } from './waiting.js';

const test = testWithTempDir('omega-fs-lock-sync-');

/** A holder this process cannot check (another pid namespace): waited for until its lease expires. */
function unchecked(leaseMs: number): Holder {
  return { ...thisProcess(), pidNs: '1', pid: IMPOSSIBLE_PID, leaseMs };
}

describe('acquireLockSync', () => {
  test('takes a free lock with increasing fences, sharing them with acquireLock', async ({ dir }) => {
    const lockDir = join(dir, 'fresh', 'lock');
    const first = acquireLockSync(lockDir);
    expect(first.fence).toBe(1);
    expect(await readdir(lockDir)).toEqual([heldName(1, 0, { ...thisProcess(), leaseMs: 10_000 })]);
    expect(first.releaseSync()).toBe(true);
    expect(first.releaseSync()).toBe(true);
    const second = await acquireLock(lockDir);
    expect(second.fence).toBe(2);
    await second.release();
    const third = acquireLockSync(lockDir, { timeoutMs: 0 });
    expect(third.fence).toBe(3);
    expect(await third.release()).toBe(true);
    expect(await readdir(lockDir)).toEqual(['3.free']);
  });

  test('a lock this process holds through acquireLock is a ConflictError at once, whatever the timeout', async ({
    dir,
  }) => {
    const lockDir = join(dir, 'lock');
    const held = await acquireLock(lockDir);
    const { outcome, wallMs } = timed(() => thrownBy(() => acquireLockSync(lockDir), 'CONFLICT'));
    expect((outcome as ConflictError).details).toEqual({
      lock: lockDir,
      holder: { pid: process.pid, host: hostname(), fence: 1 },
      reason: 'held in this process',
    });
    expect(wallMs).toBeLessThan(5_000);
    // A synchronous holder too.
    await held.release();
    const sync = acquireLockSync(lockDir);
    thrownBy(() => acquireLockSync(lockDir), 'CONFLICT');
    expect(sync.releaseSync()).toBe(true);
  });

  test('an asynchronous acquirer waits for a synchronous holder, and gets the next fence', async ({
    dir,
  }) => {
    const lockDir = join(dir, 'lock');
    const held = acquireLockSync(lockDir);
    let fence = 0;
    const waiting = acquireLock(lockDir).then(async (lock) => {
      fence = lock.fence;
      await lock.release();
    });
    for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(fence).toBe(0);
    held.releaseSync();
    await waiting;
    expect(fence).toBe(held.fence + 1);
  });

  test('a dead holder is taken over at once', async ({ dir }) => {
    const lockDir = join(dir, 'lock');
    await mkdir(lockDir);
    const dead = { ...thisProcess(), pid: IMPOSSIBLE_PID, start: '1', leaseMs: 10_000 };
    await writeFile(join(lockDir, heldName(4, 0, dead)), '');
    expect(fenceTakenAtOnce(lockDir)).toBe(5);
  });

  test('waits for a holder it cannot check by sleeping, not spinning, then takes it over', async ({
    dir,
  }) => {
    const lockDir = join(dir, 'lock');
    await mkdir(lockDir);
    await writeFile(join(lockDir, heldName(7, 0, unchecked(400))), '');
    // Within the lease and the timeout: a ConflictError naming the holder, after the whole timeout.
    const early = timed(() => thrownBy(() => acquireLockSync(lockDir, { timeoutMs: 250 }), 'CONFLICT'));
    expect((early.outcome as ConflictError).details).toMatchObject({
      holder: { pid: IMPOSSIBLE_PID, fence: 7 },
      timeoutMs: 250,
    });
    expectSlept(early, 250);
    const late = timed(() => acquireLockSync(lockDir, { timeoutMs: 5_000 }));
    const lock = late.outcome as ReturnType<typeof acquireLockSync>;
    expect(lock.fence).toBe(8);
    expectSlept(late, 400);
    lock.releaseSync();
  });

  test('releaseSync of a lock lost while held returns false and reports the loss once', async ({ dir }) => {
    const lockDir = join(dir, 'lock');
    const onLost = vi.fn<(error: ConflictError) => void>();
    const lock = acquireLockSync(lockDir, { onLost });
    await rename(
      join(lockDir, heldName(1, 0, { ...thisProcess(), leaseMs: 10_000 })),
      join(lockDir, '9.free'),
    );
    expect(lock.releaseSync()).toBe(false);
    expect(lock.lost).toBe(true);
    expect(await lock.release()).toBe(false);
    expect(onLost).toHaveBeenCalledOnce();
    const next = acquireLockSync(lockDir);
    expect(next.fence).toBe(10);
    expect(next.discardSync()).toBe(true);
    expect(await readdir(dir)).toEqual([]);
  });

  test('bad arguments and a damaged lock directory are thrown, not returned as rejections', async ({
    dir,
  }) => {
    for (const options of [{ timeoutMs: -1 }, { leaseMs: 4 }, { onLost: 'warn' }]) {
      thrownBy(() => acquireLockSync(join(dir, 'x'), options as never), 'INVALID_ARGUMENT');
    }
    thrownBy(() => acquireLockSync(''), 'INVALID_ARGUMENT');
    const file = join(dir, 'file');
    await writeFile(file, '');
    expect(thrownBy(() => acquireLockSync(file), 'CORRUPT_DATA').details).toMatchObject({ file });
    expect(await readdir(dir)).toEqual(['file']);
  });
});
