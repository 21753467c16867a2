import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertBuilt, spawnChild, testWithTempDir } from '@omega/test-kit';
import { beforeAll, describe, expect } from 'vitest';
import type { ConflictError } from '../src/errors.js';
import { acquireLockSync } from '../src/fs/lock.js';
import { thrownBy } from '../src/testing/assertions.js';
import { expectSlept, fenceTakenAtOnce, timed } from './waiting.js';

const test = testWithTempDir('omega-fs-lock-sync-');

const HOLDER = fileURLToPath(new URL('./fixtures/lock-until-told.mjs', import.meta.url));
const WAITER = fileURLToPath(new URL('./fixtures/lock-sync-waiter.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../dist/fs.js', import.meta.url));

/** A child process holding the lock in `lockDir` (fence 1) until it is told to release it. */
async function childHolding(lockDir: string) {
  const holder = spawnChild(HOLDER, [lockDir]);
  expect(await holder.nextLine()).toBe(`held 1 pid ${holder.child.pid}`);
  const release = async () => {
    holder.child.stdin.write('release\n');
    expect(await holder.nextLine()).toBe('released');
    expect((await holder.exited).code).toBe(0);
  };
  return { pid: holder.child.pid, release };
}

describe('acquireLockSync across processes', () => {
  // The child fixtures import the built package.
  beforeAll(() => assertBuilt(DIST));

  test('waits for a holder in another process by sleeping, not spinning, and times out naming it', async ({
    dir,
  }) => {
    const lockDir = join(dir, 'lock');
    const holder = await childHolding(lockDir);
    const wait = timed(() => thrownBy(() => acquireLockSync(lockDir, { timeoutMs: 300 }), 'CONFLICT'));
    expect((wait.outcome as ConflictError).details).toMatchObject({
      holder: { pid: holder.pid, fence: 1 },
      timeoutMs: 300,
    });
    expectSlept(wait, 300);
    await holder.release();
    expect(fenceTakenAtOnce(lockDir)).toBe(2);
  });

  test('a synchronous waiter in another process gets the lock once its holder releases it', async ({
    dir,
  }) => {
    const lockDir = join(dir, 'lock');
    const holder = await childHolding(lockDir);
    const waiter = spawnChild(WAITER, [lockDir]);
    expect(await waiter.nextLine()).toBe(`busy ${holder.pid}`);
    expect(await waiter.nextLine()).toBe('waiting');
    // Keep the holder a while, timed by this process's own wait for the lock, so the waiter's CPU time
    // is measured over a wait long enough to show spinning.
    thrownBy(() => acquireLockSync(lockDir, { timeoutMs: 300 }), 'CONFLICT');
    await holder.release();
    const got = JSON.parse(await waiter.nextLine()) as { fence: number; waitedMs: number; cpuMs: number };
    expect(got.fence).toBe(2);
    expectSlept({ wallMs: got.waitedMs, cpuMs: got.cpuMs }, 300);
    expect((await waiter.exited).code).toBe(0);
    expect(fenceTakenAtOnce(lockDir)).toBe(3);
  });
});
