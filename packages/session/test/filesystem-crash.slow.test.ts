import { readdir, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { encode } from '@omega/core';
import { acquireLock } from '@omega/core/fs';
import { mulberry32 } from '@omega/core/testing';
import { type ChildProcessLines, spawnChild, tempDir } from '@omega/test-kit';
import { beforeAll, describe, expect, it } from 'vitest';
import { FilesystemSessionProvider } from '../src/filesystem.js';
import { payload } from './fixtures/payload.mjs';
import { assertSessionBuilt, fixture } from './helpers.js';

const KILLS = 100;
const NAME = 'crash';
/** Upper bound of the seeded delay between the writer's first "begin" and its SIGKILL. */
const MAX_KILL_DELAY_MS = 40;
/** Every this many rounds, the writer kills itself before publishing its temp file instead. */
const SELF_KILL_EVERY = 5;
/** Writers started ahead of their round, so starting Node overlaps the rounds before. */
const STARTED_AHEAD = 2;

/** The last k the writer announced it began and the last k it announced done. */
function progress(lines: readonly string[]): { begun?: number; done?: number } {
  const last = (word: string): number | undefined => {
    const line = lines.findLast((candidate) => candidate.startsWith(`${word} `));
    return line === undefined ? undefined : Number(line.slice(word.length + 1));
  };
  return { begun: last('begin'), done: last('done') };
}

describe('FilesystemSessionProvider under kill -9', () => {
  beforeAll(assertSessionBuilt);

  it(`always leaves the last saved session or the new one, over ${KILLS} kills`, {
    // About 30 s on 2 idle cores; the margin is for a machine busy with other work.
    timeout: 300_000,
  }, async () => {
    const { dir, remove } = await tempDir('omega-session-');
    // Every writer started, kept so that a failing round still kills the ones left.
    const writers: ChildProcessLines[] = [];
    try {
      const random = mulberry32(42);
      const initial = new FilesystemSessionProvider({ root: dir });
      await initial.save(NAME, payload(0));
      await initial.close();
      const folder = join(await realpath(dir), 'sessions');
      const temps = async (): Promise<string[]> =>
        (await readdir(folder)).filter((file) => file.endsWith('.tmp'));
      let stored = 0;
      let killedMidSave = 0;
      // Rounds whose writer died holding the lock with its temp file written: the cases the sweep and the
      // lock takeover exist for: every SELF_KILL_EVERY-th round, and sometimes a timed kill lands there too.
      let killedMidWrite = 0;

      const selfKilled = (round: number): boolean => round % SELF_KILL_EVERY === 0;
      // Round r's writer saves payloads r*1000, r*1000+1, ...; it waits for "go" before its first save.
      const start = (round: number): void => {
        const args = [dir, NAME, String(round * 1_000)];
        if (selfKilled(round)) args.push('die-before-publish');
        writers.push(spawnChild(fixture('crash-writer.mjs'), args));
      };

      for (let round = 1; round <= KILLS; round++) {
        while (writers.length < Math.min(round + STARTED_AHEAD, KILLS)) start(writers.length + 1);
        const writer = writers[round - 1]!;
        expect(await writer.nextLine()).toBe('ready');
        writer.child.stdin.end('go\n');
        expect(await writer.nextLine()).toBe(`begin ${round * 1_000}`);
        // The random kill point: a seeded delay into the writer's saves (the kill is the event under test).
        const delay = Math.floor(random() * MAX_KILL_DELAY_MS);
        if (!selfKilled(round)) setTimeout(() => writer.child.kill('SIGKILL'), delay);
        const exit = await writer.exited;
        expect(exit, exit.stderr).toMatchObject({ signal: 'SIGKILL' });

        const { begun, done } = progress(writer.lines);
        const saved = done ?? stored;
        if (begun !== saved) killedMidSave++;

        if ((await temps()).length > 0) killedMidWrite++;

        const provider = new FilesystemSessionProvider({ root: dir });
        const loaded = await provider.load(NAME);
        expect(loaded, `round ${round}`).not.toBeNull();
        const k = loaded!.meta.k as number;
        expect([saved, begun], `round ${round}: loaded payload ${k}`).toContain(k);
        const intact = encode(loaded!) === encode(payload(k));
        expect(intact, `round ${round}: payload ${k} came back altered`).toBe(true);
        expect(await temps()).toStrictEqual([]);
        // Zero timeout: a held lock would be a ConflictError, so the dead writer's lock was taken over.
        const lock = await acquireLock(join(folder, '.locks', NAME), { timeoutMs: 0 });
        await lock.release();
        await provider.close();
        stored = k;
      }
      expect(killedMidSave).toBeGreaterThan(0);
      expect(killedMidWrite).toBeGreaterThanOrEqual(KILLS / SELF_KILL_EVERY);
    } finally {
      for (const writer of writers) writer.child.kill('SIGKILL');
      await Promise.all(writers.map((writer) => writer.exited));
      await remove();
    }
  });
});
