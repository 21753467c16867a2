import { assertBuilt, type ChildProcessLines, spawnChild, testWithTempDir } from '@omega/test-kit';
import { beforeAll, describe, expect } from 'vitest';
import { FilesystemLogBackend } from '../src/fs/log.js';
import { mulberry32 } from '../src/testing.js';
import { CHILD, DIST, SPEC } from './fs-log-children.js';

const test = testWithTempDir('omega-fs-log-kill-');

const WRITERS = 4;
const KILLS = 100;
const ACK = /^ack (\d+) ("[^"]*")$/;

describe('a filesystem log appended to by processes killed with SIGKILL', () => {
  // The children import the built package.
  beforeAll(() => assertBuilt(DIST));

  test(`${WRITERS} writers, ${KILLS} kills: every acknowledged entry is there once, at its position`, async ({
    dir,
  }) => {
    const random = mulberry32(20_240_601);
    let incarnations = 0;
    const finished: ChildProcessLines[] = [];
    // Output of any writer: kills are timed by the progress of all of them, since the lock does not take
    // turns (a writer may append many times in a row while another waits), so waiting for the victim's
    // own acknowledgements could take a second.
    let output = 0;
    let onOutput: (() => void) | null = null;
    const progress = async (chunks: number): Promise<void> => {
      for (const target = output + chunks; output < target; ) {
        await new Promise<void>((resolve) => {
          onOutput = resolve;
        });
      }
    };

    // Each incarnation writes as "<writer>.<incarnation>", so its payloads are unique in the log.
    const start = async (): Promise<ChildProcessLines> => {
      const child = spawnChild(CHILD, [dir, 'shared', `w${incarnations++}`, 'append']);
      child.child.stdout.on('data', () => {
        output++;
        onOutput?.();
      });
      expect(await child.nextLine()).toBe('ready');
      child.child.stdin.write('go\n');
      return child;
    };
    // A restart is not waited for (a child takes ~100 ms to start): the next kill goes on meanwhile, and
    // waits only when it picks a writer still starting.
    const writers = Array.from({ length: WRITERS }, start);

    for (let kill = 0; kill < KILLS; kill++) {
      const victim = Math.floor(random() * WRITERS);
      const child = await writers[victim]!;
      // Killed at a random point of its appends (waiting for the lock, holding it, mid-write, between
      // the write and fdatasync, ...), while the others keep appending.
      await progress(Math.floor(random() * 4));
      child.child.kill('SIGKILL');
      const exit = await child.exited;
      expect(exit.signal).toBe('SIGKILL');
      finished.push(child);
      writers[victim] = start();
    }
    const last = await Promise.all(writers);
    for (const child of last) child.child.stdin.end();
    for (const child of last) {
      const exit = await child.exited;
      expect([exit.code, exit.stderr]).toEqual([0, '']);
      finished.push(child);
    }

    const acknowledged = new Map<number, string>();
    for (const child of finished) {
      for (const line of child.lines.slice(1)) {
        const match = ACK.exec(line);
        expect(match, `a line of a writer: ${line}`).not.toBeNull();
        const position = Number(match![1]);
        expect(acknowledged.has(position), `position ${position} acknowledged twice`).toBe(false);
        acknowledged.set(position, match![2]!);
      }
    }
    expect(acknowledged.size).toBeGreaterThan(KILLS);

    const log = new FilesystemLogBackend(SPEC, { root: dir });
    const size = await log.size('shared');
    const stored = [];
    for (let from = 0; from < size; from += 1000) stored.push(...(await log.read('shared', { from })));
    expect(stored.map((entry) => entry.position)).toEqual(Array.from({ length: size }, (_, i) => i));
    for (const [position, body] of acknowledged)
      expect([position, stored[position]?.body]).toEqual([position, body]);
    // No payload twice: nothing was applied again, acknowledged or not.
    const bodies = stored.map((entry) => entry.body);
    expect(new Set(bodies).size).toBe(bodies.length);
    // A writer's entries are in the order it appended them.
    const lastSeq = new Map<string, number>();
    for (const entry of stored) {
      expect(entry.header.seq).toBeGreaterThan(lastSeq.get(entry.header.writer) ?? -1);
      lastSeq.set(entry.header.writer, entry.header.seq);
    }
    // The log takes appends after all that.
    expect(await log.append('shared', [{ header: { writer: 'end', seq: 0 }, body: '"end"' }])).toBe(size);
    await log.close();
  }, 120_000);
});
