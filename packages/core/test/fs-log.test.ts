import { lstat, mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { tempDir, testWithTempDir } from '@omega/test-kit';
import * as vitest from 'vitest';
import { describe, expect } from 'vitest';
import { z } from 'zod';
import { io } from '../src/fs/io.js';
import { FilesystemLogBackend } from '../src/fs/log.js';
import { type LogEntryInput, logSpec } from '../src/log.js';
import {
  assertOptionsRefused,
  BAD_FILESYSTEM_OPTIONS,
  type ContractEntryHeader,
  describeLogBackend,
  LOG_CONTRACT_SPEC,
  mulberry32,
  rejectionOf,
  runWithFault,
  thrownBy,
} from '../src/testing.js';

const test = testWithTempDir('omega-fs-log-');

// The published contract, durable and not: "reopen" is a second backend over the same root.
for (const durable of [true, false]) {
  const roots = new WeakMap<object, string>();
  describeLogBackend(
    vitest,
    `FilesystemLogBackend${durable ? '' : ' (durable: false)'}`,
    async () => {
      const { dir, remove } = await tempDir('omega-fs-log-contract-');
      const log = new FilesystemLogBackend(LOG_CONTRACT_SPEC, { root: dir, durable });
      roots.set(log, dir);
      return { port: log, cleanup: remove };
    },
    {
      reopen: async (port) => {
        const again = new FilesystemLogBackend(LOG_CONTRACT_SPEC, { root: roots.get(port)!, durable });
        roots.set(again, roots.get(port)!);
        return again;
      },
    },
  );
}

const SPEC = logSpec({ kind: 'event', folder: 'events', header: z.object({ n: z.number() }) });
type Header = { n: number };
const entry = (n: number, body = `"entry ${n}"`): LogEntryInput<Header> => ({ header: { n }, body });
const entries = (first: number, count: number) => Array.from({ length: count }, (_, i) => entry(first + i));

function logFile(dir: string, log = 'a'): string {
  return join(dir, 'events', `${log}.log`);
}

/** The log file's lines, without the final newline. */
async function lines(dir: string, log = 'a'): Promise<string[]> {
  const text = await readFile(logFile(dir, log), 'utf8');
  return text.split('\n').slice(0, -1);
}

/** A line as a writer writes it, with a correct checksum, from its fields. */
function lineOf(fields: Record<string, unknown>): string {
  const json = JSON.stringify(fields);
  const checked = json.slice(0, -1);
  return `${checked},"c":"${crc32(checked).toString(16).padStart(8, '0')}"}`;
}

/** The fields of a line, checksum left out. */
function fieldsOf(line: string): Record<string, unknown> {
  const { c: _c, ...fields } = JSON.parse(line) as Record<string, unknown>;
  return fields;
}

async function writeLines(dir: string, all: string[], tail = ''): Promise<void> {
  await writeFile(logFile(dir), `${all.map((line) => `${line}\n`).join('')}${tail}`);
}

/** Byte offset of line `index` of `all`. */
function offsetOf(all: string[], index: number): number {
  return all.slice(0, index).reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
}

/** Counts the bytes the toolkit reads while `fn` runs. */
async function bytesReadBy(fn: () => Promise<unknown>): Promise<number> {
  const { readSync, read } = io;
  let bytes = 0;
  io.readSync = ((...args: Parameters<typeof readSync>) => {
    const n = readSync(...args);
    bytes += n;
    return n;
  }) as typeof readSync;
  io.read = (async (...args: Parameters<typeof read>) => {
    const result = await read(...args);
    bytes += result.bytesRead;
    return result;
  }) as typeof read;
  try {
    await fn();
  } finally {
    io.readSync = readSync;
    io.read = read;
  }
  return bytes;
}

describe('FilesystemLogBackend', () => {
  test('checks its options and spec at construction', ({ dir }) => {
    assertOptionsRefused(
      (options) => new FilesystemLogBackend(SPEC, { root: dir, ...options }),
      [...BAD_FILESYSTEM_OPTIONS],
    );
    thrownBy(
      () => new FilesystemLogBackend({ ...SPEC, formatVersion: 0 }, { root: dir }),
      'INVALID_ARGUMENT',
    );
    thrownBy(() => new FilesystemLogBackend({ ...SPEC, folder: '../up' }, { root: dir }), 'INVALID_NAME');
    expect(new FilesystemLogBackend(SPEC, { root: dir }).prevalidated).toBe(false);
  });

  test('one line per entry in <root>/<folder>/<log>.log, each naming its format, version and position', async ({
    dir,
  }) => {
    const log = new FilesystemLogBackend(SPEC, { root: dir });
    await log.append('a', entries(0, 2));
    await log.append('a', [entry(2, 'two\nlines "quoted" \uD800')]);
    const all = await lines(dir);
    expect(all).toHaveLength(3);
    expect(all.map(fieldsOf)).toEqual([
      { p: 0, e: 1, f: 'omega.event', v: 1, h: { n: 0 }, b: '"entry 0"' },
      { p: 1, e: 1, f: 'omega.event', v: 1, h: { n: 1 }, b: '"entry 1"' },
      { p: 2, e: 2, f: 'omega.event', v: 1, h: { n: 2 }, b: 'two\nlines "quoted" \uD800' },
    ]);
    expect((await stat(join(dir, 'events'))).mode & 0o777).toBe(0o700);
    expect((await stat(logFile(dir))).mode & 0o777).toBe(0o600);
    expect((await log.last('a'))?.body).toBe('two\nlines "quoted" \uD800');
    await log.close();
  });

  test('refuses a header its schema refuses, or one that is not a plain JSON object, before touching disk', async ({
    dir,
  }) => {
    const log = new FilesystemLogBackend(SPEC, { root: dir });
    const bad: unknown[] = [{ n: 'x' }, {}, null, [1], 'n', { n: 1n }];
    for (const header of bad) {
      const error = await rejectionOf(
        () => log.append('a', [{ header: header as Header, body: '""' }]),
        'INVALID_ARGUMENT',
      );
      expect(error.details).toMatchObject({ kind: 'event', name: 'a' });
    }
    // A header whose JSON form fails the schema (a NaN becomes null) is refused too.
    await rejectionOf(() => log.append('a', [{ header: { n: Number.NaN }, body: '""' }]), 'INVALID_ARGUMENT');
    expect(await readdir(dir)).toEqual([]);
    await log.close();
  });

  test('a torn final line is ignored by readers, and cut by the next append', async ({ dir }) => {
    const log = new FilesystemLogBackend(SPEC, { root: dir });
    await log.append('a', entries(0, 3));
    const whole = await lines(dir);
    const torn = lineOf({ p: 3, e: 3, f: 'omega.event', v: 1, h: { n: 3 }, b: 'lost' }).slice(0, 25);
    await writeLines(dir, whole, torn);
    const fresh = new FilesystemLogBackend(SPEC, { root: dir });
    expect(await fresh.size('a')).toBe(3);
    expect((await fresh.read('a')).map((e) => e.header.n)).toEqual([0, 1, 2]);
    expect((await fresh.last('a'))?.position).toBe(2);
    expect(await fresh.append('a', [entry(3)])).toBe(3);
    const after = await lines(dir);
    expect(after.slice(0, 3)).toEqual(whole);
    expect(fieldsOf(after[3]!)).toMatchObject({ p: 3, h: { n: 3 } });
    expect((await readFile(logFile(dir), 'utf8')).endsWith('\n')).toBe(true);
    expect(await log.size('a')).toBe(4);
    await log.close();
    await fresh.close();
  });

  test('a reader that saw a torn tail sees the entry a writer put in its place, even of the same length', async ({
    dir,
  }) => {
    const writer = new FilesystemLogBackend(SPEC, { root: dir });
    await writer.append('a', entries(0, 3));
    const next = lineOf({ p: 3, e: 3, f: 'omega.event', v: 1, h: { n: 3 }, b: '"entry 3"' });
    await writeLines(dir, await lines(dir), 'x'.repeat(Buffer.byteLength(next) + 1));
    const reader = new FilesystemLogBackend(SPEC, { root: dir });
    expect(await reader.size('a')).toBe(3);
    const size = (await stat(logFile(dir))).size;
    expect(await writer.append('a', [entry(3)])).toBe(3);
    expect((await stat(logFile(dir))).size).toBe(size);
    expect(await reader.size('a')).toBe(4);
    expect((await reader.last('a'))?.header).toEqual({ n: 3 });
    await writer.close();
    await reader.close();
  });

  test('the complete lines of a group whose last line is missing are the torn tail too', async ({ dir }) => {
    const log = new FilesystemLogBackend(SPEC, { root: dir });
    await log.append('a', entries(0, 1));
    const whole = await lines(dir);
    // A write of three entries that stopped after two of them.
    const partial = [3, 4].map((_, i) =>
      lineOf({ p: 1 + i, e: 3, f: 'omega.event', v: 1, h: { n: 9 }, b: 'unacknowledged' }),
    );
    await writeLines(dir, [...whole, ...partial]);
    const fresh = new FilesystemLogBackend(SPEC, { root: dir });
    expect(await fresh.size('a')).toBe(1);
    expect(await fresh.logs()).toEqual(['a']);
    expect(await fresh.append('a', [entry(1)], { expectedSize: 1 })).toBe(1);
    expect((await fresh.read('a')).map((e) => e.header.n)).toEqual([0, 1]);
    expect(await lines(dir)).toHaveLength(2);
    await log.close();
    await fresh.close();
  });

  describe('a write that fails after storing part of its group', () => {
    // The first write stores half its bytes, the next one fails: a device filling up midway.
    async function failingMidway(fn: () => Promise<unknown>, cutFails: boolean): Promise<unknown> {
      const { writevSync, ftruncateSync } = io;
      let writes = 0;
      io.writevSync = ((fd: number, buffers: NodeJS.ArrayBufferView[]) => {
        if (++writes > 1) throw Object.assign(new Error('ENOSPC: injected'), { code: 'ENOSPC' });
        const first = buffers[0] as Buffer;
        return writevSync(fd, [first.subarray(0, first.length >> 1)]);
      }) as typeof writevSync;
      if (cutFails) {
        io.ftruncateSync = (() => {
          throw Object.assign(new Error('EIO: injected'), { code: 'EIO' });
        }) as typeof ftruncateSync;
      }
      try {
        return await rejectionOf(fn, 'STORAGE_FAILURE');
      } finally {
        io.writevSync = writevSync;
        io.ftruncateSync = ftruncateSync;
      }
    }

    for (const cutFails of [false, true]) {
      test(
        cutFails ? 'when cutting it fails too, it is a torn tail' : 'is cut off again',
        async ({ dir }) => {
          const log = new FilesystemLogBackend(SPEC, { root: dir });
          await log.append('a', entries(0, 2));
          const before = await readFile(logFile(dir), 'utf8');
          const error = await failingMidway(() => log.append('a', entries(2, 4)), cutFails);
          expect(error).toMatchObject({ details: { errno: 'ENOSPC', name: 'a', operation: 'append' } });
          const after = await readFile(logFile(dir), 'utf8');
          if (cutFails) expect(after.startsWith(before) && after.length > before.length).toBe(true);
          else expect(after).toBe(before);
          const fresh = new FilesystemLogBackend(SPEC, { root: dir });
          for (const port of [log, fresh]) {
            expect(await port.size('a')).toBe(2);
            expect((await port.read('a')).map((e) => e.header.n)).toEqual([0, 1]);
          }
          expect(await fresh.append('a', entries(2, 1))).toBe(2);
          // The torn part is gone: the file is what it was and the one new line.
          const now = await readFile(logFile(dir), 'utf8');
          expect([now.startsWith(before), now.slice(before.length).split('\n').length]).toEqual([true, 2]);
          await log.close();
          await fresh.close();
        },
      );
    }
  });

  test('a log holding only a torn tail is empty, and not listed', async ({ dir }) => {
    const log = new FilesystemLogBackend(SPEC, { root: dir });
    await log.directory();
    await writeFile(logFile(dir), lineOf({ p: 0, e: 1, f: 'omega.event', v: 1, h: { n: 0 }, b: '' }));
    expect(await log.size('a')).toBe(0);
    expect(await log.read('a')).toEqual([]);
    expect(await log.logs()).toEqual([]);
    await log.close();
  });

  describe('damage before the tail is a CorruptDataError naming the file and offset, never skipped', () => {
    const cases: Array<[string, (line: string, index: number) => string]> = [
      // Still valid JSON, with the checksum of the line before the change.
      ['a changed body', (line) => line.replace('entry 2', 'entry X')],
      ['a changed checksum', (line) => line.replace(/"c":"[0-9a-f]{8}"/, '"c":"00000000"')],
      ['a line at the wrong position', (line) => lineOf({ ...fieldsOf(line), p: 7, e: 7 })],
      ['a line missing', () => ''],
      ['garbage', () => 'not json at all'],
      ['a group ending before it starts', (line) => lineOf({ ...fieldsOf(line), e: 1 })],
    ];
    for (const [title, damage] of cases) {
      test(title, async ({ dir }) => {
        const log = new FilesystemLogBackend(SPEC, { root: dir });
        await log.append('a', entries(0, 2));
        await log.append('a', entries(2, 1));
        await log.append('a', entries(3, 2));
        const all = await lines(dir);
        const damaged = all.flatMap((line, i) => (i === 2 ? [damage(line, i)].filter(Boolean) : [line]));
        await writeLines(dir, damaged);
        const fresh = new FilesystemLogBackend(SPEC, { root: dir });
        for (const call of [() => fresh.size('a'), () => fresh.read('a'), () => fresh.last('a')]) {
          const error = await rejectionOf(call, 'CORRUPT_DATA');
          expect(error.details).toMatchObject({ file: logFile(dir), offset: offsetOf(all, 2), position: 2 });
        }
        await rejectionOf(() => fresh.append('a', [entry(5)]), 'CORRUPT_DATA');
        // The port that wrote the log finds the damage too once the file changed under it.
        await rejectionOf(() => log.read('a', { from: 2 }), 'CORRUPT_DATA');
        await log.close();
        await fresh.close();
      });
    }

    test('a valid line of a newer format version, or of another format', async ({ dir }) => {
      const log = new FilesystemLogBackend(SPEC, { root: dir });
      await log.append('a', entries(0, 2));
      const all = await lines(dir);
      for (const change of [{ v: 2 }, { f: 'omega.other' }, { h: { n: 'x' } }, { b: 1 }, { v: 0 }]) {
        await writeLines(dir, [all[0]!, lineOf({ ...fieldsOf(all[1]!), ...change })]);
        const fresh = new FilesystemLogBackend(SPEC, { root: dir });
        expect(await fresh.size('a')).toBe(2);
        expect((await fresh.read('a', { limit: 1 }))[0]?.header).toEqual({ n: 0 });
        const error = await rejectionOf(() => fresh.read('a'), 'CORRUPT_DATA');
        expect(error.details).toMatchObject({ file: logFile(dir), offset: offsetOf(all, 1), position: 1 });
        await rejectionOf(() => fresh.last('a'), 'CORRUPT_DATA');
        await fresh.close();
      }
      // Older versions are read, and report theirs.
      const v1 = new FilesystemLogBackend({ ...SPEC, formatVersion: 3 }, { root: dir });
      await writeLines(dir, all);
      expect((await v1.read('a')).map((e) => e.formatVersion)).toEqual([1, 1]);
      await v1.close();
      await log.close();
    });
  });

  test('a new port over the same root reads everything, across many index strides', async ({ dir }) => {
    const random = mulberry32(11);
    const log = new FilesystemLogBackend(SPEC, { root: dir, durable: false });
    let size = 0;
    while (size < 2000) {
      const count = 1 + Math.floor(random() * 20);
      expect(await log.append('a', entries(size, count))).toBe(size);
      size += count;
    }
    for (const port of [log, new FilesystemLogBackend(SPEC, { root: dir })]) {
      expect(await port.size('a')).toBe(size);
      for (let i = 0; i < 20; i++) {
        const from = Math.floor(random() * (size + 10));
        const limit = 1 + Math.floor(random() * 600);
        const page = await port.read('a', { from, limit });
        const expected = Array.from(
          { length: Math.max(0, Math.min(limit, size - from)) },
          (_, k) => from + k,
        );
        expect(page.map((e) => e.position)).toEqual(expected);
        expect(page.map((e) => e.header.n)).toEqual(expected);
      }
      expect((await port.last('a'))?.position).toBe(size - 1);
      await port.close();
    }
  });

  test('a read from a high position reads only what it returns; an unchanged size reads nothing', async ({
    dir,
  }) => {
    const log = new FilesystemLogBackend(SPEC, { root: dir, durable: false });
    const body = JSON.stringify('x'.repeat(150));
    for (let i = 0; i < 10_000; i += 500) {
      await log.append(
        'a',
        Array.from({ length: 500 }, (_, k) => entry(i + k, body)),
      );
    }
    const fileBytes = (await stat(logFile(dir))).size;
    expect(fileBytes).toBeGreaterThan(1_500_000);
    const fresh = new FilesystemLogBackend(SPEC, { root: dir });
    // The first look at the file checks it whole; later ones read only new bytes.
    expect(await bytesReadBy(() => fresh.size('a'))).toBeGreaterThanOrEqual(fileBytes);
    for (const port of [log, fresh]) {
      expect(await bytesReadBy(() => port.size('a'))).toBe(0);
      let page: Awaited<ReturnType<typeof port.read>> = [];
      const bytes = await bytesReadBy(async () => {
        page = await port.read('a', { from: 9_900, limit: 10 });
      });
      expect(page.map((e) => e.position)).toEqual(Array.from({ length: 10 }, (_, k) => 9_900 + k));
      // At most one index stride (256 lines of ~230 bytes) and a chunk of reading ahead.
      expect(bytes).toBeLessThan(128 * 1024);
      expect(await bytesReadBy(() => port.last('a'))).toBeLessThan(64 * 1024 + 1);
    }
    await log.append('a', entries(10_000, 1));
    expect(await bytesReadBy(() => fresh.size('a'))).toBeLessThan(1024);
    expect(await fresh.size('a')).toBe(10_001);
    await log.close();
    await fresh.close();
  });

  test('64 concurrent appends are written in a few groups, each one write and one fdatasync', async ({
    dir,
  }) => {
    const log = new FilesystemLogBackend(SPEC, { root: dir });
    await log.append('a', entries(0, 1));
    const run = await runWithFault(() =>
      Promise.all(Array.from({ length: 64 }, (_, i) => log.append('a', [entry(1 + i)]))),
    );
    if (!run.outcome.ok) throw run.outcome.error;
    expect([...run.outcome.value].sort((a, b) => a - b)).toEqual(Array.from({ length: 64 }, (_, i) => 1 + i));
    const syncs = run.calls.filter((call) => call === 'fdatasync').length;
    const writes = run.calls.filter((call) => call === 'writevSync' || call === 'writev').length;
    expect(syncs).toBeLessThanOrEqual(2);
    expect(writes).toBe(syncs);
    expect(run.calls.filter((call) => call === 'fsync')).toEqual([]);
    // Appends that arrive while a group is being written go together into the next one.
    const first = log.append('a', [entry(65)]);
    const later = Promise.all(Array.from({ length: 63 }, (_, i) => log.append('a', [entry(66 + i)])));
    const run2 = await runWithFault(async () => {
      await first;
      await later;
    });
    expect(run2.calls.filter((call) => call === 'fdatasync').length).toBeLessThanOrEqual(2);
    expect(await log.size('a')).toBe(129);
    await log.close();
  });

  test('a single append costs one lock round trip, one write and one fdatasync', async ({ dir }) => {
    const log = new FilesystemLogBackend(SPEC, { root: dir });
    await log.append('a', entries(0, 1));
    await log.append('a', entries(1, 1));
    const run = await runWithFault(() => log.append('a', entries(2, 1)));
    expect(run.outcome).toEqual({ ok: true, value: 2 });
    expect(run.calls).toEqual([
      'lstatSync',
      'renameSync',
      'openSync',
      'fstatSync',
      'writevSync',
      'fdatasync',
      'closeSync',
      'renameSync',
    ]);
    await log.close();
  });

  test('durable: false issues no fdatasync or fsync', async ({ dir }) => {
    const log = new FilesystemLogBackend(SPEC, { root: dir, durable: false });
    const run = await runWithFault(async () => {
      await log.append('a', entries(0, 3));
      await Promise.all(Array.from({ length: 10 }, (_, i) => log.append('a', [entry(3 + i)])));
      await log.drop('a');
    });
    if (!run.outcome.ok) throw run.outcome.error;
    expect(run.calls.filter((call) => call === 'fdatasync' || call === 'fsync')).toEqual([]);
    await log.close();
  });

  test('refuses symlinks: a log file or a family folder that is one', async ({ dir }) => {
    const log = new FilesystemLogBackend(SPEC, { root: dir });
    await log.append('real', entries(0, 1));
    await symlink(logFile(dir, 'real'), logFile(dir, 'a'));
    for (const call of [
      () => log.size('a'),
      () => log.read('a'),
      () => log.append('a', entries(0, 1)),
      () => log.drop('a'),
    ]) {
      const error = await rejectionOf(call, 'CORRUPT_DATA');
      expect(error.details).toMatchObject({ file: logFile(dir, 'a'), reason: 'symlink' });
    }
    const other = join(dir, 'other');
    await mkdir(join(other, 'elsewhere'), { recursive: true });
    await symlink(join(other, 'elsewhere'), join(other, 'events'));
    const linked = new FilesystemLogBackend(SPEC, { root: other });
    await rejectionOf(() => linked.append('a', entries(0, 1)), 'CORRUPT_DATA');
    expect(await readdir(join(other, 'elsewhere'))).toEqual([]);
    await log.close();
    await linked.close();
  });

  test('a directory where a log file should be is a CorruptDataError', async ({ dir }) => {
    const log = new FilesystemLogBackend(SPEC, { root: dir });
    await mkdir(logFile(dir), { recursive: true });
    for (const call of [() => log.size('a'), () => log.read('a'), () => log.append('a', entries(0, 1))]) {
      const error = await rejectionOf(call, 'CORRUPT_DATA');
      expect(error.details).toMatchObject({ file: logFile(dir) });
    }
    await log.close();
  });

  test('drop removes the file and its lock directory, and a drop of nothing takes no lock', async ({
    dir,
  }) => {
    const log = new FilesystemLogBackend(SPEC, { root: dir });
    await log.append('a', entries(0, 2));
    expect(await readdir(join(dir, 'events', '.locks'))).toEqual(['a.log']);
    expect(await log.drop('a')).toBe(true);
    expect(await readdir(join(dir, 'events'))).toEqual(['.locks']);
    expect(await readdir(join(dir, 'events', '.locks'))).toEqual([]);
    expect(await log.drop('never')).toBe(false);
    expect(await readdir(join(dir, 'events', '.locks'))).toEqual([]);
    await log.close();
  });

  test('a wait wakes on an append of another port, and leaves no watcher or timer behind', async ({
    dir,
  }) => {
    const follower = new FilesystemLogBackend(SPEC, { root: dir });
    const writer = new FilesystemLogBackend(SPEC, { root: dir });
    await follower.directory();
    // Watchers are only this file's; timers may also be other code's (one of them may end meanwhile).
    const count = (kinds: string[]) =>
      process.getActiveResourcesInfo().filter((kind) => kinds.includes(kind)).length;
    const watchers = () => count(['FSEventWrap', 'StatWatcher']);
    const timers = () => count(['Timeout']);
    const before = { watchers: watchers(), timers: timers() };
    const waiting = follower.wait('a', 0, { timeoutMs: 60_000 });
    await writer.append('a', entries(0, 2));
    expect(await waiting).toBe(2);
    expect(await follower.wait('a', 2, { timeoutMs: 1 })).toBe(2);
    const controller = new AbortController();
    const aborted = follower.wait('a', 5, { signal: controller.signal });
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(aborted).rejects.toBe(reason);
    // A closed watcher leaves the list in the close phase of the loop, after this turn's immediates.
    for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(watchers()).toBe(before.watchers);
    expect(timers()).toBeLessThanOrEqual(before.timers);
    await follower.close();
    await writer.close();
  });

  test('without fs.watch, a wait still wakes by polling', async ({ dir }) => {
    const follower = new FilesystemLogBackend(SPEC, { root: dir });
    const writer = new FilesystemLogBackend(SPEC, { root: dir });
    const { watch } = io;
    io.watch = (() => {
      throw Object.assign(new Error('no watching here'), { code: 'ENOSYS' });
    }) as unknown as typeof watch;
    try {
      const waiting = follower.wait('a', 0);
      await writer.append('a', entries(0, 1));
      expect(await waiting).toBe(1);
    } finally {
      io.watch = watch;
    }
    await follower.close();
    await writer.close();
  });

  test('a file dropped and made again at the same path by another port is read anew', async ({ dir }) => {
    const reader = new FilesystemLogBackend(SPEC, { root: dir });
    const writer = new FilesystemLogBackend(SPEC, { root: dir });
    await writer.append('a', entries(0, 5));
    expect(await reader.size('a')).toBe(5);
    await writer.drop('a');
    await writer.append(
      'a',
      Array.from({ length: 8 }, (_, i) => entry(100 + i, '"a longer body than before"')),
    );
    expect(await reader.size('a')).toBe(8);
    expect((await reader.read('a', { from: 6 })).map((e) => e.header.n)).toEqual([106, 107]);
    await reader.close();
    await writer.close();
  });

  test('lock directories live in .locks, apart from the log files; names never leave the folder', async ({
    dir,
  }) => {
    const log = new FilesystemLogBackend(SPEC, { root: dir });
    await log.append('x.y', entries(0, 1));
    expect((await lstat(join(dir, 'events', '.locks', 'x.y.log'))).isDirectory()).toBe(true);
    for (const name of ['../a', '.hidden', 'a/b', '']) {
      await rejectionOf(() => log.append(name, entries(0, 1)), 'INVALID_NAME');
    }
    expect(await log.logs()).toEqual(['x.y']);
    await log.close();
  });
});

export type { ContractEntryHeader };
