import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { testWithTempDir } from '@omega/test-kit';
import { beforeAll, describe, expect } from 'vitest';
import { isOmegaError } from '../src/errors.js';
import { acquireLock, withLock } from '../src/fs/lock.js';
import { failure, IMPOSSIBLE_PID } from './helpers.js';

const test = testWithTempDir('omega-fs-lock-');

const COUNTER = fileURLToPath(new URL('./fixtures/lock-counter.mjs', import.meta.url));
const HOLDER = fileURLToPath(new URL('./fixtures/lock-holder.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const HOST_TAG = Buffer.from(hostname()).toString('base64url');

interface Child {
  process: ChildProcess;
  lines: AsyncIterator<string>;
  exit: Promise<unknown>;
}

function startNode(script: string, args: string[]): Child {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exit = once(child, 'exit').then(([code]) => code);
  return { process: child, lines: createInterface({ input: child.stdout! })[Symbol.asyncIterator](), exit };
}

async function nextLine(child: Child): Promise<string> {
  const next = await child.lines.next();
  if (next.done)
    throw new Error(`child ${child.process.pid} ended its output early (exit ${await child.exit})`);
  return next.value;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

describe('acquireLock across processes', () => {
  beforeAll(async () => {
    // The child fixtures import the built package.
    await stat(DIST).catch(() => {
      throw new Error('run `pnpm build` in packages/core before these tests');
    });
  });

  test('8 processes doing read-modify-write under the lock lose no update', async ({ dir }) => {
    const rounds = 25;
    const lockDir = join(dir, 'locks', 'counter');
    const counter = join(dir, 'counter.json');
    await writeFile(counter, JSON.stringify({ count: 0, lastFence: 0 }));
    const children = Array.from({ length: 8 }, () => startNode(COUNTER, [lockDir, counter, String(rounds)]));
    for (const child of children) expect(await nextLine(child)).toBe('ready');
    for (const child of children) child.process.stdin!.write('go\n');

    const fences = await Promise.all(
      children.map(async (child) => JSON.parse(await nextLine(child)) as number[]),
    );
    expect(await Promise.all(children.map((child) => child.exit))).toEqual(Array(8).fill(0));

    expect(JSON.parse(await readFile(counter, 'utf8'))).toEqual({ count: 8 * rounds, lastFence: 8 * rounds });
    for (const own of fences) {
      expect(own).toHaveLength(rounds);
      for (let i = 1; i < own.length; i++) expect(own[i]!).toBeGreaterThan(own[i - 1]!);
    }
    expect(fences.flat().sort((a, b) => a - b)).toEqual(range(1, 8 * rounds));
  });

  test('a holder killed with SIGKILL while holding is taken over at once', async ({ dir }) => {
    const lockDir = join(dir, 'lock');
    let expected = 1;
    for (let kill = 0; kill < 2; kill++) {
      const holder = startNode(HOLDER, [lockDir]);
      expect(await nextLine(holder)).toBe(`held ${expected}`);
      const busy = await failure(acquireLock(lockDir, { timeoutMs: 0 }));
      expect(isOmegaError(busy, 'CONFLICT')).toBe(true);
      expect((busy as { details: unknown }).details).toMatchObject({
        holder: { pid: holder.process.pid, host: hostname(), fence: expected },
      });
      holder.process.kill('SIGKILL');
      await holder.exit;
      expected++;
    }
    // A small timeout: were the dead holder not taken over at once, this would be a ConflictError.
    const lock = await acquireLock(lockDir, { timeoutMs: 200 });
    expect(lock.fence).toBe(expected);
    await lock.release();
  });
});

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
    const error = await failure(acquireLock(lockDir, { timeoutMs: 20 }));
    expect(isOmegaError(error, 'CONFLICT')).toBe(true);
    expect((error as { details: unknown }).details).toEqual({
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
    expect(
      await failure(
        withLock(lockDir, async () => {
          throw thrown;
        }),
      ),
    ).toBe(thrown);
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
    const error = await failure(acquireLock(remote, { timeoutMs: 10 }));
    expect(isOmegaError(error, 'CONFLICT')).toBe(true);
    expect((error as { details: unknown }).details).toMatchObject({
      holder: { pid: IMPOSSIBLE_PID, host: 'elsewhere', fence: 5 },
    });
  });

  test('release reports a lock lost while held', async ({ dir }) => {
    const lockDir = join(dir, 'lock');
    const lock = await acquireLock(lockDir);
    await rename(join(lockDir, `1.${process.pid}.${HOST_TAG}.lock`), join(lockDir, '9.free'));
    const error = await failure(lock.release());
    expect(isOmegaError(error, 'CONFLICT')).toBe(true);
    expect((error as { details: unknown }).details).toEqual({ lock: lockDir, fence: 1, reason: 'lost' });
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
    const error = await failure(acquireLock(junk, { timeoutMs: 10 }));
    expect(isOmegaError(error, 'CORRUPT_DATA')).toBe(true);
    expect((error as { details: unknown }).details).toMatchObject({ file: junk });
  });

  test('a file in place of the lock directory is corrupt; bad arguments are rejected', async ({ dir }) => {
    const file = join(dir, 'file');
    await writeFile(file, '');
    const error = await failure(acquireLock(file));
    expect(isOmegaError(error, 'CORRUPT_DATA')).toBe(true);
    expect((error as { details: unknown }).details).toMatchObject({ file });
    for (const timeoutMs of [-1, Number.NaN]) {
      expect(
        isOmegaError(await failure(acquireLock(join(dir, 'x'), { timeoutMs })), 'INVALID_ARGUMENT'),
      ).toBe(true);
    }
    expect(isOmegaError(await failure(acquireLock('')), 'INVALID_ARGUMENT')).toBe(true);
    expect(await readdir(dir)).toEqual(['file']);
  });
});
