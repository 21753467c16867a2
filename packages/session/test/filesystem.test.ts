import { readdir, readFile, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { encode, type OmegaError } from '@omega/core';
import { acquireLock } from '@omega/core/fs';
import { describeFilesystemFaults, editFramedFile, rejectionOf } from '@omega/core/testing';
import { fakeClock, tempDir } from '@omega/test-kit';
import * as vitest from 'vitest';
import { describe, expect, it } from 'vitest';
import { describeSessionProvider } from '../src/conformance.js';
import { FilesystemSessionProvider, type FilesystemSessionProviderOptions } from '../src/filesystem.js';
import { session } from './helpers.js';

describeSessionProvider(
  'filesystem',
  async () => {
    const { dir, remove } = await tempDir('omega-session-');
    return { provider: new FilesystemSessionProvider({ root: dir }), cleanup: remove };
  },
  { reopen: async (provider) => new FilesystemSessionProvider({ root: provider.root }) },
);

// Files, folders, modes, temp files, symlinks, locks and damaged framing are the document port's, tested
// in @omega/core (fs-document-backend.test.ts); here, what the session family puts in and reads back.

/** Runs `body` with a provider on a fresh root, removing the root afterwards. */
async function withStore(
  body: (context: { provider: FilesystemSessionProvider; folder: string }) => Promise<void>,
  options: Omit<FilesystemSessionProviderOptions, 'root'> = {},
): Promise<void> {
  const { dir, remove } = await tempDir('omega-session-');
  const provider = new FilesystemSessionProvider({ root: dir, ...options });
  try {
    await body({ provider, folder: join(await realpath(dir), 'sessions') });
  } finally {
    await provider.close();
    await remove();
  }
}

async function expectCorrupt(pending: Promise<unknown>, file: string): Promise<OmegaError> {
  const error = await rejectionOf(pending, 'CORRUPT_DATA');
  expect(error.details.file).toBe(file);
  return error;
}

describe('FilesystemSessionProvider: files', () => {
  it('stores a session as <root>/sessions/<name>.jsonl: a header line, then a serde body line', async () => {
    await withStore(
      async ({ provider, folder }) => {
        const data = session('layout');
        await provider.save('layout', data);
        await provider.save('layout', data);
        const text = await readFile(join(folder, 'layout.jsonl'), 'utf8');
        const newline = text.indexOf('\n');
        expect(text.endsWith('\n')).toBe(true);
        const body = text.slice(newline + 1, -1);
        expect(JSON.parse(text.slice(0, newline))).toMatchObject({
          format: 'omega.session',
          version: 1,
          name: 'layout',
          createdAt: 5_000,
          updatedAt: 5_010,
          sessionVersion: 2,
          bodyBytes: Buffer.byteLength(body),
        });
        expect(body).toBe(encode(data));
        expect(await provider.info('layout')).toStrictEqual({
          name: 'layout',
          createdAt: 5_000,
          updatedAt: 5_010,
          version: 2,
          size: Buffer.byteLength(body),
        });
      },
      { now: fakeClock(5_000, 10) },
    );
  });

  it('saves and deletes under the session lock: waits at most lockTimeoutMs for a live holder, then ConflictError', async () => {
    await withStore(
      async ({ provider, folder }) => {
        await provider.save('busy', session('before'));
        const held = await acquireLock(join(folder, '.locks', 'busy'));
        try {
          await rejectionOf(provider.save('busy', session('blocked')), 'CONFLICT');
          await rejectionOf(provider.delete('busy'), 'CONFLICT');
        } finally {
          await held.release();
        }
        expect(await provider.load('busy')).toStrictEqual(session('before'));
        await provider.save('busy', session('after'), { expectedVersion: 1 });
        expect(await provider.load('busy')).toStrictEqual(session('after'));
      },
      { lockTimeoutMs: 0 },
    );
  });
});

describe('FilesystemSessionProvider: what refused writes leave behind', () => {
  it('compare-and-swap saves and deletes refused on missing sessions leave no lock folders', async () => {
    await withStore(async ({ provider, folder }) => {
      for (let i = 0; i < 200; i++) {
        await rejectionOf(provider.save(`new-${i}`, session('x'), { expectedVersion: 3 }), 'CONFLICT');
        await rejectionOf(provider.delete(`gone-${i}`), 'NOT_FOUND');
        await rejectionOf(provider.delete(`gone-${i}`, { expectedVersion: 1 }), 'NOT_FOUND');
      }
      expect(await readdir(join(folder, '.locks'))).toEqual([]);
      expect(await provider.list()).toEqual([]);
      // A session deleted leaves no lock folder either; its tombstone is no session.
      await provider.save('kept', session('a'));
      await provider.save('dropped', session('b'));
      await provider.delete('dropped', { expectedVersion: 1 });
      expect(await readdir(join(folder, '.locks'))).toEqual(['kept']);
      expect((await provider.list()).map((info) => info.name)).toEqual(['kept']);
      expect(await provider.exists('dropped')).toBe(false);
    });
  });
});

describe('FilesystemSessionProvider: session files that do not hold a session', () => {
  type Damage = (
    header: Record<string, unknown>,
    body: string,
  ) => { header: Record<string, unknown>; body: string };
  const corruptions: Array<{
    label: string;
    damage: Damage;
    /** Whether header-only reads (info, exists, list) must notice too. */
    headerDamaged: boolean;
    path: string;
  }> = [
    {
      label: 'a body with a field of the wrong type',
      damage: (header, body) => {
        const data = JSON.parse(body);
        data.state.step = 'seven';
        return { header, body: JSON.stringify(data) };
      },
      headerDamaged: false,
      path: 'step',
    },
    {
      label: 'a body that is not a session',
      damage: (header) => ({ header, body: JSON.stringify({ meta: {} }) }),
      headerDamaged: false,
      path: 'state',
    },
    {
      label: 'a header whose session version is not a number',
      damage: (header, body) => ({ header: { ...header, sessionVersion: 'two' }, body }),
      headerDamaged: true,
      path: 'sessionVersion',
    },
  ];

  for (const { label, damage, headerDamaged, path } of corruptions) {
    it(`reports ${label} as CorruptDataError naming the file and the path`, async () => {
      await withStore(async ({ provider, folder }) => {
        await provider.save('victim', session('victim'));
        await provider.save('bystander', session('bystander'));
        const file = join(folder, 'victim.jsonl');
        await editFramedFile(file, ({ header, body }) => damage(header, body));
        const error = await expectCorrupt(provider.load('victim'), file);
        expect(String(error.details.path)).toContain(path);
        if (headerDamaged) {
          await expectCorrupt(provider.info('victim'), file);
          await expectCorrupt(provider.exists('victim'), file);
          await expectCorrupt(provider.list(), file);
          await expectCorrupt(provider.save('victim', session('over')), file);
        }
        expect(await provider.load('bystander')).toStrictEqual(session('bystander'));
        await provider.delete('victim');
        expect(await provider.exists('victim')).toBe(false);
        expect((await provider.list()).map((info) => info.name)).toStrictEqual(['bystander']);
      });
    });
  }
});

describeFilesystemFaults(vitest, {
  kind: 'session',
  folder: 'sessions',
  open: (root) => new FilesystemSessionProvider({ root }),
  save: (provider, name) => provider.save(name, session('faults')),
  load: (provider, name) => provider.load(name),
  list: async (provider) => (await provider.list()).map((info) => info.name),
  remove: (provider, name) => provider.delete(name),
});
