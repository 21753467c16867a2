import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertBuilt, testWithTempDir } from '@omega/test-kit';
import { beforeAll, describe, expect } from 'vitest';
import { acquireLock } from '../src/fs/lock.js';
import { rejectionOf } from '../src/testing/assertions.js';
import { canUnshare, NEW_PID_NS, spawnLines, UNSHARE_SKIP_REASON } from './namespaces.js';

// Real pid and UTS namespaces, as containers have: needs unshare(1) and root (CI runs as root).
const test = testWithTempDir('omega-fs-lock-ns-');

const COUNTER = fileURLToPath(new URL('./fixtures/lock-counter.mjs', import.meta.url));
const HOLDER = fileURLToPath(new URL('./fixtures/lock-holder.mjs', import.meta.url));
const ONCE = fileURLToPath(new URL('./fixtures/lock-once.mjs', import.meta.url));
const NS = fileURLToPath(new URL('./fixtures/lock-ns.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../dist/fs.js', import.meta.url));
const NODE = process.execPath;

describe.skipIf(!canUnshare)(`the lock across pid and UTS namespaces (${UNSHARE_SKIP_REASON})`, () => {
  beforeAll(() => assertBuilt(DIST));

  test('a pid-1 holder killed with SIGKILL is taken over by the next pid 1 of a new namespace', async ({
    dir,
  }) => {
    const lockDir = join(dir, 'lock');
    const holder = spawnLines('unshare', [...NEW_PID_NS, HOLDER, lockDir, '300']);
    expect(await holder.nextLine()).toBe('held 1 pid 1');
    await holder.kill();
    // The restarted "container" is pid 1 again; it waits at most the dead holder's 300 ms lease.
    const next = spawnLines('unshare', [...NEW_PID_NS, ONCE, lockDir, '5000']);
    expect(JSON.parse(await next.nextLine())).toEqual({ fence: 2, pid: 1 });
    expect(await next.exited).toBe(0);
  });

  test('a holder killed under another host name is taken over at once', async ({ dir }) => {
    const lockDir = join(dir, 'lock');
    const holder = spawnLines('unshare', [
      '-u',
      'sh',
      '-c',
      'hostname other && exec "$0" "$@"',
      NODE,
      HOLDER,
      lockDir,
    ]);
    expect(await holder.nextLine()).toMatch(/^held 1 pid \d+$/);
    await holder.kill();
    // The holder's default lease (10 s) exceeds this timeout: only a certain death lets it through.
    const lock = await acquireLock(lockDir, { timeoutMs: 3000 });
    expect(lock.fence).toBe(2);
    await lock.release();
  });

  test('a live holder in another pid namespace is waited for while it heartbeats, then taken over', async ({
    dir,
  }) => {
    const lockDir = join(dir, 'lock');
    // Lease 1 s, so a heartbeat every 200 ms: waiting 3 s spans three leases.
    const holder = spawnLines('unshare', [...NEW_PID_NS, HOLDER, lockDir, '1000']);
    expect(await holder.nextLine()).toBe('held 1 pid 1');
    const error = await rejectionOf(acquireLock(lockDir, { timeoutMs: 3000 }), 'CONFLICT');
    expect(error.details).toMatchObject({ holder: { pid: 1, fence: 1 } });
    expect(await readdir(lockDir)).toHaveLength(1);
    await holder.kill();
    const lock = await acquireLock(lockDir, { timeoutMs: 5000 });
    expect(lock.fence).toBe(2);
    await lock.release();
  });

  test('4 pid namespaces doing read-modify-write under the lock lose no update', async ({ dir }) => {
    const namespaces = 4;
    const rounds = 60;
    const lockDir = join(dir, 'locks', 'counter');
    const counter = join(dir, 'counter.json');
    await writeFile(counter, JSON.stringify({ count: 0, lastFence: 0 }));
    const children = Array.from({ length: namespaces }, (_, i) =>
      spawnLines('unshare', [...NEW_PID_NS, NS, String(i * 3), COUNTER, lockDir, counter, String(rounds)]),
    );
    for (const child of children) expect(await child.nextLine()).toBe('ready');
    for (const child of children) child.write('go');
    const fences = await Promise.all(
      children.map(async (child) => JSON.parse(await child.nextLine()) as number[]),
    );
    expect(await Promise.all(children.map((child) => child.exited))).toEqual(Array(namespaces).fill(0));

    const total = namespaces * rounds;
    expect(JSON.parse(await readFile(counter, 'utf8'))).toEqual({ count: total, lastFence: total });
    for (const own of fences) {
      expect(own).toHaveLength(rounds);
      for (let i = 1; i < own.length; i++) expect(own[i]!).toBeGreaterThan(own[i - 1]!);
    }
    expect(fences.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  });
});
