import { mkdir, readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnChild, testWithTempDir } from '@omega/test-kit';
import { describe, expect } from 'vitest';
import { sweepTempFiles, UNCHECKED_TEMP_AGE_MS, writeFileAtomic } from '../src/fs/atomic.js';
import { encodeBoot } from '../src/fs/holder.js';
import { thisProcess } from '../src/fs/process.js';
import { tempNameFor, tempOwner } from '../src/fs/temp.js';
import { IMPOSSIBLE_PID } from './helpers.js';

const test = testWithTempDir('omega-fs-atomic-');

const LEAVE_TEMP = fileURLToPath(new URL('./fixtures/leave-temp.mjs', import.meta.url));

describe('writeFileAtomic', () => {
  test('creates, then replaces, a file; only the target is left in the directory', async ({ dir }) => {
    const file = join(dir, 'doc.txt');
    await writeFileAtomic(file, 'first');
    await writeFileAtomic(file, 'second, longer than the first');
    expect(await readFile(file, 'utf8')).toBe('second, longer than the first');
    expect(await readdir(dir)).toEqual(['doc.txt']);
  });

  test('writes strings as UTF-8, bytes as given, and a list of chunks in order', async ({ dir }) => {
    const file = join(dir, 'doc.bin');
    await writeFileAtomic(file, 'ünïcødé ✓');
    expect(await readFile(file, 'utf8')).toBe('ünïcødé ✓');
    await writeFileAtomic(file, new Uint8Array([0, 1, 2, 255]));
    expect([...(await readFile(file))]).toEqual([0, 1, 2, 255]);
    const big = Buffer.alloc(3 << 20, 7);
    await writeFileAtomic(file, [Buffer.from('head\n'), new Uint8Array(0), big, Buffer.from('\ntail')]);
    const read = await readFile(file);
    expect(read.length).toBe(5 + big.length + 5);
    expect(read.subarray(0, 5).toString()).toBe('head\n');
    expect(read.subarray(5, 5 + big.length).equals(big)).toBe(true);
    expect(read.subarray(-5).toString()).toBe('\ntail');
  });

  test('writes an empty file', async ({ dir }) => {
    const file = join(dir, 'empty');
    await writeFileAtomic(file, []);
    expect((await stat(file)).size).toBe(0);
  });

  test('durable: false still replaces the content', async ({ dir }) => {
    const file = join(dir, 'fast.txt');
    await writeFileAtomic(file, 'one', { durable: false });
    await writeFileAtomic(file, 'two', { durable: false });
    expect(await readFile(file, 'utf8')).toBe('two');
    expect(await readdir(dir)).toEqual(['fast.txt']);
  });

  test('the file is 0600 whatever the umask and the mode of the file it replaces', async ({ dir }) => {
    const file = join(dir, 'private.txt');
    await writeFile(file, 'old', { mode: 0o644 });
    const previous = process.umask(0o277);
    try {
      await writeFileAtomic(file, 'new');
    } finally {
      process.umask(previous);
    }
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  test('a failed replace leaves the target as it was and no temp file', async ({ dir }) => {
    const target = join(dir, 'occupied');
    await mkdir(target);
    await writeFile(join(target, 'inside'), 'x');
    await expect(writeFileAtomic(target, 'data')).rejects.toSatisfy((error: NodeJS.ErrnoException) =>
      ['EISDIR', 'ENOTEMPTY', 'EEXIST'].includes(error.code ?? ''),
    );
    expect((await readdir(dir)).sort()).toEqual(['occupied']);
    expect(await readdir(target)).toEqual(['inside']);
  });

  test('a missing directory rejects with the system error and creates nothing', async ({ dir }) => {
    await expect(writeFileAtomic(join(dir, 'missing', 'doc.txt'), 'data')).rejects.toMatchObject({
      code: 'ENOENT',
    });
    expect(await readdir(dir)).toEqual([]);
  });
});

/** A temp name as written by a process with this identity (this process's, with `changes` applied). */
function tempNameOf(changes: Partial<ReturnType<typeof thisProcess>>, hex = '0123456789ab'): string {
  const owner = { ...thisProcess(), ...changes };
  return `.doc.jsonl.${[owner.pid, owner.start, owner.pidNs, owner.timeNs, encodeBoot(owner.boot)].join('~')}.${hex}.tmp`;
}

describe('temp names', () => {
  test('record the writer: pid, start time, namespaces and boot id, read back by tempOwner', () => {
    const name = tempNameFor('doc.jsonl');
    const { pid, start, pidNs, timeNs, boot } = thisProcess();
    expect(tempOwner(name)).toEqual({ pid, identity: { pid, start, pidNs, timeNs, boot } });
    expect(Buffer.byteLength(tempNameFor(`${'x'.repeat(128)}.jsonl`))).toBeLessThanOrEqual(255);
    expect(tempOwner(`.doc.jsonl.${process.pid}.0123456789ab.tmp`)).toEqual({
      pid: process.pid,
      identity: null,
    });
    expect(tempOwner('doc.jsonl')).toBeNull();
  });
});

describe('sweepTempFiles', () => {
  test.skipIf(process.platform !== 'linux')(
    'judges a writer by its identity: the same pid with another start time is dead; another namespace is not judged',
    async ({ dir }) => {
      const live = tempNameOf({}, 'aaaaaaaaaaaa');
      // This pid, but started at another time: the pid was reused, its writer is gone.
      const reused = tempNameOf({ start: '1' }, 'bbbbbbbbbbbb');
      // A writer in another pid namespace (a container): its pid says nothing here.
      const elsewhere = tempNameOf({ pid: IMPOSSIBLE_PID, pidNs: '1' }, 'cccccccccccc');
      for (const name of [live, reused, elsewhere]) await writeFile(join(dir, name), 'partial');

      expect(await sweepTempFiles(dir)).toEqual([join(dir, reused)]);
      expect((await readdir(dir)).sort()).toEqual([live, elsewhere].sort());

      // Unchecked writers are swept once their temp file is old enough that no write can still be running.
      const old = new Date(Date.now() - UNCHECKED_TEMP_AGE_MS - 1000);
      await utimes(join(dir, elsewhere), old, old);
      expect(await sweepTempFiles(dir)).toEqual([join(dir, elsewhere)]);
      expect(await readdir(dir)).toEqual([live]);
    },
  );

  test('removes temp files and directories of dead writers, keeps live ones and other files', async ({
    dir,
  }) => {
    const dead = join(dir, `.doc.jsonl.${IMPOSSIBLE_PID}.0123456789ab.tmp`);
    const deadDir = join(dir, `.lockname.${IMPOSSIBLE_PID}.ba9876543210.tmp`);
    const alive = join(dir, `.doc.jsonl.${process.pid}.aaaaaaaaaaaa.tmp`);
    await writeFile(dead, 'partial');
    await mkdir(deadDir);
    await writeFile(join(deadDir, '0.free'), '');
    await writeFile(alive, 'in progress');
    const others = [
      'doc.jsonl',
      '.doc.jsonl.tmp',
      `.doc.jsonl.${IMPOSSIBLE_PID}.xyz.tmp`,
      `doc.${IMPOSSIBLE_PID}.0123456789ab.tmp`,
    ];
    for (const name of others) await writeFile(join(dir, name), 'keep');

    const removed = await sweepTempFiles(dir);

    expect(removed.sort()).toEqual([dead, deadDir].sort());
    expect((await readdir(dir)).sort()).toEqual(
      [...others, `.doc.jsonl.${process.pid}.aaaaaaaaaaaa.tmp`].sort(),
    );
  });

  test('removes the temp file of a writer process that has exited', async ({ dir }) => {
    const writer = spawnChild(LEAVE_TEMP, [join(dir, 'doc.jsonl')]);
    const temp = await writer.nextLine();
    expect(await writer.exited).toMatchObject({ code: 0 });
    expect(temp).toContain(`.doc.jsonl.${writer.child.pid}.`);
    expect(await readdir(dir)).toHaveLength(1);

    expect(await sweepTempFiles(dir)).toEqual([temp]);
    expect(await readdir(dir)).toEqual([]);
  });

  test('a missing directory has nothing to sweep', async ({ dir }) => {
    expect(await sweepTempFiles(join(dir, 'missing'))).toEqual([]);
  });
});
