import { fileURLToPath } from 'node:url';
import { SessionFront } from '@omega/session/front';
import { assertBuilt, spawnChild } from '@omega/test-kit';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { freshStore, postgresUrl } from './server.js';

const SAVER = fileURLToPath(new URL('./fixtures/session-saver.mjs', import.meta.url));
const PROCESSES = 8;
const SAVES = 500;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

beforeAll(() => assertBuilt(fileURLToPath(new URL('../dist/index.js', import.meta.url))));

it(`${PROCESSES} processes × ${SAVES} compare-and-swap session saves: no lost update, every version once`, async () => {
  const { store, schema, remove } = await freshStore();
  cleanups.push(remove, () => store.close());
  const children = Array.from({ length: PROCESSES }, (_, i) =>
    spawnChild(SAVER, [postgresUrl(), schema, 'shared', String(SAVES), `p${i}`]),
  );
  const reports = await Promise.all(
    children.map(async (child) => {
      const line = await child.nextLine();
      const { code, stderr } = await child.exited;
      expect(code, stderr).toBe(0);
      return JSON.parse(line) as { written: number[]; conflicts: number };
    }),
  );
  const versions = reports.flatMap((report) => report.written).sort((a, b) => a - b);
  const total = PROCESSES * SAVES;
  expect(versions).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  const sessions = new SessionFront(store);
  expect((await sessions.info('shared'))?.version).toBe(total);
  expect((await sessions.load('shared'))?.meta.count).toBe(total);
  // The processes did race: a test where none ever conflicted would prove nothing about compare-and-swap.
  expect(reports.reduce((sum, report) => sum + report.conflicts, 0)).toBeGreaterThan(0);
}, 180_000);
