import { readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertBuilt, spawnChild, testWithTempDir } from '@omega/test-kit';
import { beforeAll, describe, expect } from 'vitest';
import { acquireLock } from '../src/fs/lock.js';
import { rejectionOf } from '../src/testing/assertions.js';

const test = testWithTempDir('omega-fs-lock-');

const COUNTER = fileURLToPath(new URL('./fixtures/lock-counter.mjs', import.meta.url));
const HOLDER = fileURLToPath(new URL('./fixtures/lock-holder.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../dist/fs.js', import.meta.url));

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

describe('acquireLock across processes', () => {
  // The child fixtures import the built package.
  beforeAll(() => assertBuilt(DIST));

  test('8 processes doing read-modify-write under the lock lose no update', async ({ dir }) => {
    const rounds = 25;
    const lockDir = join(dir, 'locks', 'counter');
    const counter = join(dir, 'counter.json');
    await writeFile(counter, JSON.stringify({ count: 0, lastFence: 0 }));
    const children = Array.from({ length: 8 }, () => spawnChild(COUNTER, [lockDir, counter, String(rounds)]));
    for (const child of children) expect(await child.nextLine()).toBe('ready');
    for (const child of children) child.child.stdin.write('go\n');

    const fences = await Promise.all(
      children.map(async (child) => JSON.parse(await child.nextLine()) as number[]),
    );
    expect((await Promise.all(children.map((child) => child.exited))).map((exit) => exit.code)).toEqual(
      Array(8).fill(0),
    );

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
      const holder = spawnChild(HOLDER, [lockDir]);
      expect(await holder.nextLine()).toBe(`held ${expected} pid ${holder.child.pid}`);
      const busy = await rejectionOf(acquireLock(lockDir, { timeoutMs: 0 }), 'CONFLICT');
      expect(busy.details).toMatchObject({
        holder: { pid: holder.child.pid, host: hostname(), fence: expected },
      });
      holder.child.kill('SIGKILL');
      await holder.exited;
      expected++;
    }
    // A small timeout: were the dead holder not taken over at once, this would be a ConflictError.
    const lock = await acquireLock(lockDir, { timeoutMs: 200 });
    expect(lock.fence).toBe(expected);
    await lock.release();
  });
});
