import { fileURLToPath } from 'node:url';
import { mulberry32 } from '@omega/core/testing';
import { assertBuilt, type ChildProcessLines, spawnChild, testWithTempDir } from '@omega/test-kit';
import { beforeAll, describe, expect } from 'vitest';
import { collectChunks } from '../src/conformance.js';
import { FilesystemStreamProvider } from '../src/filesystem.js';

const test = testWithTempDir('omega-stream-');

const WRITER = fileURLToPath(new URL('./fixtures/stream-writer.mjs', import.meta.url));
const FOLLOWER = fileURLToPath(new URL('./fixtures/stream-follower.mjs', import.meta.url));
/** The built entry the children import. */
const DIST = fileURLToPath(new URL('../dist/filesystem.js', import.meta.url));

const ACK = /^ack (\d+)$/;

/** Reads a writer's lines until it acknowledged chunk `index`: the last index it acknowledged. */
async function awaitAck(child: ChildProcessLines, index: number): Promise<number> {
  for (;;) {
    const line = await child.nextLine();
    const match = ACK.exec(line);
    if (match !== null && Number(match[1]) >= index) return Number(match[1]);
  }
}

describe('FilesystemStreamProvider across processes', () => {
  // The children import the built package.
  beforeAll(() => assertBuilt(DIST));

  const CHUNKS = 120;

  test('a follower in another process gets every chunk once, in order, across writers killed and restarted', {
    timeout: 60_000,
  }, async ({ dir }) => {
    const random = mulberry32(17);
    const provider = new FilesystemStreamProvider({ root: dir });
    await provider.create('s', { model: 'omega-small' });
    const follower = spawnChild(FOLLOWER, [dir, 's']);
    const writers: ChildProcessLines[] = [];
    try {
      expect(await follower.nextLine()).toBe('ready');
      // Two writers killed at seeded points, each after some acknowledged chunks, then one that ends.
      for (const limit of [CHUNKS / 3, (2 * CHUNKS) / 3]) {
        const writer = spawnChild(WRITER, [dir, 's', String(CHUNKS)]);
        writers.push(writer);
        const resumed = Number((await writer.nextLine()).split(' ')[1]);
        const killAt = resumed + Math.floor(random() * (limit - resumed));
        // Work past the kill point, so the kill lands while the writer appends.
        writer.child.stdin.write(`go ${killAt + 5}\n`);
        const acked = await awaitAck(writer, killAt);
        writer.child.kill('SIGKILL');
        expect((await writer.exited).signal).toBe('SIGKILL');
        // Every acknowledged chunk is readable, and the stream is still open, endable by a successor.
        const info = await provider.info('s');
        expect(info).toMatchObject({ status: 'open' });
        expect(info?.chunks).toBeGreaterThan(acked);
        const stored = await collectChunks(provider, 's');
        expect(stored.map(({ chunk }) => (chunk as { i: number }).i)).toEqual(
          stored.map(({ index }) => index),
        );
      }
      const last = spawnChild(WRITER, [dir, 's', String(CHUNKS)]);
      writers.push(last);
      last.child.stdin.write(`go ${CHUNKS}\n`);
      expect(await last.exited).toMatchObject({ code: 0, signal: null });
      expect(last.lines.at(-1)).toBe('done');
      expect(await follower.exited).toMatchObject({ code: 0, signal: null });
      expect(await provider.info('s')).toMatchObject({ status: 'done', chunks: CHUNKS });
    } finally {
      for (const child of [follower, ...writers]) child.child.kill('SIGKILL');
      await provider.close();
    }
    const expected = Array.from({ length: CHUNKS }, (_, i) => `chunk ${i} ${i}`);
    expect(follower.lines).toEqual(['ready', ...expected, 'done']);
  });
});
