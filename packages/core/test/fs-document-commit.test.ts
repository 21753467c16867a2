import { link, lstat, readdir, readFile, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { testWithTempDir } from '@omega/test-kit';
import { describe, expect } from 'vitest';
import { z } from 'zod';
import { documentSpec } from '../src/documents.js';
import { FilesystemDocumentBackend } from '../src/fs/document-backend.js';
import { encodeFrame } from '../src/fs/frame.js';
import { rejectionOf, runWithFault } from '../src/testing.js';

// The steps of a document write (src/fs/document-commit.ts), as the system calls they are, and what the
// next writer or the next open makes of a write a crashed or stalled writer left between two of them.
const test = testWithTempDir('omega-fs-commit-');

const SPEC = documentSpec({ kind: 'doc', folder: 'docs', header: z.object({ n: z.number() }) });

// Above any pid this machine hands out in practice.
const DEAD_PID = 4_194_303;

const bump = (current: { header: { n: number } } | null) => ({
  header: { n: (current?.header.n ?? 0) + 1 },
  body: String((current?.header.n ?? 0) + 1),
});

// A write another process claimed over the current state of `name` and then died before installing: its
// data file (named as the temp file of a writer whose pid no process has) and the claim, a second link to it.
async function pendingWrite(dir: string, name: string, n: number): Promise<{ data: string; claim: string }> {
  const folder = join(dir, 'docs');
  const current = (await readFile(join(folder, `${name}.jsonl`), 'utf8')).split('\n')[0]!;
  const key = (JSON.parse(current) as { writeId: string }).writeId;
  const meta = { format: SPEC.format, formatVersion: 1, name, writeId: 'pendingWrite0000' };
  const data = join(folder, `.${name}.jsonl.${DEAD_PID}.00000000abcd.tmp`);
  await writeFile(data, Buffer.concat(encodeFrame(data, meta, { n }, String(n))));
  const claim = join(folder, `.${name}.jsonl.${key}.claim`);
  await link(data, claim);
  return { data, claim };
}

describe('the commit of a document write', () => {
  test('a durable create links its data into place and syncs the folder; its calls are pinned', async ({
    dir,
  }) => {
    const backend = new FilesystemDocumentBackend(SPEC, { root: dir });
    await backend.directory();
    const create = await runWithFault(() => backend.create('a', { n: 1 }, '1'));
    expect(create.outcome.ok).toBe(true);
    expect(create.calls).toEqual([
      // The folder, still a directory of its own; the state it replaces: none.
      'lstatSync',
      'openSync',
      // The data, fsync'd, linked into place, its temp name removed, the folder synced.
      'openSync',
      'fchmodSync',
      'writevSync',
      'fsync',
      'closeSync',
      'linkSync',
      'unlinkSync',
      'openSync',
      'fsync',
      'closeSync',
    ]);
  });

  test('a durable replace and a durable remove claim the state they read, install, and sync the folder', async ({
    dir,
  }) => {
    const backend = new FilesystemDocumentBackend(SPEC, { root: dir });
    await backend.write('a', { n: 1 }, '1');
    const claimed = [
      // The claim over the state read, the check that it is still current, the install, the claim removed.
      'linkSync',
      'lstatSync',
      'renameSync',
      'unlinkSync',
      // The folder synced.
      'openSync',
      'fsync',
      'closeSync',
    ];
    const write = await runWithFault(() => backend.write('a', { n: 2 }, '2'));
    expect(write.calls).toEqual([
      // The folder; the state it replaces, kept open (its inode pinned) until the write is done.
      'lstatSync',
      'openSync',
      'readSync',
      'fstatSync',
      'openSync',
      'fchmodSync',
      'writevSync',
      'fsync',
      'closeSync',
      ...claimed,
      // The replaced file closed in the thread pool, where freeing its blocks delays nothing.
      'close',
    ]);
    const remove = await runWithFault(() => backend.remove('a'));
    expect(remove.outcome).toEqual({ ok: true, value: true });
    expect(remove.calls).toEqual([
      'lstatSync',
      'openSync',
      'readSync',
      'fstatSync',
      // The tombstone, made where data is made.
      'symlinkSync',
      ...claimed,
      'close',
    ]);
    expect(await readlink(join(dir, 'docs', 'a.jsonl'))).toMatch(/^\.deleted\./);
  });

  test('a failed folder sync after the install says the value is visible but may not survive a crash', async ({
    dir,
  }) => {
    const backend = new FilesystemDocumentBackend(SPEC, { root: dir });
    await backend.write('a', { n: 1 }, '1');
    const dry = await runWithFault(() => backend.write('a', { n: 2 }, '2'));
    const run = await runWithFault(() => backend.write('a', { n: 3 }, '3'), {
      at: dry.calls.lastIndexOf('fsync') + 1,
      fault: 'EIO',
    });
    expect(run.outcome.ok).toBe(false);
    const error = !run.outcome.ok ? run.outcome.error : null;
    expect((error as { details: unknown }).details).toMatchObject({
      file: join(dir, 'docs', 'a.jsonl'),
      outcome: 'visible',
    });
    expect((await backend.read('a'))?.body).toBe('3');
  });

  test('the next update installs a write claimed over the current state first, then its own', async ({
    dir,
  }) => {
    const backend = new FilesystemDocumentBackend(SPEC, { root: dir, durable: false });
    await backend.write('a', { n: 1 }, '1');
    const { data, claim } = await pendingWrite(dir, 'a', 10);
    await backend.update('a', bump);
    expect((await backend.read('a'))?.header).toEqual({ n: 11 });
    await expect(lstat(data)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(lstat(claim)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  test('opening the folder installs a write claimed over the current state, and removes one over a state gone', async ({
    dir,
  }) => {
    const first = new FilesystemDocumentBackend(SPEC, { root: dir, durable: false });
    await first.write('gone', { n: 1 }, '1');
    await first.write('kept', { n: 1 }, '1');
    const stale = await pendingWrite(dir, 'gone', 10);
    const pending = await pendingWrite(dir, 'kept', 20);
    // A write over the claimed state with another key: the claim can never land now.
    await first.write('gone', { n: 2 }, '2');
    const reopened = new FilesystemDocumentBackend(SPEC, { root: dir, durable: false });
    await reopened.directory();
    // The temp sweep did not remove the pending write's data, though its writer is gone: it is claimed.
    expect((await reopened.read('kept'))?.header).toEqual({ n: 20 });
    expect((await reopened.read('gone'))?.header).toEqual({ n: 2 });
    for (const path of [stale.data, stale.claim, pending.data, pending.claim]) {
      await expect(lstat(path)).rejects.toMatchObject({ code: 'ENOENT' });
    }
    expect((await readdir(join(dir, 'docs'))).sort()).toEqual(['.locks', 'gone.jsonl', 'kept.jsonl']);
  });

  test('a fenced write of a holder whose document another writer replaced is refused and changes nothing', async ({
    dir,
  }) => {
    const holder = new FilesystemDocumentBackend(SPEC, { root: dir, durable: false });
    const other = new FilesystemDocumentBackend(SPEC, { root: dir, durable: false });
    await holder.write('a', { n: 1 }, '1');
    await holder.withLock('a', async (fence) => {
      // Another process, past the lock (as after a takeover): a write of its own.
      await other.write('a', { n: 5 }, '5');
      const error = await rejectionOf(holder.remove('a', { fence }), 'CONFLICT');
      expect(error.details).toMatchObject({ kind: 'doc', name: 'a', fence, reason: 'fenced' });
    });
    expect((await other.read('a'))?.body).toBe('5');
  });
});
