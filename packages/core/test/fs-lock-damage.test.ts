import { mkdir, readdir, rename, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { testWithTempDir } from '@omega/test-kit';
import { afterEach, beforeEach, describe, expect, type MockInstance, vi } from 'vitest';
import { type Holder, heldName } from '../src/fs/holder.js';
import { acquireLock, acquireLockSync } from '../src/fs/lock.js';
import { thisProcess } from '../src/fs/process.js';
import { rejectionOf, thrownBy } from '../src/testing/assertions.js';
import { IMPOSSIBLE_PID } from './helpers.js';

const test = testWithTempDir('omega-fs-lock-damage-');

const TOO_BIG = '9007199254740993';

let warn: MockInstance<typeof process.emitWarning>;

beforeEach(() => {
  warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
});

afterEach(() => {
  warn.mockRestore();
});

/** The OMEGA_LOCK_DAMAGED warnings so far: their messages. */
function damageReports(): string[] {
  return warn.mock.calls
    .filter(([, options]) => (options as { code?: string } | undefined)?.code === 'OMEGA_LOCK_DAMAGED')
    .map(([message]) => String(message));
}

/** The fences of `count` acquisitions in a row, each released before the next. */
async function fences(lockDir: string, count: number): Promise<number[]> {
  const taken: number[] = [];
  for (let i = 0; i < count; i++) {
    const lock = await acquireLock(lockDir, { timeoutMs: 0 });
    taken.push(lock.fence);
    expect(await lock.release()).toBe(true);
  }
  return taken;
}

async function lockDirWith(dir: string, entries: string[]): Promise<string> {
  const lockDir = join(dir, 'lock');
  await mkdir(lockDir);
  for (const entry of entries) await writeFile(join(lockDir, entry), '');
  return lockDir;
}

describe('damaged or forged lock entries', () => {
  test('a fence above MAX_SAFE_INTEGER is ignored and reported: fences still grow', async ({ dir }) => {
    const beside = await lockDirWith(dir, ['3.free', `${TOO_BIG}.free`]);
    expect(await fences(beside, 3)).toEqual([4, 5, 6]);
    expect(damageReports()).toHaveLength(1);
    expect(damageReports()[0]).toContain(beside);
    expect(damageReports()[0]).toContain(`${TOO_BIG}.free`);

    // In place of the token: a new token is made beside it.
    const alone = join(dir, 'alone');
    await mkdir(alone);
    await writeFile(join(alone, `${TOO_BIG}.free`), '');
    expect(await fences(alone, 3)).toEqual([1, 2, 3]);
    expect((await readdir(alone)).sort()).toEqual(['3.free', `${TOO_BIG}.free`]);
  });

  test('a 250-digit fence is ignored and reported, and listing still works', async ({ dir }) => {
    const huge = `${'9'.repeat(250)}.free`;
    const lockDir = await lockDirWith(dir, ['2.free', huge]);
    expect(await fences(lockDir, 2)).toEqual([3, 4]);
    expect((await readdir(lockDir)).sort()).toEqual(['4.free', huge]);
    expect(damageReports()).toHaveLength(1);
    expect(damageReports()[0]).toContain(huge);
  });

  test('a junk entry alone is reported, left alone, and the lock taken at once', async ({ dir }) => {
    const lockDir = await lockDirWith(dir, ['notes.txt', '.reserved']);
    // With the default timeout: were the junk a reason to wait, this would take 30 s, then fail.
    const started = performance.now();
    const lock = await acquireLock(lockDir);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(lock.fence).toBe(1);
    await lock.release();
    expect(await fences(lockDir, 2)).toEqual([2, 3]);
    expect((await readdir(lockDir)).sort()).toEqual(['.reserved', '3.free', 'notes.txt']);
    // Reported once per process, and the '.' entry not at all.
    expect(damageReports()).toHaveLength(1);
    expect(damageReports()[0]).toContain(`${lockDir} has a damaged entry "notes.txt"`);
    const sync = acquireLockSync(lockDir, { timeoutMs: 0 });
    expect(sync.fence).toBe(4);
    sync.releaseSync();
  });

  test('a second free token beside a held one gives no second holder; the next acquirer repairs it', async ({
    dir,
  }) => {
    const lockDir = join(dir, 'lock');
    const held = await acquireLock(lockDir);
    await writeFile(join(lockDir, '9.free'), '');
    // The holder is alive: no contender takes the other token.
    await rejectionOf(acquireLock(lockDir, { timeoutMs: 50 }), 'CONFLICT');
    thrownBy(() => acquireLockSync(lockDir, { timeoutMs: 0 }), 'CONFLICT');
    expect(damageReports()).toEqual([]);
    expect(await held.release()).toBe(true);
    // This process takes its own free token back without listing; still, of 4 contenders one wins.
    const contenders = await Promise.allSettled(
      Array.from({ length: 4 }, () => acquireLock(lockDir, { timeoutMs: 0 })),
    );
    const won = contenders.filter((outcome) => outcome.status === 'fulfilled');
    expect(won.map((outcome) => outcome.value.fence)).toEqual([2]);
    await won[0]!.value.release();
    // Another process takes and frees it meanwhile; then this one lists both free tokens: all but the
    // highest is removed, which is taken with the next fence.
    await rename(join(lockDir, '2.free'), join(lockDir, '3.free'));
    const next = await acquireLock(lockDir, { timeoutMs: 0 });
    expect(next.fence).toBe(10);
    expect(await readdir(lockDir)).toEqual([heldName(10, 0, { ...thisProcess(), leaseMs: 10_000 })]);
    await next.release();
    expect(damageReports()).toHaveLength(1);
    expect(damageReports()[0]).toContain('"3.free"');
    expect(await fences(lockDir, 1)).toEqual([11]);
  });

  test('two free tokens, or a dead holder beside one, end in one holder with the highest fence', async ({
    dir,
  }) => {
    const dead: Holder = { ...thisProcess(), pid: IMPOSSIBLE_PID, start: '1', leaseMs: 10_000 };
    const lockDir = await lockDirWith(dir, ['4.free', '6.free', heldName(5, 2, dead)]);
    const contenders = await Promise.allSettled(
      Array.from({ length: 4 }, () => acquireLock(lockDir, { timeoutMs: 0 })),
    );
    const won = contenders.filter((outcome) => outcome.status === 'fulfilled');
    expect(won).toHaveLength(1);
    expect(won[0]!.value.fence).toBe(7);
    await won[0]!.value.release();
    expect(await readdir(lockDir)).toEqual(['7.free']);
  });
});

describe('a lock directory or its parent that is a symlink', () => {
  test('is refused with a CorruptDataError naming it, by both acquirers', async ({ dir }) => {
    const elsewhere = join(dir, 'elsewhere');
    await mkdir(join(elsewhere, 'doc'), { recursive: true });
    const store = join(dir, 'store');
    await mkdir(store);
    // `.locks` swapped for a symlink after the store opened.
    await symlink(elsewhere, join(store, '.locks'));
    const viaParent = join(store, '.locks', 'doc');
    const error = await rejectionOf(acquireLock(viaParent), 'CORRUPT_DATA');
    expect(error.details).toEqual({ file: join(store, '.locks'), reason: 'symlink' });
    thrownBy(() => acquireLockSync(viaParent), 'CORRUPT_DATA');

    // `.locks/<name>` swapped for one.
    const locks = join(dir, 'real', '.locks');
    await mkdir(locks, { recursive: true });
    await symlink(join(elsewhere, 'doc'), join(locks, 'doc'));
    const linked = join(locks, 'doc');
    const direct = await rejectionOf(acquireLock(linked), 'CORRUPT_DATA');
    expect(direct.details).toEqual({ file: linked, reason: 'symlink' });
    expect(thrownBy(() => acquireLockSync(linked), 'CORRUPT_DATA').details).toEqual({
      file: linked,
      reason: 'symlink',
    });
    // Nothing was made through either link.
    expect(await readdir(join(elsewhere, 'doc'))).toEqual([]);
  });
});
