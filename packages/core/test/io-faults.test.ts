import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { testWithTempDir } from '@omega/test-kit';
import { describe, expect } from 'vitest';
import { z } from 'zod';
import { documentSpec } from '../src/documents.js';
import { CorruptDataError, isOmegaError } from '../src/errors.js';
import { writeFileAtomic } from '../src/fs/atomic.js';
import { FilesystemDocumentBackend } from '../src/fs/document-backend.js';
import { asStorageFailure, withOutcome } from '../src/fs/failures.js';
import { acquireLock, withLock } from '../src/fs/lock.js';
import { causedBy, rejectionOf, runWithFault } from '../src/testing.js';

const test = testWithTempDir('omega-io-faults-');

const SPEC = documentSpec({ kind: 'doc', folder: 'docs', header: z.object({ n: z.number() }) });

describe('runWithFault', () => {
  test('counts the toolkit calls of an operation, and fails the planned one', async ({ dir }) => {
    const file = join(dir, 'f.txt');
    const dry = await runWithFault(() => writeFileAtomic(file, 'one'));
    expect(dry.outcome.ok).toBe(true);
    expect(dry.calls).toEqual([
      'openSync',
      'fchmodSync',
      'writevSync',
      'fsync',
      'closeSync',
      'renameSync',
      'openSync',
      'fsync',
      'closeSync',
    ]);
    expect(dry.writes).toBe(1);

    const sync = await runWithFault(() => writeFileAtomic(file, 'two'), { at: 6, fault: 'ENOSPC' });
    expect(sync.injected?.call).toBe('renameSync');
    expect(sync.outcome.ok).toBe(false);
    expect(!sync.outcome.ok && sync.outcome.error).toBe(sync.injected?.error);
    expect(sync.injected?.error).toMatchObject({ code: 'ENOSPC', errno: -28, syscall: 'rename' });
    // The old content stays, and the failed write's temp file is gone.
    expect(await readFile(file, 'utf8')).toBe('one');
    expect(await readdir(dir)).toEqual(['f.txt']);

    const async = await runWithFault(() => writeFileAtomic(file, 'three'), { at: 4, fault: 'EIO' });
    expect(async.injected?.call).toBe('fsync');
    expect(async.outcome.ok).toBe(false);
    expect(await readdir(dir)).toEqual(['f.txt']);
  });

  test('a short write stores part of the data and the writer resumes', async ({ dir }) => {
    const file = join(dir, 'f.txt');
    const run = await runWithFault(() => writeFileAtomic(file, 'a complete line'), {
      at: 1,
      fault: 'short write',
    });
    expect(run.injected?.call).toBe('writevSync');
    expect(run.outcome.ok).toBe(true);
    expect(run.writes).toBe(2);
    expect(await readFile(file, 'utf8')).toBe('a complete line');
  });

  test('restores the call table, also when the operation throws', async ({ dir }) => {
    const run = await runWithFault(async () => {
      throw new Error('boom');
    });
    expect(run.outcome.ok).toBe(false);
    await writeFileAtomic(join(dir, 'after.txt'), 'fine');
    expect(await readFile(join(dir, 'after.txt'), 'utf8')).toBe('fine');
  });
});

describe('asStorageFailure', () => {
  test('a system error becomes a StorageFailureError naming the document, the failing path, operation and errno', () => {
    const system = Object.assign(new Error('EIO: i/o error'), {
      code: 'EIO',
      syscall: 'write',
      path: '/x/y',
    });
    const error = asStorageFailure(system, { kind: 'doc', operation: 'write', name: 'a', file: '/x/a' });
    expect(isOmegaError(error, 'STORAGE_FAILURE')).toBe(true);
    expect((error as CorruptDataError).details).toEqual({
      kind: 'doc',
      name: 'a',
      operation: 'write',
      file: '/x/a',
      errno: 'EIO',
      syscall: 'write',
      path: '/x/y',
    });
    expect((error as Error).message).toBe('write of doc "a" failed: EIO at /x/a');
    expect(causedBy(error, system)).toBe(true);
  });

  test('a write that failed after it began to land says what became of it', () => {
    const visible = withOutcome(
      Object.assign(new Error('EIO'), { code: 'EIO', syscall: 'fsync' }),
      'visible',
    );
    const error = asStorageFailure(visible, { kind: 'doc', operation: 'write', name: 'a', file: '/x/a' });
    expect((error as CorruptDataError).details).toMatchObject({ file: '/x/a', outcome: 'visible' });
    expect((error as Error).message).toContain('the new value is visible but may not survive a crash');
  });

  test('typed errors and errors without an errno code pass through', () => {
    const typed = new CorruptDataError('bad');
    const plain = new Error('plain');
    expect(asStorageFailure(typed, { kind: 'doc', operation: 'read', file: '/f' })).toBe(typed);
    expect(asStorageFailure(plain, { kind: 'doc', operation: 'read', file: '/f' })).toBe(plain);
  });
});

