import { appendFileSync, unlinkSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { testWithTempDir } from '@omega/test-kit';
import { describe, expect } from 'vitest';
import { z } from 'zod';
import { io } from '../src/fs/io.js';
import { FilesystemLogBackend } from '../src/fs/log.js';
import { type LogEntryInput, logSpec } from '../src/log.js';
import { rejectionOf } from '../src/testing.js';

// The reader rules of log-line.ts on files laid out by hand, and the check a writer makes after its write.

const test = testWithTempDir('omega-fs-log-blocks-');

const SPEC = logSpec({ kind: 'event', folder: 'events', header: z.object({ n: z.number() }) });
type Header = { n: number };
const entry = (n: number): LogEntryInput<Header> => ({ header: { n }, body: `"entry ${n}"` });

const logFile = (dir: string) => join(dir, 'events', 'a.log');

/** A line as a writer writes it, with a correct checksum. */
function lineOf(fields: Record<string, unknown>): string {
  const checked = JSON.stringify(fields).slice(0, -1);
  return `${checked},"c":"${crc32(checked).toString(16).padStart(8, '0')}"}`;
}

/** The lines of a group of entries `first`..`first + count - 1` (headers `n` from `n`), with id `g`. */
function group(first: number, count: number, g: string | null, n = first): string[] {
  return Array.from({ length: count }, (_, i) =>
    lineOf({
      p: first + i,
      e: first + count - 1,
      ...(g === null ? {} : { g }),
      f: 'omega.event',
      v: 1,
      h: { n: n + i },
      b: `"entry ${n + i}"`,
    }),
  );
}

/** A write of the current format: a blank line, then the group. */
const block = (lines: string[]) => `\n\n${lines.map((line) => `${line}\n`).join('')}`;

/** Everything a reader can ask of log "a", through a fresh port and its synchronous face. */
async function seen(dir: string): Promise<unknown> {
  const log = new FilesystemLogBackend(SPEC, { root: dir });
  try {
    const size = await log.size('a');
    const view = {
      size,
      entries: (await log.read('a')).map((e) => [e.position, e.header.n]),
      tail: (await log.read('a', { from: Math.max(0, size - 2) })).map((e) => e.header.n),
      last: (await log.last('a'))?.header.n ?? null,
      logs: await log.logs(),
    };
    const sync = new FilesystemLogBackend(SPEC, { root: dir }).sync;
    expect(sync.read('a').map((e) => [e.position, e.header.n])).toEqual(view.entries);
    return view;
  } finally {
    await log.close();
  }
}

async function layOut(dir: string, text: string): Promise<void> {
  await new FilesystemLogBackend(SPEC, { root: dir }).directory();
  await writeFile(logFile(dir), text);
}

describe('the blocks of a filesystem log', () => {
  test('a torn write in the middle, ended by the next write, is skipped', async ({ dir }) => {
    const torn = group(1, 3, 'bbbbbbbbbbbbbbbb', 90).slice(0, 2);
    const damaged = `${group(1, 1, 'cccccccccccccccc', 80)[0]!.slice(0, 30)}~`;
    await layOut(
      dir,
      block(group(0, 1, 'aaaaaaaaaaaaaaaa')) +
        block(torn) +
        block([damaged]) +
        block(group(1, 2, 'dddddddddddddddd')) +
        block(group(3, 1, 'eeeeeeeeeeeeeeee')),
    );
    expect(await seen(dir)).toEqual({
      size: 4,
      entries: [
        [0, 0],
        [1, 1],
        [2, 2],
        [3, 3],
      ],
      tail: [2, 3],
      last: 3,
      logs: ['a'],
    });
  });

  test('a late copy of positions already taken is skipped: the first group wins', async ({ dir }) => {
    await layOut(
      dir,
      block(group(0, 2, 'aaaaaaaaaaaaaaaa')) +
        block(group(0, 1, 'bbbbbbbbbbbbbbbb', 50)) +
        block(group(1, 3, 'cccccccccccccccc', 60)) +
        block(group(2, 1, 'dddddddddddddddd')),
    );
    expect(await seen(dir)).toEqual({
      size: 3,
      entries: [
        [0, 0],
        [1, 1],
        [2, 2],
      ],
      tail: [1, 2],
      last: 2,
      logs: ['a'],
    });
  });

  test('a damaged write followed by another is a gap: a CorruptDataError naming the damaged block', async ({
    dir,
  }) => {
    const first = block(group(0, 2, 'aaaaaaaaaaaaaaaa'));
    const [line] = group(2, 1, 'bbbbbbbbbbbbbbbb');
    // The write at position 2 was acknowledged, then damaged: the write after it starts past the entries read.
    await layOut(
      dir,
      first + block([line!.replace('entry 2', 'entry X')]) + block(group(3, 1, 'cccccccccccccccc')),
    );
    const log = new FilesystemLogBackend(SPEC, { root: dir });
    for (const call of [() => log.size('a'), () => log.read('a'), () => log.last('a')]) {
      const error = await rejectionOf(call, 'CORRUPT_DATA');
      expect(error.details).toMatchObject({ file: logFile(dir), offset: first.length + 2, position: 2 });
    }
    await rejectionOf(() => log.append('a', [entry(9)]), 'CORRUPT_DATA');
    await log.close();
  });

  test('a group starting past the entries before it, with nothing skipped, names its own offset', async ({
    dir,
  }) => {
    const first = block(group(0, 1, 'aaaaaaaaaaaaaaaa'));
    await layOut(dir, first + block(group(2, 1, 'bbbbbbbbbbbbbbbb')));
    const log = new FilesystemLogBackend(SPEC, { root: dir });
    const error = await rejectionOf(() => log.size('a'), 'CORRUPT_DATA');
    expect(error.details).toMatchObject({ offset: first.length + 2, position: 1 });
    await log.close();
  });

  test('a file of the earlier format reads as before, and takes appends', async ({ dir }) => {
    const old = [...group(0, 2, null), ...group(2, 1, null)];
    await layOut(dir, `${old.join('\n')}\n`);
    expect(await seen(dir)).toMatchObject({ size: 3, tail: [1, 2], last: 2 });
    const log = new FilesystemLogBackend(SPEC, { root: dir });
    expect(await log.append('a', [entry(3)], { expectedSize: 3 })).toBe(3);
    await log.close();
    expect(await seen(dir)).toMatchObject({ size: 4, tail: [2, 3], last: 3 });
    expect((await readFile(logFile(dir), 'utf8')).startsWith(`${old.join('\n')}\n\n\n`)).toBe(true);
  });
});

/** Makes the next group write of this process run `before` and `after` it, once. */
function aroundNextWrite(before: () => void, after: () => void = () => {}): () => void {
  const { writevSync } = io;
  io.writevSync = ((...args: Parameters<typeof writevSync>) => {
    io.writevSync = writevSync;
    before();
    const written = writevSync(...args);
    after();
    return written;
  }) as typeof writevSync;
  return () => {
    io.writevSync = writevSync;
  };
}

describe('a write checked after it lands', () => {
  // Another writer's group lands at `first` while this one is between steps (its lock lost meanwhile).
  const intruder = (dir: string, first: number) => () =>
    appendFileSync(logFile(dir), block(group(first, 1, 'ffffffffffffffff', 100)));

  test('another group landing before it: a conditional append is a ConflictError, others go at the new end', async ({
    dir,
  }) => {
    const log = new FilesystemLogBackend(SPEC, { root: dir });
    await log.append('a', [entry(0)]);
    let restore = aroundNextWrite(intruder(dir, 1));
    const error = await rejectionOf(() => log.append('a', [entry(1)], { expectedSize: 1 }), 'CONFLICT');
    restore();
    expect(error.details).toMatchObject({ name: 'a', expectedSize: 1, actualSize: 2 });
    restore = aroundNextWrite(intruder(dir, 2));
    expect(await log.append('a', [entry(3)])).toBe(3);
    restore();
    for (const port of [log, new FilesystemLogBackend(SPEC, { root: dir })]) {
      expect((await port.read('a')).map((e) => e.header.n)).toEqual([0, 100, 100, 3]);
      await port.close();
    }
  });

  test('another group landing after it: the append resolves, the other group follows', async ({ dir }) => {
    const log = new FilesystemLogBackend(SPEC, { root: dir });
    await log.append('a', [entry(0)]);
    const restore = aroundNextWrite(() => {}, intruder(dir, 2));
    expect(await log.append('a', [entry(1)], { expectedSize: 1 })).toBe(1);
    restore();
    expect((await log.read('a')).map((e) => e.header.n)).toEqual([0, 1, 100]);
    await log.close();
  });

  test('the log dropped before it lands: a conditional append conflicts, others go to the new log', async ({
    dir,
  }) => {
    const log = new FilesystemLogBackend(SPEC, { root: dir });
    await log.append('a', [entry(0), entry(1)]);
    let restore = aroundNextWrite(() => unlinkSync(logFile(dir)));
    const error = await rejectionOf(() => log.append('a', [entry(2)], { expectedSize: 2 }), 'CONFLICT');
    restore();
    expect(error.details).toMatchObject({ expectedSize: 2, actualSize: 0 });
    await log.append('a', [entry(0), entry(1)]);
    restore = aroundNextWrite(() => unlinkSync(logFile(dir)));
    expect(await log.append('a', [entry(7)])).toBe(0);
    restore();
    expect((await log.read('a')).map((e) => e.header.n)).toEqual([7]);
    await log.close();
  });

  test('the synchronous face checks its write alike', async ({ dir }) => {
    const log = new FilesystemLogBackend(SPEC, { root: dir });
    log.sync.append('a', [entry(0)]);
    let restore = aroundNextWrite(intruder(dir, 1));
    const error = (() => {
      try {
        log.sync.append('a', [entry(1)], { expectedSize: 1 });
      } catch (caught) {
        return caught;
      }
      throw new Error('the conditional append landed');
    })();
    restore();
    expect(error).toMatchObject({ code: 'CONFLICT', details: { expectedSize: 1, actualSize: 2 } });
    restore = aroundNextWrite(intruder(dir, 2));
    expect(log.sync.append('a', [entry(3)])).toBe(3);
    restore();
    expect(log.sync.read('a').map((e) => e.header.n)).toEqual([0, 100, 100, 3]);
    await log.close();
  });
});
