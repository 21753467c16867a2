import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertBuilt, testWithTempDir } from '@omega/test-kit';
import { beforeAll, describe, expect } from 'vitest';
import { z } from 'zod';
import type { StoredHeader } from '../src/documents.js';
import { FilesystemStore } from '../src/fs/store.js';
import { canUnshare, type Lines, NEW_PID_NS, spawnLines, UNSHARE_SKIP_REASON } from './namespaces.js';

// A writer of another pid namespace (a container) that stalls past its lock's lease, as `docker pause` or
// a long synchronous encode makes it: the other writer takes the lock over, and every update must still
// land exactly once, in order (see src/fs/document-commit.ts).
const test = testWithTempDir('omega-fs-fence-');

const COUNTER = fileURLToPath(new URL('./fixtures/doc-counter.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../dist/fs.js', import.meta.url));
const SPEC = {
  kind: 'counter',
  folder: 'counters',
  format: 'omega.counter',
  formatVersion: 1,
  header: z.object({ count: z.number() }),
};
const LEASE_MS = 200;
// The liveness test's lease: its heartbeat thread must never miss five beats in a row, which a 200 ms lease
// (40 ms beats) does not promise on a shared, loaded CI machine.
const LIVE_LEASE_MS = 1_000;
const ROUNDS = 5;
const bump = (current: StoredHeader<{ count: number }> | null) => ({
  header: { count: (current?.header.count ?? 0) + 1 },
  body: '{}',
});

// The lines the child prints up to `last`, which they must end with.
async function linesUntil(child: Lines, last: string): Promise<string[]> {
  const seen: string[] = [];
  for (let line = await child.nextLine(); ; line = await child.nextLine()) {
    seen.push(line);
    if (line === last) return seen;
  }
}

describe.skipIf(!canUnshare)(`fenced writes across pid namespaces (${UNSHARE_SKIP_REASON})`, () => {
  beforeAll(() => assertBuilt(DIST));

  for (const step of ['before-claim', 'after-claim', 'after-install']) {
    test(`a writer frozen ${step} past its lease, ${ROUNDS} times: every resolved update is counted`, async ({
      dir,
    }) => {
      const child = spawnLines('unshare', [...NEW_PID_NS, COUNTER, dir, 'n', String(LEASE_MS), step, '0']);
      expect(await child.nextLine()).toBe('ready');
      const store = new FilesystemStore({ root: dir, lockLeaseMs: LEASE_MS, lockTimeoutMs: 60_000 });
      const documents = store.documents(SPEC);
      // A name never written is created with link(), which needs no claim: these freeze a replace.
      await documents.write('n', { count: 0 }, '{}');
      let resolved = 0;
      for (let round = 0; round < ROUNDS; round++) {
        child.write('update');
        // A lost-lock warning of the round before may come first: the lock was taken over.
        await linesUntil(child, `frozen ${round + 1}`);
        child.signal('SIGSTOP');
        // The frozen child holds the lock: these take it over once its lease runs out, and land.
        for (let i = 0; i < 3; i++) {
          await documents.update('n', bump);
          resolved++;
        }
        child.signal('SIGCONT');
        await writeFile(join(dir, `go-${round + 1}`), '');
        await linesUntil(child, 'updated');
        resolved++;
      }
      child.write('quit');
      expect(await child.exited).toBe(0);
      expect((await documents.readHeader('n'))?.header.count).toBe(resolved);
      expect(resolved).toBe(ROUNDS * 4);
      await store.close();
    });
  }

  test('a holder whose event loop is blocked for many leases keeps the lock, and loses no update', async ({
    dir,
  }) => {
    const busyMs = 3 * LIVE_LEASE_MS;
    const child = spawnLines('unshare', [
      ...NEW_PID_NS,
      COUNTER,
      dir,
      'n',
      String(LIVE_LEASE_MS),
      'none',
      String(busyMs),
    ]);
    expect(await child.nextLine()).toBe('ready');
    const store = new FilesystemStore({ root: dir, lockLeaseMs: LIVE_LEASE_MS, lockTimeoutMs: 60_000 });
    const documents = store.documents(SPEC);
    const childLines: string[] = [];
    for (let round = 0; round < 2; round++) {
      child.write('update');
      expect(await child.nextLine()).toBe('busy');
      // Waits for the busy holder (its heartbeat runs off its event loop), then lands after it.
      await documents.update('n', bump);
      childLines.push(...(await linesUntil(child, 'updated')));
    }
    child.write('quit');
    expect(await child.exited).toBe(0);
    expect((await documents.readHeader('n'))?.header.count).toBe(4);
    // Liveness: the blocked holder's lease held, so it was never taken over.
    expect(childLines.filter((line) => line === 'lost')).toEqual([]);
    await store.close();
  });
});
