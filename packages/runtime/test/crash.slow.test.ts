import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sha256Hex } from '@omega/core';
import { FilesystemStore } from '@omega/core/fs';
import { mulberry32 } from '@omega/core/testing';
import { assertBuilt, spawnChild, tempDir } from '@omega/test-kit';
import { beforeAll, describe, expect, it } from 'vitest';
import { JOURNAL, openFamily } from '../src/index.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/counting-run.mjs', import.meta.url));
const STEPS = 90;
/** Upper bound of the seeded delay between the fixture's `ready` and a SIGKILL from here. */
const MAX_KILL_DELAY_MS = 40;
const KILLS = 55;
/** The kill points the fixture takes itself (see its header); the rest are SIGKILLs from here. */
const POINTS = ['handler', 'span', 'step'] as const;
const ALLOWED = 'math.double';
const REFUSED = ['secret.read', 'tool.forbidden', 'math.expensive'];

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  lines: string[];
}

/** Runs the fixture; with `killDelayMs`, SIGKILLs it that long after it printed `ready`. */
async function runFixture(root: string, selfKill?: string, killDelayMs?: number): Promise<Outcome> {
  const child = spawnChild(FIXTURE, selfKill === undefined ? [root] : [root, selfKill]);
  if (killDelayMs !== undefined) {
    const ready = await child.nextLine().catch(() => null);
    if (ready === 'ready') {
      await new Promise((resolve) => setTimeout(resolve, killDelayMs));
      child.child.kill('SIGKILL');
    }
  }
  const { code, signal } = await child.exited;
  return { code, signal, lines: child.lines };
}

/** Handler calls by key, from the fixture's calls log. */
async function callsOf(dir: string): Promise<Map<string, { op: string; count: number }>> {
  const text = await readFile(join(dir, 'calls.log'), 'utf8').catch(() => '');
  const calls = new Map<string, { op: string; count: number }>();
  for (const line of text.split('\n').filter(Boolean)) {
    const [key = '', op = ''] = line.split(' ');
    const entry = calls.get(key) ?? { op, count: 0 };
    entry.count++;
    calls.set(key, entry);
  }
  return calls;
}

describe('a run killed with SIGKILL at random points', () => {
  beforeAll(() => assertBuilt(fileURLToPath(new URL('../dist/index.js', import.meta.url))));

  it(`resumes to the uninterrupted result with exactly-once effects, over ${KILLS} kills`, {
    timeout: 180_000,
  }, async () => {
    const reference = await tempDir('omega-runtime-reference-');
    const crashed = await tempDir('omega-runtime-crash-');
    try {
      const uninterrupted = await runFixture(join(reference.dir, 'store'));
      expect(uninterrupted.code).toBe(0);
      const expected = uninterrupted.lines.at(-1);
      expect(expected).toMatch(/^done /);

      const root = join(crashed.dir, 'store');
      const journal = new FilesystemStore({ root }).documents(JOURNAL);
      const recorded = async (key: string) => (await journal.readHeader(`e-${sha256Hex(key)}`)) !== null;
      const random = mulberry32(2026);
      // Keys called but not recorded when a process died: the only ones a resumed run may call again.
      const pendingAtKill = new Map<string, number>();
      let kills = 0;
      let selfKills = 0;
      for (let attempt = 0; kills < KILLS; attempt++) {
        expect(attempt, 'attempts without enough kills').toBeLessThan(KILLS * 3);
        const self = random() < 0.5;
        const point = POINTS[Math.floor(random() * POINTS.length)];
        const outcome = self
          ? await runFixture(root, `${point}:${Math.floor(random() * 2)}`)
          : await runFixture(root, undefined, Math.floor(random() * MAX_KILL_DELAY_MS));
        if (outcome.code === 0) break; // the run ended before the kill: resumed below anyway
        expect(outcome.signal, outcome.lines.join('\n')).toBe('SIGKILL');
        kills++;
        if (self) selfKills++;
        for (const [key] of await callsOf(crashed.dir)) {
          if (!(await recorded(key))) pendingAtKill.set(key, (pendingAtKill.get(key) ?? 0) + 1);
        }
      }
      const last = await runFixture(root);
      expect(last.code).toBe(0);
      expect(last.lines.at(-1)).toBe(expected);
      expect(kills).toBeGreaterThanOrEqual(50);

      const calls = await callsOf(crashed.dir);
      let recalls = 0;
      for (const [key, { op, count }] of calls) {
        expect(REFUSED, `${op} was called`).not.toContain(op);
        expect(op).toBe(ALLOWED);
        // A second call only where a process died between the call and the recording of its result.
        expect(count, `calls of ${key}`).toBeLessThanOrEqual(1 + (pendingAtKill.get(key) ?? 0));
        recalls += count - 1;
      }
      const allowedKeys = Array.from({ length: STEPS }, (_, step) => `count:${step}:0`);
      expect([...calls.keys()].sort()).toEqual([...allowedKeys].sort());
      console.log(
        `crash test: ${kills} kills (${selfKills} at chosen points), ${recalls} handler calls repeated ` +
          `(each after a kill between its call and the recording of its result), ${pendingAtKill.size} keys pending at a kill`,
      );

      await using receipt = openFamily('receipt', { root });
      const receipts = await receipt.list({ runId: 'count' });
      expect(receipts.map((entry) => entry.idempotencyKey).sort()).toEqual([...allowedKeys].sort());
      expect(await receipt.verify()).toMatchObject({ ok: true, size: STEPS });
      await using governance = openFamily('governance', { root });
      expect(governance.getBudget().consumed.tokens).toBe(STEPS * 10);
      expect(governance.getBudget().reserved.tokens).toBe(0);
      await using provenance = openFamily('provenance', { root });
      expect(await provenance.count()).toBe(STEPS);
      await using security = openFamily('security', { root });
      const audit = await security.auditLog({ principal: 'run:count' });
      const refusals = (resource: string) =>
        audit.filter((event) => event.resource === resource && event.outcome !== 'allow').length;
      const every7th = Math.floor(STEPS / 7);
      expect(refusals('secret.read')).toBeGreaterThanOrEqual(every7th);
      expect(refusals('tool.forbidden')).toBeGreaterThanOrEqual(every7th);
      expect(refusals('math.expensive')).toBeGreaterThanOrEqual(1);
      expect((await security.verifyAudit()).ok).toBe(true);
      await journal.close();
    } finally {
      await reference.remove();
      await crashed.remove();
    }
  });
});
