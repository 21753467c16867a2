import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { assertBuilt, testWithTempDir } from '@omega/test-kit';
import { beforeAll, describe, expect } from 'vitest';
import { acquireLock } from '../src/fs/lock.js';
import { rejectionOf } from '../src/testing/assertions.js';

// A holder in another pid namespace is judged by its heartbeat alone: needs unshare(1) and root.
const test = testWithTempDir('omega-fs-lock-starve-');

const STARVED = fileURLToPath(new URL('./fixtures/lock-starved.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../dist/fs.js', import.meta.url));

const canUnshare =
  process.platform === 'linux' &&
  process.getuid?.() === 0 &&
  spawnSync('unshare', ['-p', '-f', '--mount-proc', 'true']).status === 0;

describe.skipIf(!canUnshare)('a holder whose event loop is blocked (needs unshare(1) and root)', () => {
  beforeAll(() => assertBuilt(DIST));

  test('keeps its lease: its heartbeat runs on another thread', async ({ dir }) => {
    const lockDir = join(dir, 'lock');
    const leaseMs = 300;
    const child = spawn(
      'unshare',
      ['-p', '-f', '--kill-child', '--mount-proc', process.execPath, STARVED, lockDir, String(leaseMs)],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const nextLine = async () => (await lines.next()).value as string;
    try {
      expect(await nextLine()).toBe('held 1 pid 1');
      child.stdin.write('block 2000\n');
      expect(await nextLine()).toBe('blocking');
      // Five of its leases while its event loop is blocked: it is waited for all the same.
      const error = await rejectionOf(acquireLock(lockDir, { timeoutMs: 5 * leaseMs }), 'CONFLICT');
      expect(error.details).toMatchObject({ holder: { pid: 1, fence: 1 } });
      expect(await nextLine()).toBe('released true');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
    const lock = await acquireLock(lockDir, { timeoutMs: 0 });
    expect(lock.fence).toBe(2);
    await lock.release();
  });
});
