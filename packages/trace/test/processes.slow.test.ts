import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { mulberry32 } from '@omega/core/testing';
import { type ChildProcessLines, spawnChild, tempDir } from '@omega/test-kit';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { StreamingTraceProvider } from '../src/filesystem.js';
import type { TraceEvent } from '../src/index.js';
import { assertTraceBuilt, fixture, queryAll } from './helpers.js';

async function readRun(root: string, runId: string): Promise<TraceEvent[]> {
  const reader = new StreamingTraceProvider({ root });
  try {
    return await queryAll(reader, { runId });
  } finally {
    await reader.close();
  }
}

/** Bytes of the files in `folder` (0 before it exists). */
async function bytesOf(folder: string): Promise<number> {
  const names = await readdir(folder).catch(() => []);
  let total = 0;
  for (const name of names) total += (await stat(join(folder, name)).catch(() => ({ size: 0 }))).size;
  return total;
}

/** Each writer's sequence numbers, which must be 0, 1, 2, ... with no gap (nothing lost, nothing twice). */
function assertContiguous(events: readonly TraceEvent[]): Map<string, number> {
  const byWriter = new Map<string, number[]>();
  for (const event of events) byWriter.set(event.writer, [...(byWriter.get(event.writer) ?? []), event.seq]);
  const counts = new Map<string, number>();
  for (const [writer, seqs] of byWriter) {
    seqs.sort((a, b) => a - b);
    expect(seqs, `writer ${writer}`).toStrictEqual(Array.from({ length: seqs.length }, (_, i) => i));
    counts.set(writer, seqs.length);
  }
  return counts;
}

