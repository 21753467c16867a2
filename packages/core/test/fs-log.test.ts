import { closeSync, fstatSync, openSync } from 'node:fs';
import { lstat, mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { tempDir, testWithTempDir } from '@omega/test-kit';
import * as vitest from 'vitest';
import { describe, expect } from 'vitest';
import { z } from 'zod';
import { io } from '../src/fs/io.js';
import { FilesystemLogBackend } from '../src/fs/log.js';
import { LogState } from '../src/fs/log-state.js';
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

/** The log file's lines, blank ones too, without the final newline. */
async function lines(dir: string, log = 'a'): Promise<string[]> {
  const text = await readFile(logFile(dir, log), 'utf8');
  return text.split('\n').slice(0, -1);
}

/** The log file's entry lines: its lines but the blank ones between writes. */
async function entryLines(dir: string, log = 'a'): Promise<string[]> {
  return (await lines(dir, log)).filter((line) => line !== '');
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

  test('one line per entry in <root>/<folder>/<log>.log, each naming its position, group, format and version', async ({
    dir,
  }) => {
    const log = new FilesystemLogBackend(SPEC, { root: dir });
    await log.append('a', entries(0, 2));
    await log.append('a', [entry(2, 'two\nlines "quoted" \uD800')]);
    // Each write is a block after a blank line.
    const all = await lines(dir);
    expect(all.map((line) => line === '')).toEqual([true, true, false, false, true, true, false]);
    const fields = all.filter((line) => line !== '').map(fieldsOf);
    expect(fields.map(({ g: _g, ...rest }) => rest)).toEqual([
      { p: 0, e: 1, f: 'omega.event', v: 1, h: { n: 0 }, b: '"entry 0"' },
      { p: 1, e: 1, f: 'omega.event', v: 1, h: { n: 1 }, b: '"entry 1"' },
      { p: 2, e: 2, f: 'omega.event', v: 1, h: { n: 2 }, b: 'two\nlines "quoted" \uD800' },
    ]);
    // The group id comes right after the end: one per write.
    expect(all[2]).toMatch(/^\{"p":0,"e":1,"g":"[0-9a-f]{16}","f":/);
    expect(fields.map((line) => line.g)).toEqual([fields[0]!.g, fields[0]!.g, expect.any(String)]);
    expect(fields[2]!.g).not.toBe(fields[0]!.g);
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

  test('a torn final line is ignored by readers, and sealed, not cut, by the next append', async ({
    dir,
  }) => {
    const log = new FilesystemLogBackend(SPEC, { root: dir });
    await log.append('a', entries(0, 3));
    // A file of the earlier format: no blank lines, then a torn line.
    const whole = await entryLines(dir);
    const torn = lineOf({ p: 3, e: 3, f: 'omega.event', v: 1, h: { n: 3 }, b: 'lost' }).slice(0, 25);
    await log.close();
    await writeLines(dir, whole, torn);
    const before = await readFile(logFile(dir), 'utf8');
    const fresh = new FilesystemLogBackend(SPEC, { root: dir });
    expect(await fresh.size('a')).toBe(3);
    expect((await fresh.read('a')).map((e) => e.header.n)).toEqual([0, 1, 2]);
    expect((await fresh.last('a'))?.position).toBe(2);
    expect(await fresh.append('a', [entry(3)])).toBe(3);
    const after = await readFile(logFile(dir), 'utf8');
    // The torn line is kept, ended by a byte no line ends with, then the blank line of the new write.
    expect(after.startsWith(`${before}~\n\n`)).toBe(true);
    expect(fieldsOf(after.slice(before.length + 3, -1))).toMatchObject({ p: 3, h: { n: 3 } });
    for (const port of [fresh, new FilesystemLogBackend(SPEC, { root: dir })]) {
      expect(await port.size('a')).toBe(4);
      expect((await port.read('a')).map((e) => e.header.n)).toEqual([0, 1, 2, 3]);
      expect((await port.read('a', { from: 3 })).map((e) => e.header.n)).toEqual([3]);
      await port.close();
    }
  });

  test('a torn line missing only its newline is not completed by the next append', async ({ dir }) => {
    const log = new FilesystemLogBackend(SPEC, { root: dir });
    await log.append('a', entries(0, 1));
    const whole = await entryLines(dir);
    await writeLines(dir, whole, lineOf({ p: 1, e: 1, f: 'omega.event', v: 1, h: { n: 9 }, b: 'lost' }));
    const fresh = new FilesystemLogBackend(SPEC, { root: dir });
    expect(await fresh.size('a')).toBe(1);
    expect(await fresh.append('a', [entry(1)])).toBe(1);
    expect((await fresh.read('a')).map((e) => e.header.n)).toEqual([0, 1]);
    await log.close();
    await fresh.close();
  });

  test('a reader that saw a torn tail sees the entry a writer appended after it', async ({ dir }) => {
    const writer = new FilesystemLogBackend(SPEC, { root: dir });
    await writer.append('a', entries(0, 3));
    await writeLines(dir, await entryLines(dir), 'x'.repeat(40));
    const reader = new FilesystemLogBackend(SPEC, { root: dir });
    expect(await reader.size('a')).toBe(3);
    expect(await writer.append('a', [entry(3)])).toBe(3);
    expect(await reader.size('a')).toBe(4);
    expect((await reader.last('a'))?.header).toEqual({ n: 3 });
    await writer.close();
    await reader.close();
  });

  test('the complete lines of a group whose last line is missing are a torn write too', async ({ dir }) => {
    const log = new FilesystemLogBackend(SPEC, { root: dir });
    await log.append('a', entries(0, 1));
    const whole = await entryLines(dir);
    // A write of three entries that stopped after two of them.
    const partial = [3, 4].map((_, i) =>
      lineOf({ p: 1 + i, e: 3, f: 'omega.event', v: 1, h: { n: 9 }, b: 'unacknowledged' }),
    );
    await writeLines(dir, [...whole, ...partial]);
    const fresh = new FilesystemLogBackend(SPEC, { root: dir });
    expect(await fresh.size('a')).toBe(1);
    expect(await fresh.logs()).toEqual(['a']);
    expect(await fresh.append('a', [entry(1)], { expectedSize: 1 })).toBe(1);
    for (const port of [fresh, new FilesystemLogBackend(SPEC, { root: dir })]) {
      expect((await port.read('a')).map((e) => e.header.n)).toEqual([0, 1]);
      expect((await port.read('a', { from: 1 })).map((e) => e.header.n)).toEqual([1]);
      await port.close();
    }
    expect(await entryLines(dir)).toHaveLength(4);
    await log.close();
  });

  describe('a write that stores part of its group', () => {
    // The first write stores half its bytes; the next one fails (a device filling up midway), or not.
    async function halfWritten(fn: () => Promise<unknown>, thenFails: boolean): Promise<unknown> {
      const { writevSync } = io;
      let writes = 0;
      io.writevSync = ((fd: number, buffers: NodeJS.ArrayBufferView[]) => {
        writes++;
        if (writes > 1 && thenFails) throw Object.assign(new Error('ENOSPC: injected'), { code: 'ENOSPC' });
        const first = buffers[0] as Buffer;
        return writevSync(fd, writes === 1 ? [first.subarray(0, first.length >> 1)] : buffers);
      }) as typeof writevSync;
      try {
        return thenFails ? await rejectionOf(fn, 'STORAGE_FAILURE') : await fn();
      } finally {
        io.writevSync = writevSync;
      }
    }

    test('and then fails leaves a torn write, never cut, that readers skip', async ({ dir }) => {
      const log = new FilesystemLogBackend(SPEC, { root: dir });
      await log.append('a', entries(0, 2));
      const before = await readFile(logFile(dir), 'utf8');
      const error = await halfWritten(() => log.append('a', entries(2, 4)), true);
      expect(error).toMatchObject({ details: { errno: 'ENOSPC', name: 'a', operation: 'append' } });
      const after = await readFile(logFile(dir), 'utf8');
      expect(after.startsWith(before) && after.length > before.length).toBe(true);
      const fresh = new FilesystemLogBackend(SPEC, { root: dir });
      for (const port of [log, fresh]) {
        expect(await port.size('a')).toBe(2);
        expect((await port.read('a')).map((e) => e.header.n)).toEqual([0, 1]);
      }
      expect(await fresh.append('a', entries(2, 1))).toBe(2);
      expect((await readFile(logFile(dir), 'utf8')).startsWith(after)).toBe(true);
      for (const port of [log, fresh, new FilesystemLogBackend(SPEC, { root: dir })]) {
        expect((await port.read('a')).map((e) => e.header.n)).toEqual([0, 1, 2]);
        await port.close();
      }
    });

    test('and then succeeds is written whole again, and read once', async ({ dir }) => {
      const log = new FilesystemLogBackend(SPEC, { root: dir });
      await log.append('a', entries(0, 2));
      expect(await halfWritten(() => log.append('a', entries(2, 4)), false)).toBe(2);
      expect(await log.append('a', entries(6, 1))).toBe(6);
      for (const port of [log, new FilesystemLogBackend(SPEC, { root: dir })]) {
        expect((await port.read('a')).map((e) => e.header.n)).toEqual([0, 1, 2, 3, 4, 5, 6]);
        expect((await port.read('a', { from: 3, limit: 2 })).map((e) => e.header.n)).toEqual([3, 4]);
        await port.close();
      }
    });
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

  describe('damage inside a write is a CorruptDataError naming the file and offset, never skipped', () => {
    const cases: Array<[string, (line: string, index: number) => string]> = [
      // Still valid JSON, with the checksum of the line before the change.
      ['a changed body', (line) => line.replace('entry 2', 'entry X')],
      ['a changed checksum', (line) => line.replace(/"c":"[0-9a-f]{8}"/, '"c":"00000000"')],
      ['a line at the wrong position', (line) => lineOf({ ...fieldsOf(line), p: 7, e: 7 })],
      ['a line of another group', (line) => lineOf({ ...fieldsOf(line), g: '0123456789abcdef' })],
      ['a line missing', () => ''],
      ['garbage', () => 'not json at all'],
      ['a group ending before it starts', (line) => lineOf({ ...fieldsOf(line), e: 1 })],
    ];
    for (const [title, damage] of cases) {
      test(title, async ({ dir }) => {
        const log = new FilesystemLogBackend(SPEC, { root: dir });
        await log.append('a', entries(0, 1));
        await log.append('a', entries(1, 3));
        await log.append('a', entries(4, 1));
        const all = await lines(dir);
        // Entry 2, in the middle of its write.
        const at = all.findIndex((line) => line.includes('"p":2,'));
        const damaged = all.flatMap((line, i) => (i === at ? [damage(line, i)].filter(Boolean) : [line]));
        await writeLines(dir, damaged);
        const fresh = new FilesystemLogBackend(SPEC, { root: dir });
        for (const call of [() => fresh.size('a'), () => fresh.read('a'), () => fresh.last('a')]) {
          const error = await rejectionOf(call, 'CORRUPT_DATA');
          expect(error.details).toMatchObject({ file: logFile(dir), offset: offsetOf(all, at), position: 2 });
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
      const last = all.length - 1;
      for (const change of [{ v: 2 }, { f: 'omega.other' }, { h: { n: 'x' } }, { b: 1 }, { v: 0 }]) {
        await writeLines(dir, [...all.slice(0, last), lineOf({ ...fieldsOf(all[last]!), ...change })]);
        const fresh = new FilesystemLogBackend(SPEC, { root: dir });
        expect(await fresh.size('a')).toBe(2);
        expect((await fresh.read('a', { limit: 1 }))[0]?.header).toEqual({ n: 0 });
        const error = await rejectionOf(() => fresh.read('a'), 'CORRUPT_DATA');
        expect(error.details).toMatchObject({ file: logFile(dir), offset: offsetOf(all, last), position: 1 });
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

  test('a follower reading the entries just appended reads only their lines, past a stride mark too', async ({
    dir,
  }) => {
    const writer = new FilesystemLogBackend(SPEC, { root: dir, durable: false });
    const follower = new FilesystemLogBackend(SPEC, { root: dir });
    const body = JSON.stringify('x'.repeat(150));
    // 600 entries cross two marks; appended one or three at a time, each read by the writer's own port
    // (its index extended by its writes) and by another port (extended by its scans) from where it was.
    let size = 0;
    while (size < 600) {
      const count = size % 7 === 0 ? 3 : 1;
      await writer.append(
        'a',
        Array.from({ length: count }, (_, k) => entry(size + k, body)),
      );
      for (const port of [writer, follower]) {
        expect(await port.size('a')).toBe(size + count);
        let page: Awaited<ReturnType<typeof port.read>> = [];
        const bytes = await bytesReadBy(async () => {
          page = await port.read('a', { from: size });
        });
        expect(page.map((e) => e.header.n)).toEqual(Array.from({ length: count }, (_, k) => size + k));
        expect(bytes).toBeLessThan(count * 400);
      }
      size += count;
    }
    await writer.close();
    await follower.close();
  });

  test('stats taken before a scan waited its turn, older than the index, do not start the index over', async ({
    dir,
  }) => {
    // A follower takes the file's stats, then waits behind the scans and writes before it: by its turn
    // the index may be past those stats, which must not look like a file cut short and be read again.
    const log = new FilesystemLogBackend(SPEC, { root: dir, durable: false });
    await log.append('a', entries(0, 50));
    const file = logFile(dir);
    const fd = openSync(file, 'r');
    try {
      const stale = fstatSync(fd);
      await log.append('a', entries(50, 1));
      const state = new LogState();
      await state.catchUp(fd, file, fstatSync(fd));
      expect(state.index.count).toBe(51);
      const bytes = await bytesReadBy(() => state.catchUp(fd, file, stale));
      expect(bytes).toBe(0);
      expect(state.index.count).toBe(51);
    } finally {
      closeSync(fd);
      await log.close();
    }
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
    // The log's own calls, between the lock's: the check after the write is one lstat, no read.
    const write = run.calls.indexOf('writevSync');
    expect(run.calls.slice(write - 2, write + 4)).toEqual([
      'openSync',
      'fstatSync',
      'writevSync',
      'fdatasync',
      'lstatSync',
      'closeSync',
    ]);
    expect(run.calls.filter((call) => /^(read|writev|fdatasync|ftruncate)/.test(call))).toEqual([
      'writevSync',
      'fdatasync',
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
