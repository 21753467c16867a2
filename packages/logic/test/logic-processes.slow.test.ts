import { fileURLToPath } from 'node:url';
import { assertBuilt, spawnChild, tempDir } from '@omega/test-kit';
import { beforeAll, describe, expect, it } from 'vitest';
import { FilesystemLogicProvider } from '../src/filesystem.js';

const PROCESSES = 4;
const FACTS = 150;

const fixture = fileURLToPath(new URL('./fixtures/fact-writer.mjs', import.meta.url));

function start(root: string, count: number) {
  return Array.from({ length: PROCESSES }, (_, index) =>
    spawnChild(fixture, [root, String(index), String(count)]),
  );
}

async function go(children: ReturnType<typeof start>): Promise<void> {
  for (const child of children) expect(await child.nextLine()).toBe('ready');
  for (const child of children) child.child.stdin.end('go\n');
}

describe('FilesystemLogicProvider across processes', () => {
  beforeAll(() => assertBuilt(fileURLToPath(new URL('../dist/filesystem.js', import.meta.url))));

  it(`${PROCESSES} processes asserting, retracting and compacting one base: every fact once, each writer's in order`, async () => {
    const { dir, remove } = await tempDir('omega-logic-');
    // Opened before the others write: it must read their facts through every compaction they make.
    const early = new FilesystemLogicProvider({ root: dir });
    try {
      expect(early.count()).toBe(0);
      const children = start(dir, FACTS);
      await go(children);
      const exits = await Promise.all(children.map((child) => child.exited));
      for (const exit of exits) expect(exit, exit.stderr).toMatchObject({ code: 0, signal: null });
      const facts = early.getFacts();
      expect(facts.filter((fact) => fact === '(shared fact)')).toHaveLength(1);
      expect(facts.filter((fact) => fact.startsWith('(scratch'))).toStrictEqual([]);
      for (let index = 0; index < PROCESSES; index++) {
        const made = facts.filter((fact) => fact.startsWith(`(made p${index} `));
        expect(made).toStrictEqual(Array.from({ length: FACTS }, (_, k) => `(made p${index} n${k})`));
      }
      expect(facts).toHaveLength(PROCESSES * FACTS + 1);
      const fresh = new FilesystemLogicProvider({ root: dir });
      expect(fresh.signature()).toBe(early.signature());
      await fresh.close();
    } finally {
      await early.close();
      await remove();
    }
  });

  it('keeps every fact a writer killed with SIGKILL had asserted, and stays writable', async () => {
    const { dir, remove } = await tempDir('omega-logic-');
    try {
      const children = start(dir, 100_000);
      await go(children);
      // Kill each once it has made a few dozen facts: mid-append, mid-compaction, wherever it is.
      await Promise.all(
        children.map(async (child) => {
          for (let i = 0; i < 40; i++) await child.nextLine();
          child.child.kill('SIGKILL');
          await child.exited;
        }),
      );
      const reopened = new FilesystemLogicProvider({ root: dir });
      const facts = new Set(reopened.getFacts());
      for (const child of children) {
        for (const made of child.lines.filter((line) => line.startsWith('(made'))) {
          expect(facts.has(made), made).toBe(true);
        }
      }
      reopened.assertFact('(after the crash)');
      expect(reopened.ask('(after the crash)')).toBe(true);
      await reopened.close();
    } finally {
      await remove();
    }
  });
});