describe('StreamingTraceProvider across processes', () => {
  beforeAll(assertTraceBuilt);

  for (const mode of ['exit', 'end', 'throw', 'reject']) {
    const how = {
      exit: 'calls process.exit(0)',
      end: 'lets the event loop run dry',
      throw: 'dies of an uncaught exception',
      reject: 'dies of an unhandled rejection',
    }[mode];
    it(`keeps all 10,000 events of a child that records them and ${how}, never flushing`, async () => {
      const { dir, remove } = await tempDir('omega-trace-exit-');
      try {
        const child = spawnChild(fixture('exit-writer.mjs'), [dir, mode, '10000']);
        const { code } = await child.exited;
        expect(code).toBe(mode === 'exit' || mode === 'end' ? 0 : 1);
        const events = await readRun(dir, 'exit');
        expect(events.length).toBe(10_000);
        expect(events.map((event) => event.step)).toStrictEqual(Array.from({ length: 10_000 }, (_, i) => i));
        assertContiguous(events);
      } finally {
        await remove();
      }
    });
  }

  it('four processes tracing one run at once lose and tear nothing', async () => {
    const { dir, remove } = await tempDir('omega-trace-shared-');
    const count = 5000;
    try {
      const children = ['a', 'b', 'c', 'd'].map((tag) =>
        spawnChild(fixture('shared-writer.mjs'), [dir, String(count), tag]),
      );
      for (const child of children) expect(await child.nextLine()).toBe('ready');
      for (const child of children) child.child.stdin.end('go\n');
      for (const child of children) expect(await child.nextLine()).toBe('done');
      for (const child of children) expect((await child.exited).code).toBe(0);
      const events = await readRun(dir, 'shared');
      expect(events.length).toBe(4 * count);
      const counts = assertContiguous(events);
      expect([...counts.values()]).toStrictEqual([count, count, count, count]);
      for (const tag of ['a', 'b', 'c', 'd']) {
        const steps = events.filter((event) => event.name === tag).map((event) => event.step);
        expect(steps).toStrictEqual(Array.from({ length: count }, (_, i) => i));
      }
    } finally {
      await remove();
    }
  });

  it('kill -9 loses at most what the last flush interval held: what was recorded reaches the disk unflushed', async () => {
    const { dir, remove } = await tempDir('omega-trace-killed-');
    const child = spawnChild(fixture('killed-writer.mjs'), [dir, 'bursts', '500', '50']);
    try {
      expect(await child.nextLine()).toBe('ready');
      for (let burst = 1; burst <= 3; burst++) {
        child.child.stdin.write('go\n');
        expect(await child.nextLine()).toBe(`recorded ${burst * 500}`);
        // The interval timer writes it: polled, never waited for by time.
        await vi.waitFor(async () => expect((await readRun(dir, 'killed')).length).toBe(burst * 500), {
          timeout: 20_000,
          interval: 20,
        });
      }
      child.child.kill('SIGKILL');
      expect((await child.exited).signal).toBe('SIGKILL');
      const events = await readRun(dir, 'killed');
      expect(events.length).toBe(1500);
      assertContiguous(events);
    } finally {
      child.child.kill('SIGKILL');
      await remove();
    }
  });

  // Five writers of ~3 MB each, one after another: on a machine busy with the other slow suites (CI runs
  // them side by side on 2 cores) a writer can take far longer than a quiet one, and only what lands on
  // disk is checked, never how fast, so the limits are generous.
  it('kill -9 at random moments while recording leaves every file readable, each writer a gapless prefix', {
    timeout: 300_000,
  }, async () => {
    const random = mulberry32(7);
    const { dir, remove } = await tempDir('omega-trace-killed-');
    const children: ChildProcessLines[] = [];
    try {
      for (let round = 0; round < 5; round++) {
        const child = spawnChild(fixture('killed-writer.mjs'), [dir, 'stream', '20000', '5']);
        children.push(child);
        expect(await child.nextLine()).toBe('ready');
        const before = await bytesOf(join(dir, 'traces', 'killed'));
        // Killed once a seeded number of its bytes have landed (up to ~2.5 MB of its ~3 MB): mid-write or not.
        const target = before + 1 + Math.floor(random() * 2_500_000);
        await vi.waitFor(
          async () => expect(await bytesOf(join(dir, 'traces', 'killed'))).toBeGreaterThanOrEqual(target),
          {
            timeout: 60_000,
            interval: 2,
          },
        );
        child.child.kill('SIGKILL');
        await child.exited;
      }
      const counts = assertContiguous(await readRun(dir, 'killed'));
      expect(counts.size).toBe(5);
    } finally {
      for (const child of children) child.child.kill('SIGKILL');
      await remove();
    }
  });

  it('with the disk stalled, memory stays under maxBufferBytes + 1 MiB and dropped is exactly what was lost', async () => {
    const { dir, remove } = await tempDir('omega-trace-stalled-');
    const bound = 4 * 1024 * 1024;
    const count = 200_000;
    try {
      const child = spawnChild(fixture('stalled-writer.mjs'), [dir, String(count), String(bound)], {
        nodeArgs: ['--expose-gc'],
      });
      const stalled = JSON.parse(await child.nextLine());
      const final = JSON.parse(await child.nextLine());
      expect((await child.exited).code).toBe(0);
      expect(stalled.stalled).toBeGreaterThan(0);
      expect(stalled.growth).toBeLessThan(bound + 1024 * 1024);
      expect(stalled.stats.bufferedBytes).toBeLessThanOrEqual(bound);
      expect(stalled.stats.dropped).toBeGreaterThan(count / 2);
      expect(final).toMatchObject({ recorded: count, dropped: stalled.stats.dropped, bufferedBytes: 0 });
      expect(final.written).toBe(count - final.dropped);
      const events = [...(await readRun(dir, 'stall-a')), ...(await readRun(dir, 'stall-b'))];
      const markers = events.filter((event) => event.kind === 'trace.dropped');
      expect(markers.length).toBe(2);
      expect(markers.reduce((sum, event) => sum + (event.data as { count: number }).count, 0)).toBe(
        final.dropped,
      );
      expect(events.length - markers.length).toBe(count - final.dropped);
    } finally {
      await remove();
    }
  });
});
