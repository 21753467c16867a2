import { readdir, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { State } from '@omega/core';
import { assertSameValue, valueDifference } from '@omega/core/testing';
import { assertBuilt, createTempDir, removeTempDir, spawnChild } from '@omega/test-kit';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FilesystemStateProvider } from '../src/filesystem.js';
import { writerState } from './fixtures/writer-state.mjs';

// The child imports the built package (`@omega/state/filesystem`), as every family's slow-test children do.
const SAVE_LOOP = fileURLToPath(new URL('./fixtures/save-loop.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../dist/filesystem.js', import.meta.url));

describe('FilesystemStateProvider', () => {
  beforeAll(() => assertBuilt(DIST));
  let dir = '';
  let root = '';

  beforeEach(async () => {
    dir = await realpath(await createTempDir('omega-state-fs-'));
    root = join(dir, 'root');
  });

  afterEach(async () => {
    await removeTempDir(dir);
  });

  describe('several processes', () => {
    async function runSaveLoop(id: string, writer: string, count: number): Promise<void> {
      const child = spawnChild(SAVE_LOOP, [root, id, writer, String(count)]);
      child.child.stdin.end();
      const exit = await child.exited;
      if (exit.code !== 0)
        throw new Error(`writer ${writer} exited with ${exit.code ?? exit.signal}: ${exit.stderr}`);
    }

    function expectWrittenState(state: State | null): void {
      if (state === null) throw new Error('expected a written state, found none');
      const { writer, i } = state.control as { writer: string; i: number };
      assertSameValue(state, writerState(writer, i));
    }

    it('two processes saving one id concurrently never leave a torn or unreadable file', async () => {
      const count = 25;
      let running = true;
      const writers = Promise.all([
        runSaveLoop('shared', 'A', count),
        runSaveLoop('shared', 'B', count),
      ]).finally(() => {
        running = false;
      });
      const reader = new FilesystemStateProvider({ root });
      // Reads race the writers on purpose: every read must see nothing yet or one whole state.
      while (running) {
        const loaded = await reader.loadState('shared');
        if (loaded !== null) expectWrittenState(loaded);
      }
      await writers;
      const final = await reader.loadState('shared');
      expectWrittenState(final);
      const lasts = [writerState('A', count - 1), writerState('B', count - 1)];
      expect(lasts.some((last) => valueDifference(final, last) === null)).toBe(true);
      expect((await readdir(join(root, 'state'))).filter((entry) => entry.endsWith('.tmp'))).toStrictEqual(
        [],
      );
    });
  });
});
