import { emptyState } from '@omega/core';
import { spawnChild, tempDir } from '@omega/test-kit';
import { beforeAll, describe, expect, it } from 'vitest';
import { FilesystemSessionProvider } from '../src/filesystem.js';
import { assertSessionBuilt, fixture } from './helpers.js';

const WORKERS = 8;
const INCREMENTS = 25;

describe('FilesystemSessionProvider across processes', () => {
  beforeAll(assertSessionBuilt);

  it(`loses no update when ${WORKERS} processes compare-and-swap one session`, async () => {
    const { dir, remove } = await tempDir('omega-session-');
    try {
      const provider = new FilesystemSessionProvider({ root: dir });
      await provider.save('counter', { state: emptyState(), meta: { counter: 0 } }, { expectedVersion: 0 });

      const workers = Array.from({ length: WORKERS }, () =>
        spawnChild(fixture('cas-worker.mjs'), [dir, 'counter', String(INCREMENTS)]),
      );
      // Start barrier: no worker begins before all are up, so they really contend.
      for (const worker of workers) expect(await worker.nextLine()).toBe('ready');
      for (const worker of workers) worker.child.stdin.end('go\n');
      const exits = await Promise.all(workers.map((worker) => worker.exited));
      for (const exit of exits) expect(exit, exit.stderr).toMatchObject({ code: 0, signal: null });

      const reports = workers.map((worker) => {
        const report = JSON.parse(worker.lines.at(-1) ?? 'null') as { versions: number[]; conflicts: number };
        expect(report.versions).toHaveLength(INCREMENTS);
        return report;
      });
      for (const { versions } of reports) {
        for (let i = 1; i < versions.length; i++) expect(versions[i]).toBeGreaterThan(versions[i - 1]!);
      }
      const written = reports.flatMap((report) => report.versions).sort((a, b) => a - b);
      const total = WORKERS * INCREMENTS;
      // Versions 2..total+1, each written by exactly one process: distinct and without gaps.
      expect(written).toStrictEqual(Array.from({ length: total }, (_, i) => i + 2));
      expect(reports.reduce((sum, report) => sum + report.conflicts, 0)).toBeGreaterThan(0);

      expect((await provider.load('counter'))?.meta.counter).toBe(total);
      expect((await provider.info('counter'))?.version).toBe(total + 1);
      await provider.close();
    } finally {
      await remove();
    }
  });
});
