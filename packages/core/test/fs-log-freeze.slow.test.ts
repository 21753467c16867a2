import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertBuilt, spawnChild, testWithTempDir } from '@omega/test-kit';
import { beforeAll, describe, expect } from 'vitest';
import { FilesystemLogBackend } from '../src/fs/log.js';
import { DIST, SPEC } from './fs-log-children.js';

const test = testWithTempDir('omega-fs-log-freeze-');

const CHILD = fileURLToPath(new URL('./fixtures/fs-log-freeze.mjs', import.meta.url));
const ROUNDS = 3;

// A child appends, freezes itself at a step of its write, and loses the log's lock meanwhile: its lock
// directory is removed, as a contender that takes a frozen holder over after its lease does (that needs
// another pid namespace, so removing the token stands for it here). The parent appends while the child is
// stopped, then continues it. Appends stay exact without the lock: the lock only makes writers wait.
describe('an appender frozen while it writes, its lock lost meanwhile', () => {
  // The children import the built package.
  beforeAll(() => assertBuilt(DIST));

  for (const step of ['before', 'after'] as const) {
    test(`frozen ${step} its write, ${ROUNDS} times: every append lands in order or is a ConflictError`, async ({
      dir,
    }) => {
      const log = new FilesystemLogBackend(SPEC, { root: dir, lockLeaseMs: 50, lockTimeoutMs: 10_000 });
      const expected: string[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const child = spawnChild(CHILD, [dir, 'a', step]);
        expect(await child.nextLine()).toBe('ready');
        child.child.stdin.write('go\n');
        const size = expected.length;
        expect(await child.nextLine()).toBe(`frozen ${size}`);
        await rm(join(dir, 'events', '.locks', 'a.log'), { recursive: true, force: true });
        const mine = [0, 1].map((seq) => ({
          header: { writer: `parent ${round}`, seq },
          body: `"parent ${round}"`,
        }));
        if (step === 'before') {
          // The child planned positions `size` on, and has written nothing yet: the parent takes them.
          expect(await log.append('a', mine, { expectedSize: size })).toBe(size);
        } else {
          // The child's group is written: the parent's goes after it.
          expect(await log.append('a', mine)).toBe(size + 2);
        }
        child.child.kill('SIGCONT');
        const outcome = [await child.nextLine(), await child.nextLine()];
        expect((await child.exited).code).toBe(0);
        if (step === 'before') {
          expect(outcome).toEqual([`conditional conflict ${size + 2}`, `plain ${size + 2}`]);
          expected.push(`parent ${round}`, `parent ${round}`, 'child 1');
        } else {
          expect(outcome).toEqual([`conditional ${size}`, `plain ${size + 1}`]);
          expected.push('child 0', 'child 1', `parent ${round}`, `parent ${round}`);
        }
        for (const reader of [log, new FilesystemLogBackend(SPEC, { root: dir })]) {
          expect((await reader.read('a')).map((entry) => JSON.parse(entry.body))).toEqual(expected);
          expect(await reader.size('a')).toBe(expected.length);
        }
      }
      await log.close();
    }, 60_000);
  }
});