describe('a lock whose release fails on I/O', () => {
  test('release rejects, and the next acquisition in this process takes the lock over at once', async ({
    dir,
  }) => {
    const lockDir = join(dir, 'lock');
    const held = await acquireLock(lockDir);
    const run = await runWithFault(() => held.release(), { at: 1, fault: 'EIO' });
    expect(run.outcome.ok).toBe(false);
    // Without the takeover this would wait for the live holder (this process) until the timeout.
    const next = await acquireLock(lockDir, { timeoutMs: 0 });
    expect(next.fence).toBe(held.fence + 1);
    expect(await next.release()).toBe(true);
  });

  test("withLock still resolves with fn's result, and warns", async ({ dir }) => {
    const lockDir = join(dir, 'lock');
    await withLock(lockDir, async () => undefined);
    // Calls 1 and 2 check that the lock directory and its parent are no symlinks, call 3 is the fast
    // path's rename that takes the lock, call 4 the rename that frees it.
    const run = await runWithFault(() => withLock(lockDir, async (fence) => fence), {
      at: 4,
      fault: 'EACCES',
    });
    expect(run.outcome).toEqual({ ok: true, value: 2 });
    expect(run.warnings).toHaveLength(1);
    expect(run.warnings[0]).toContain('could not be released');
  });
});

describe('FilesystemDocumentBackend under faults', () => {
  test('a failed read or write is a StorageFailureError naming the document', async ({ dir }) => {
    const backend = new FilesystemDocumentBackend(SPEC, { root: dir });
    await backend.write('a', { n: 1 }, '"one"');
    const read = await runWithFault(() => backend.read('a'), { at: 1, fault: 'EMFILE' });
    expect(read.outcome.ok).toBe(false);
    const error = !read.outcome.ok ? read.outcome.error : null;
    expect(isOmegaError(error, 'STORAGE_FAILURE')).toBe(true);
    expect((error as CorruptDataError).details).toMatchObject({ kind: 'doc', name: 'a', operation: 'read' });
    await rejectionOf(
      () =>
        runWithFault(() => backend.write('a', { n: 2 }, '"two"'), { at: 3, fault: 'EIO' }).then((r) => {
          if (!r.outcome.ok) throw r.outcome.error;
        }),
      'STORAGE_FAILURE',
    );
    expect((await backend.read('a'))?.body).toBe('"one"');
  });

  test('a temp file whose removal failed is removed by the next write', async ({ dir }) => {
    const backend = new FilesystemDocumentBackend(SPEC, { root: dir, durable: false });
    await backend.directory();
    // A create of a name never written links its temp file into place, then unlinks the temp file.
    const dry = await runWithFault(() => backend.create('a', { n: 1 }, '"one"'));
    const unlinkAt = dry.calls.lastIndexOf('unlinkSync') + 1;
    const run = await runWithFault(() => backend.create('c', { n: 1 }, '"one"'), {
      at: unlinkAt,
      fault: 'EIO',
    });
    expect(run.injected?.call).toBe('unlinkSync');
    expect(run.outcome.ok).toBe(true);
    const folder = join(dir, 'docs');
    expect((await readdir(folder)).filter((entry) => entry.endsWith('.tmp'))).toHaveLength(1);
    await backend.write('b', { n: 2 }, '"two"');
    expect((await readdir(folder)).filter((entry) => entry.endsWith('.tmp'))).toEqual([]);
  });
});
