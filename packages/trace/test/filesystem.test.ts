import {
  appendFile,
  mkdir,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import { iterationRejectionOf, rejectionOf } from '@omega/core/testing';
import { tempDir, testWithTempDir } from '@omega/test-kit';
import { describe, expect, vi } from 'vitest';
import { describeTraceProvider } from '../src/conformance.js';
import { StreamingTraceProvider, type StreamingTraceProviderOptions } from '../src/filesystem.js';
import { countCalls, queryAll, stallWrites } from './helpers.js';

describeTraceProvider(
  'streaming',
  async () => {
    const { dir, remove } = await tempDir('omega-trace-');
    return { provider: new StreamingTraceProvider({ root: dir }), cleanup: remove };
  },
  { reopen: async (provider) => new StreamingTraceProvider({ root: provider.root }) },
);

const test = testWithTempDir('omega-trace-');

/** Opens providers over one root and closes them after the test. */
function opener(root: string) {
  const opened: StreamingTraceProvider[] = [];
  return {
    open(options: Omit<StreamingTraceProviderOptions, 'root'> = {}) {
      const provider = new StreamingTraceProvider({ root, ...options });
      opened.push(provider);
      return provider;
    },
    async closeAll() {
      for (const provider of opened.splice(0)) await provider.close();
    },
  };
}

const runFiles = async (root: string, runId: string) => (await readdir(join(root, 'traces', runId))).sort();

describe('StreamingTraceProvider: files', () => {
  test('writes <root>/traces/<run>/<writer>.000000.jsonl: a header line, then one event per line (0600 in 0700)', async ({
    dir,
  }) => {
    const { open, closeAll } = opener(dir);
    const provider = open();
    provider.record({ runId: 'layout', kind: 'k', at: 5, data: { n: 1 } });
    await provider.flush();
    const files = await runFiles(dir, 'layout');
    expect(files).toStrictEqual([`${provider.writer}.000000.jsonl`]);
    const file = join(dir, 'traces', 'layout', files[0] as string);
    const lines = (await readFile(file, 'utf8')).split('\n');
    expect(JSON.parse(lines[0] as string)).toStrictEqual({
      format: 'omega.trace',
      version: 1,
      runId: 'layout',
      writer: provider.writer,
      segment: 0,
    });
    // The run, the writer and the trace id derived from the run are the file's, not repeated per line.
    expect(JSON.parse(lines[1] as string)).toStrictEqual({ kind: 'k', at: 5, seq: 0, data: { n: 1 } });
    expect(lines[2]).toBe('');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'traces', 'layout'))).mode & 0o777).toBe(0o700);
    await closeAll();
  });

  test('reads past a torn last line (a write cut short), and reports a damaged line before it with its offset', async ({
    dir,
  }) => {
    const { open, closeAll } = opener(dir);
    const provider = open();
    for (let i = 0; i < 3; i++) provider.record({ runId: 'torn', kind: `k${i}`, at: i });
    await provider.flush();
    const [name] = await runFiles(dir, 'torn');
    const file = join(dir, 'traces', 'torn', name as string);
    await appendFile(file, '{"runId":"torn","kind":"half');
    expect((await queryAll(open(), { runId: 'torn' })).map((event) => event.kind)).toStrictEqual([
      'k0',
      'k1',
      'k2',
    ]);

    const text = await readFile(file, 'utf8');
    const second = text.indexOf('\n', text.indexOf('\n') + 1) + 1;
    await writeFile(file, `${text.slice(0, second)}{"runId":"torn","kind":7}\n${text.slice(second)}`);
    const error = await iterationRejectionOf(() => open().query({ runId: 'torn' }), 'CORRUPT_DATA');
    expect(error.details).toMatchObject({ kind: 'trace', file, offset: second, path: '$.kind' });
    await closeAll();
  });

  test('refuses a file of another format, a file of another run, and a symlinked run folder', async ({
    dir,
  }) => {
    const { open, closeAll } = opener(dir);
    const provider = open();
    provider.record({ runId: 'checked', kind: 'k' });
    await provider.flush();
    const [name] = await runFiles(dir, 'checked');
    const file = join(dir, 'traces', 'checked', name as string);
    const original = await readFile(file, 'utf8');

    await writeFile(file, original.replace('omega.trace', 'omega.other'));
    let error = await iterationRejectionOf(() => open().query(), 'CORRUPT_DATA');
    expect(error.details).toMatchObject({ file, offset: 0, path: '$.format' });

    await writeFile(file, original.replace('"runId":"checked"', '"runId":"other"'));
    error = await iterationRejectionOf(() => open().query(), 'CORRUPT_DATA');
    expect(error.details).toMatchObject({ file, path: '$.runId' });

    await writeFile(file, original);
    const folder = join(dir, 'traces', 'checked');
    await rename(folder, join(dir, 'elsewhere'));
    await symlink(join(dir, 'elsewhere'), folder);
    error = await iterationRejectionOf(() => open().query({ runId: 'checked' }), 'CORRUPT_DATA');
    expect(error.details).toMatchObject({ file: folder, reason: 'symlink' });
    await closeAll();
  });

  test('reports a root that is a file, and a trace folder that is a symlink, as typed errors naming them', async ({
    dir,
  }) => {
    const { open, closeAll } = opener(join(dir, 'root'));
    await writeFile(join(dir, 'root'), 'not a directory');
    const provider = open();
    provider.record({ runId: 'r', kind: 'k' });
    const error = await rejectionOf(() => provider.flush(), 'INVALID_ARGUMENT');
    expect(error.details.root).toBe(join(dir, 'root'));
    await rm(join(dir, 'root'));
    await mkdir(join(dir, 'root', 'elsewhere'), { recursive: true });
    await symlink(join(dir, 'root', 'elsewhere'), join(dir, 'root', 'traces'));
    const linked = await rejectionOf(() => provider.flush(), 'CORRUPT_DATA');
    expect(linked.details).toMatchObject({ file: join(dir, 'root', 'traces'), reason: 'symlink' });
    await rm(join(dir, 'root', 'traces'));
    await provider.flush();
    expect((await queryAll(provider)).length).toBe(1);
    await closeAll();
  });

  test('rotates a run to a new file past maxFileBytes, reading them all back in order', async ({ dir }) => {
    const { open, closeAll } = opener(dir);
    const provider = open({ maxFileBytes: 4096 });
    for (let i = 0; i < 200; i++) {
      provider.record({ runId: 'rotated', kind: 'k', step: i, data: 'x'.repeat(100) });
      if (i % 20 === 19) await provider.flush();
    }
    await provider.flush();
    const files = await runFiles(dir, 'rotated');
    expect(files.length).toBeGreaterThan(4);
    for (const name of files)
      expect((await stat(join(dir, 'traces', 'rotated', name))).size).toBeLessThan(4096 + 3000);
    const steps = (await queryAll(open(), { runId: 'rotated' })).map((event) => event.step);
    expect(steps).toStrictEqual(Array.from({ length: 200 }, (_, i) => i));
    await closeAll();
  });

  test('keeps maxTotalBytes at each new file, removing the oldest files of every run, never an open one', async ({
    dir,
  }) => {
    const { open, closeAll } = opener(dir);
    const old = open();
    old.record({ runId: 'old', kind: 'k', data: 'x'.repeat(3000) });
    await old.flush();
    await old.close();
    const oldFile = join(dir, 'traces', 'old', (await runFiles(dir, 'old'))[0] as string);
    await utimes(oldFile, new Date(1_000_000), new Date(1_000_000));
    const provider = open({ maxTotalBytes: 4096, maxFileBytes: 4096 });
    for (let i = 0; i < 3; i++) {
      provider.record({ runId: 'new', kind: 'k', data: 'y'.repeat(3000) });
      await provider.flush();
    }
    await expect(readdir(join(dir, 'traces', 'old'))).rejects.toMatchObject({ code: 'ENOENT' });
    // At the third file: the first went (the second, whole, and the third, empty, fit in 4096 bytes).
    expect((await runFiles(dir, 'new')).length).toBe(2);
    expect((await queryAll(open(), { runId: 'new' })).map((event) => event.seq)).toStrictEqual([1, 2]);
    await closeAll();
  });

  test('removes files older than maxAgeMs when it starts a new file', async ({ dir }) => {
    const { open, closeAll } = opener(dir);
    const first = open();
    first.record({ runId: 'aged', kind: 'k' });
    await first.flush();
    await first.close();
    const file = join(dir, 'traces', 'aged', (await runFiles(dir, 'aged'))[0] as string);
    const hourAgo = new Date(Date.now() - 3_600_000);
    await utimes(file, hourAgo, hourAgo);
    const provider = open({ maxAgeMs: 60_000 });
    provider.record({ runId: 'fresh', kind: 'k' });
    await provider.flush();
    expect((await queryAll(provider)).map((event) => event.runId)).toStrictEqual(['fresh']);
    await closeAll();
  });

  test('starts a new file when its open one was removed (a clear in another process)', async ({ dir }) => {
    const { open, closeAll } = opener(dir);
    const provider = open();
    provider.record({ runId: 'removed', kind: 'before' });
    await provider.flush();
    await open().clear('removed');
    provider.record({ runId: 'removed', kind: 'after' });
    await provider.flush();
    expect((await queryAll(open(), { runId: 'removed' })).map((event) => event.kind)).toStrictEqual([
      'after',
    ]);
    await closeAll();
  });

  test('merges the files of several writers of one run by (at, writer, seq)', async ({ dir }) => {
    const { open, closeAll } = opener(dir);
    const [a, b] = [open(), open()];
    for (let i = 0; i < 6; i++)
      (i % 2 === 0 ? a : b).record({ runId: 'shared', kind: `k${i}`, at: Math.floor(i / 2) });
    await Promise.all([a.flush(), b.flush()]);
    const read = await queryAll(open(), { runId: 'shared' });
    const first = a.writer < b.writer ? 'a' : 'b';
    const byWriter = read.map((event) => (event.writer === a.writer ? 'a' : 'b'));
    expect(byWriter).toStrictEqual(
      first === 'a' ? ['a', 'b', 'a', 'b', 'a', 'b'] : ['b', 'a', 'b', 'a', 'b', 'a'],
    );
    await closeAll();
  });
});

