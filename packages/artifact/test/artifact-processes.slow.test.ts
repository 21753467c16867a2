import { fileURLToPath } from 'node:url';
import { assertBuilt, spawnChild, tempDir } from '@omega/test-kit';
import { beforeAll, describe, expect, it } from 'vitest';
import { FilesystemArtifactProvider } from '../src/filesystem.js';

const PROCESSES = 6;
const STEPS = 400;

const fixture = (file: string) => fileURLToPath(new URL(`./fixtures/${file}`, import.meta.url));

describe('FilesystemArtifactProvider across processes', () => {
  beforeAll(() => assertBuilt(fileURLToPath(new URL('../dist/filesystem.js', import.meta.url))));

  it(`never returns a wrong value: ${PROCESSES} processes × ${STEPS} puts, gets, prunes and damaged blobs`, async () => {
    const { dir, remove } = await tempDir('omega-artifact-');
    try {
      const children = Array.from({ length: PROCESSES }, (_, index) =>
        spawnChild(fixture('cache-hammer.mjs'), [dir, String(index), String(STEPS)]),
      );
      // Start barrier: no process begins before all are up, so they contend from the first step.
      for (const child of children) expect(await child.nextLine()).toBe('ready');
      for (const child of children) child.child.stdin.end('go\n');
      const exits = await Promise.all(children.map((child) => child.exited));
      for (const exit of exits) expect(exit, exit.stderr).toMatchObject({ code: 0, signal: null });

      const seen = children.map((child) => JSON.parse(child.lines[1]!));
      for (const { wrong } of seen) expect(wrong).toStrictEqual([]);
      const sum = (field: string) => seen.reduce((total, line) => total + line[field], 0);
      // The run really exercised what it claims: hits, misses, damaged blobs and prunes all happened.
      expect(sum('hits')).toBeGreaterThan(0);
      expect(sum('misses')).toBeGreaterThan(0);
      expect(sum('altered')).toBeGreaterThan(0);
      expect(sum('deleted')).toBeGreaterThan(0);
      expect(sum('prunes')).toBeGreaterThan(0);

      // What is left is a consistent cache: within its capacity after a prune, every entry readable or a miss.
      const cache = new FilesystemArtifactProvider({ root: dir, capacity: 30 });
      cache.prune();
      expect(cache.stats().count).toBeLessThanOrEqual(30);
      await cache.close();
    } finally {
      await remove();
    }
  });
});
