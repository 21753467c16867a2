import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertBuilt, testWithTempDir } from '@omega/test-kit';
import { beforeAll, describe, expect } from 'vitest';
import { acquireLock } from '../src/fs/lock.js';
import { rejectionOf } from '../src/testing/assertions.js';
import { canUnshare, NEW_PID_NS, spawnLines, UNSHARE_SKIP_REASON } from './namespaces.js';

// A holder in another pid namespace is judged by its heartbeat alone: needs unshare(1) and root.
const test = testWithTempDir('omega-fs-lock-starve-');

const STARVED = fileURLToPath(new URL('./fixtures/lock-starved.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../dist/fs.js', import.meta.url));

describe.skipIf(!canUnshare)(`a holder whose event loop is blocked (${UNSHARE_SKIP_REASON})`, () => {
  beforeAll(() => assertBuilt(DIST));

  test('keeps its lease: its heartbeat runs on another thread', async ({ dir }) => {
    const lockDir = join(dir, 'lock');
    // Long enough that a loaded CI machine does not starve the heartbeat thread of five beats in a row.
    const leaseMs = 800;
    const child = spawnLines('unshare', [...NEW_PID_NS, STARVED, lockDir, String(leaseMs)]);
    try {
      expect(await child.nextLine()).toBe('held 1 pid 1');
      child.write('block 4000');
      expect(await child.nextLine()).toBe('blocking');
      // Three of its leases while its event loop is blocked: it is waited for all the same.
      const error = await rejectionOf(acquireLock(lockDir, { timeoutMs: 3 * leaseMs }), 'CONFLICT');
      expect(error.details).toMatchObject({ holder: { pid: 1, fence: 1 } });
      expect(await child.nextLine()).toBe('released true');
      expect(await child.exited).toBe(0);
    } finally {
      await child.kill();
    }
    const lock = await acquireLock(lockDir, { timeoutMs: 0 });
    expect(lock.fence).toBe(2);
    await lock.release();
  });
});