describe('StreamingTraceProvider: buffering', () => {
  test('starts a write once flushBytes are buffered: into an open file at once, a new file on the next tick', async ({
    dir,
  }) => {
    const { open, closeAll } = opener(dir);
    const provider = open({ flushBytes: 4096 });
    const writes = countCalls('writev');
    const record = (count: number) => {
      for (let i = 0; i < count; i++) provider.record({ runId: 'sized', kind: 'k', data: 'x'.repeat(1000) });
    };
    try {
      // Lines of about 1 KB: the fourth crosses 4096 bytes.
      record(3);
      expect(writes.count()).toBe(0);
      record(1);
      expect(writes.count()).toBe(0);
      await Promise.resolve();
      expect(writes.count()).toBe(1);
      await provider.flush();
      record(3);
      expect(writes.count()).toBe(1);
      record(1);
      expect(writes.count()).toBe(2);
    } finally {
      writes.restore();
    }
    await closeAll();
  });

  test('writes what is buffered every flushIntervalMs, from a timer that does not hold the process', async ({
    dir,
  }) => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { open, closeAll } = opener(dir);
    try {
      const provider = open({ flushIntervalMs: 500 });
      provider.record({ runId: 'timed', kind: 'k' });
      expect(provider.stats().written).toBe(0);
      await vi.advanceTimersByTimeAsync(500);
      await vi.waitFor(() => expect(provider.stats().written).toBe(1));
      expect((await queryAll(open(), { runId: 'timed' })).length).toBe(1);
    } finally {
      vi.useRealTimers();
      await closeAll();
    }
  });

  test('fsyncs each flush when durable, and never when not', async ({ dir }) => {
    const { open, closeAll } = opener(dir);
    const syncs = countCalls('fdatasync');
    try {
      const durable = open({ durable: true });
      durable.record({ runId: 'synced', kind: 'k' });
      await durable.flush();
      expect(syncs.count()).toBe(1);
      const fast = open();
      fast.record({ runId: 'synced', kind: 'k' });
      await fast.flush();
      expect(syncs.count()).toBe(1);
    } finally {
      syncs.restore();
    }
    await closeAll();
  });

  test('with the disk stalled, drops past maxBufferBytes, counts them, and writes one trace.dropped per run', async ({
    dir,
  }) => {
    const { open, closeAll } = opener(dir);
    const provider = open({ maxBufferBytes: 64 * 1024, flushBytes: 16 * 1024 });
    const stall = stallWrites();
    let recorded = 0;
    try {
      const record = (count: number) => {
        for (let i = 0; i < count; i++) {
          provider.record({
            runId: recorded % 2 ? 'odd' : 'even',
            kind: 'k',
            step: recorded,
            data: 'x'.repeat(100),
          });
          recorded++;
          expect(provider.stats().bufferedBytes).toBeLessThanOrEqual(64 * 1024);
        }
      };
      record(200);
      await vi.waitFor(() => expect(stall.stalled()).toBeGreaterThan(0));
      record(1800);
    } finally {
      stall.release();
    }
    await provider.flush();
    const stats = provider.stats();
    expect(stats.dropped).toBeGreaterThan(0);
    expect(stats).toMatchObject({ recorded, written: recorded - stats.dropped, bufferedBytes: 0 });
    const events = await queryAll(open());
    const markers = events.filter((event) => event.kind === 'trace.dropped');
    expect(markers.map((event) => event.runId).sort()).toStrictEqual(['even', 'odd']);
    const counted = markers.reduce((sum, event) => sum + (event.data as { count: number }).count, 0);
    expect(counted).toBe(stats.dropped);
    expect(events.length - markers.length).toBe(recorded - stats.dropped);
    expect(markers.every((event) => event.level === 'warn')).toBe(true);
    await closeAll();
  });

  test('the exit hook writes, synchronously, a stalled write and what is buffered; the stalled write then changes nothing', async ({
    dir,
  }) => {
    const { open, closeAll } = opener(dir);
    const provider = open();
    const stall = stallWrites();
    let flushed: Promise<void> = Promise.resolve();
    try {
      for (let i = 0; i < 10; i++) provider.record({ runId: 'exit', kind: 'k', step: i });
      flushed = provider.flush();
      await vi.waitFor(() => expect(stall.stalled()).toBe(1));
      for (let i = 10; i < 20; i++) provider.record({ runId: 'exit', kind: 'k', step: i });
      // Only the hook's own listener: the test worker's other beforeExit listeners (vitest's) end the worker.
      const hook = process.listeners('beforeExit').find((listener) => listener.name === 'onExit');
      expect(hook).toBeDefined();
      hook?.(0);
      expect(provider.stats()).toMatchObject({ written: 20, bufferedBytes: 0 });
      const steps = (await queryAll(open(), { runId: 'exit' })).map((event) => event.step);
      expect(steps).toStrictEqual(Array.from({ length: 20 }, (_, i) => i));
    } finally {
      stall.release();
    }
    await flushed;
    await provider.flush();
    expect(provider.stats().written).toBe(20);
    expect((await queryAll(open(), { runId: 'exit' })).length).toBe(20);
    await closeAll();
  });

  test('a failed write leaves no torn line and is written by the next flush, once', async ({ dir }) => {
    const { open, closeAll } = opener(dir);
    const provider = open();
    provider.record({ runId: 'retried', kind: 'first' });
    await provider.flush();
    const table = (await import('@omega/core/fs')).io as unknown as Record<
      string,
      (...a: unknown[]) => unknown
    >;
    const writev = table.writev as (...a: unknown[]) => Promise<{ bytesWritten: number }>;
    // Half of the bytes land, then the device fails.
    let calls = 0;
    table.writev = async (fd, buffers, position) => {
      calls++;
      if (calls > 1) throw Object.assign(new Error('injected'), { code: 'EIO', syscall: 'writev' });
      const [first] = buffers as Buffer[];
      return writev(fd, [(first as Buffer).subarray(0, 10)], position);
    };
    try {
      provider.record({ runId: 'retried', kind: 'second' });
      const error = await rejectionOf(() => provider.flush(), 'STORAGE_FAILURE');
      expect(error.details).toMatchObject({
        kind: 'trace',
        name: 'retried',
        operation: 'flush',
        errno: 'EIO',
      });
      expect((await queryAll(open(), { runId: 'retried' })).map((event) => event.kind)).toStrictEqual([
        'first',
      ]);
    } finally {
      table.writev = writev;
    }
    await provider.flush();
    expect((await queryAll(open(), { runId: 'retried' })).map((event) => event.kind)).toStrictEqual([
      'first',
      'second',
    ]);
    await closeAll();
  });
});
