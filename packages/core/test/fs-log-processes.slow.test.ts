import { assertBuilt, type ChildProcessLines, spawnChild, testWithTempDir } from '@omega/test-kit';
import { beforeAll, describe, expect } from 'vitest';
import { FilesystemLogBackend } from '../src/fs/log.js';
import { CHILD, DIST, SPEC } from './fs-log-children.js';

const test = testWithTempDir('omega-fs-log-processes-');

async function started(child: ChildProcessLines): Promise<ChildProcessLines> {
  expect(await child.nextLine()).toBe('ready');
  return child;
}

describe('a filesystem log shared by processes', () => {
  // The children import the built package.
  beforeAll(() => assertBuilt(DIST));

  test('of 4 processes appending with expectedSize, exactly one wins each position', async ({ dir }) => {
    const target = 160;
    const children = await Promise.all(
      Array.from({ length: 4 }, (_, id) =>
        started(spawnChild(CHILD, [dir, 'race', `w${id}`, 'race', `${target}`])),
      ),
    );
    for (const child of children) child.child.stdin.write('go\n');
    const exits = await Promise.all(children.map((child) => child.exited));
    expect(exits.map((exit) => [exit.code, exit.stderr])).toEqual(children.map(() => [0, '']));

    const claims = new Map<number, string[]>();
    let conflicts = 0;
    for (const child of children) {
      for (const line of child.lines) {
        const [word, position, body] = line.split(' ');
        if (word === 'done') conflicts += Number(position);
        if (word !== 'won') continue;
        claims.set(Number(position), [...(claims.get(Number(position)) ?? []), body!]);
      }
    }
    expect([...claims.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: target }, (_, i) => i));
    for (const [position, bodies] of claims) expect([position, bodies.length]).toEqual([position, 1]);
    // The processes did race: some appends lost.
    expect(conflicts).toBeGreaterThan(0);

    const log = new FilesystemLogBackend(SPEC, { root: dir });
    const stored = await log.read('race');
    expect(stored).toHaveLength(target);
    for (const entry of stored) expect(entry.body).toBe(claims.get(entry.position)![0]);
    await log.close();
  });

  test('a wait in one process wakes on an append in another, both ways', async ({ dir }) => {
    const log = new FilesystemLogBackend(SPEC, { root: dir });
    const waiter = await started(spawnChild(CHILD, [dir, 'to-child', 'waiter', 'wait', '0']));
    await log.append('to-child', [{ header: { writer: 'parent', seq: 0 }, body: '"hello"' }]);
    expect((await waiter.nextLine()).split(' ').slice(0, 2)).toEqual(['woke', '1']);
    expect((await waiter.exited).code).toBe(0);

    const appender = await started(spawnChild(CHILD, [dir, 'to-parent', 'appender', 'append-each']));
    for (let size = 0; size < 5; size++) {
      const woken = log.wait('to-parent', size);
      appender.child.stdin.write('\n');
      expect(await woken).toBe(size + 1);
      expect(await appender.nextLine()).toBe(`ack ${size}`);
    }
    appender.child.stdin.end();
    expect((await appender.exited).code).toBe(0);
    await log.close();
  });
});
