import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertBuilt, testWithTempDir } from '@omega/test-kit';
import { beforeAll, describe, expect } from 'vitest';
import { FilesystemLogBackend } from '../src/fs/log.js';
import { DIST, SPEC } from './fs-log-children.js';
import { canUnshare, NEW_PID_NS, spawnLines, UNSHARE_SKIP_REASON } from './namespaces.js';

const test = testWithTempDir('omega-fs-log-freeze-');

const CHILD = fileURLToPath(new URL('./fixtures/fs-log-freeze.mjs', import.meta.url));
const ROUNDS = 3;

// A child in a pid namespace of its own (a container) appends and is frozen (SIGSTOP, as `docker pause`
// does) at a step of its write; the parent takes the log's lock over once the child's lease has run out,
// appends, then continues the child. Appends stay exact without the lock: the lock only makes writers wait.
describe.skipIf(!canUnshare)(
  `an appender frozen while it writes, past its lease (${UNSHARE_SKIP_REASON})`,
  () => {
    // The children import the built package.
    beforeAll(() => assertBuilt(DIST));

    for (const step of ['before', 'after'] as const) {
      test(`frozen ${step} its write, ${ROUNDS} times: every append lands in order or is a ConflictError`, async ({
        dir,
      }) => {
        const log = new FilesystemLogBackend(SPEC, { root: dir, lockLeaseMs: 50, lockTimeoutMs: 10_000 });
        const expected: string[] = [];
        for (let round = 0; round < ROUNDS; round++) {
          const child = spawnLines('unshare', [...NEW_PID_NS, CHILD, dir, 'a', step]);
          expect(await child.nextLine()).toBe('ready');
          child.write('go');
          const size = expected.length;
          expect(await child.nextLine()).toBe(`frozen ${size}`);
          child.signal('SIGSTOP');
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
          child.signal('SIGCONT');
          await writeFile(join(dir, `go-${size}`), '');
          const outcome = [await child.nextLine(), await child.nextLine()];
          expect(await child.exited).toBe(0);
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
  },
);
