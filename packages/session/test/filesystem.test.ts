import { spawnSync } from 'node:child_process';
import {
  lstat,
  mkdir,
  readdir,
  readFile,
  realpath,
  rename,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import { encode, isOmegaError, type OmegaError } from '@omega/core';
import { acquireLock } from '@omega/core/fs';
import { describeFilesystemFaults, editFramedFile, INVALID_NAMES } from '@omega/core/testing';
import { tempDir } from '@omega/test-kit';
import * as vitest from 'vitest';
import { describe, expect, it } from 'vitest';
import { describeSessionProvider } from '../src/conformance.js';
import { FilesystemSessionProvider, type FilesystemSessionProviderOptions } from '../src/filesystem.js';
import type { SessionProvider } from '../src/index.js';
import { fakeClock, session } from './helpers.js';

describeSessionProvider(
  'filesystem',
  async () => {
    const { dir, remove } = await tempDir('omega-session-');
    return { provider: new FilesystemSessionProvider({ root: dir }), cleanup: remove };
  },
  { reopen: async (provider) => new FilesystemSessionProvider({ root: provider.root }) },
);

/** Runs `body` with a provider on a fresh root, removing the root afterwards. */
async function withStore(
  body: (context: {
    provider: FilesystemSessionProvider;
    root: string;
    folder: string;
    dir: string;
  }) => Promise<void>,
  options: Omit<FilesystemSessionProviderOptions, 'root'> = {},
): Promise<void> {
  const { dir, remove } = await tempDir('omega-session-');
  const root = join(dir, 'root');
  const provider = new FilesystemSessionProvider({ root, ...options });
  try {
    await body({ provider, root, folder: join(await realpath(dir), 'root', 'sessions'), dir });
  } finally {
    await provider.close();
    await remove();
  }
}

async function rejection(pending: Promise<unknown>): Promise<unknown> {
  return pending.then(
    () => expect.unreachable('expected a rejection'),
    (error: unknown) => error,
  );
}

async function expectCorrupt(pending: Promise<unknown>, file: string): Promise<OmegaError> {
  const error = await rejection(pending);
  expect(isOmegaError(error, 'CORRUPT_DATA'), `expected CORRUPT_DATA, got ${String(error)}`).toBe(true);
  expect((error as OmegaError).details.file).toBe(file);
  return error as OmegaError;
}

/** Rewrites a session file through `edit`, keeping the header's bodyBytes consistent with the new body. */
function handEdit(
  file: string,
  edit: (header: Record<string, unknown>, body: string) => { header: Record<string, unknown>; body: string },
): Promise<void> {
  return editFramedFile(file, ({ header, body }) => edit(header, body));
}

/** Every path under `dir` with its type and size, to show that nothing was created or changed. */
async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  const described = await Promise.all(
    entries.map(async (entry) => {
      const info = await lstat(join(dir, entry));
      return `${entry} ${info.isDirectory() ? 'dir' : info.size}`;
    }),
  );
  return described.sort();
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

  it('makes the folder 0700 and the files 0600', async () => {
    await withStore(async ({ provider, folder }) => {
      await provider.save('modes', session('modes'));
      expect((await stat(folder)).mode & 0o777).toBe(0o700);
      expect((await stat(join(folder, 'modes.jsonl'))).mode & 0o777).toBe(0o600);
    });
  });

  it('creates nothing on disk until the first call', async () => {
    const { dir, remove } = await tempDir('omega-session-');
    try {
      const provider = new FilesystemSessionProvider({ root: join(dir, 'root') });
      expect(await readdir(dir)).toStrictEqual([]);
      await provider.close();
    } finally {
      await remove();
    }
  });

  it('shares sessions and versions between providers on the same root', async () => {
    await withStore(async ({ provider, root }) => {
      await provider.save('shared', session('one'));
      const other = new FilesystemSessionProvider({ root });
      expect(await other.load('shared')).toStrictEqual(session('one'));
      await other.save('shared', session('two'), { expectedVersion: 1 });
      expect(await provider.info('shared')).toMatchObject({ version: 2 });
      expect(await provider.load('shared')).toStrictEqual(session('two'));
      await other.close();
    });
  });

  it('round-trips with durable: false', async () => {
    await withStore(
      async ({ provider, root }) => {
        await provider.save('fast', session('fast'));
        await provider.save('fast', session('faster'), { expectedVersion: 1 });
        const reader = new FilesystemSessionProvider({ root, durable: false });
        expect(await reader.load('fast')).toStrictEqual(session('faster'));
        expect(await reader.info('fast')).toMatchObject({ version: 2 });
        await reader.close();
      },
      { durable: false },
    );
  });

  it('sweeps temp files of dead writers on first use, keeping those of live ones', async () => {
    await withStore(async ({ provider, folder }) => {
      await mkdir(folder, { recursive: true });
      // A pid that just exited is, on any practical system, not reused within the test.
      const deadPid = spawnSync(process.execPath, ['-e', '']).pid;
      const dead = `.s.jsonl.${deadPid}.0123456789ab.tmp`;
      const live = `.s.jsonl.${process.pid}.ba9876543210.tmp`;
      await writeFile(join(folder, dead), 'half a session');
      await writeFile(join(folder, live), 'being written');
      expect(await provider.list()).toStrictEqual([]);
      expect((await readdir(folder)).filter((entry) => entry.endsWith('.tmp'))).toStrictEqual([live]);
    });
  });

  it('waits at most lockTimeoutMs for a live lock holder, then rejects ConflictError', async () => {
    await withStore(
      async ({ provider, folder }) => {
        await provider.save('busy', session('before'));
        const held = await acquireLock(join(folder, '.locks', 'busy'));
        try {
          const error = await rejection(provider.save('busy', session('blocked')));
          expect(isOmegaError(error, 'CONFLICT')).toBe(true);
          expect(isOmegaError(await rejection(provider.delete('busy')), 'CONFLICT')).toBe(true);
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

  it('refuses a root that is not a non-empty string', () => {
    for (const root of ['', undefined, 42]) {
      let error: unknown;
      try {
        new FilesystemSessionProvider({ root } as { root: string });
      } catch (caught) {
        error = caught;
      }
      expect(isOmegaError(error, 'INVALID_ARGUMENT')).toBe(true);
    }
  });
});

describe('FilesystemSessionProvider: corrupted files', () => {
  type Corruption = {
    label: string;
    damage: (file: string, folder: string) => Promise<void>;
    /** Names the file the error must name (default the session's own file). */
    name?: string;
    /** Whether header-only reads (info, exists, list) must notice too. */
    headerDamaged: boolean;
    path?: string;
  };

  const corruptions: Corruption[] = [
    {
      label: 'a file truncated in the body',
      damage: async (file) => {
        const bytes = await readFile(file);
        await writeFile(file, bytes.subarray(0, bytes.length - 10));
      },
      headerDamaged: false,
    },
    {
      label: 'a file truncated in the header',
      damage: async (file) => {
        const bytes = await readFile(file);
        await writeFile(file, bytes.subarray(0, 20));
      },
      headerDamaged: true,
    },
    { label: 'an empty file', damage: (file) => writeFile(file, ''), headerDamaged: true },
    {
      label: 'a body that is not JSON',
      damage: (file) =>
        handEdit(file, (header, body) => ({ header, body: `{${'x'.repeat(body.length - 1)}` })),
      headerDamaged: false,
    },
    {
      label: 'a body with a field of the wrong type',
      damage: (file) =>
        handEdit(file, (header, body) => {
          const data = JSON.parse(body);
          data.state.step = 'seven';
          return { header, body: JSON.stringify(data) };
        }),
      headerDamaged: false,
      path: 'step',
    },
    {
      label: 'a body that is not a session',
      damage: (file) => handEdit(file, (header) => ({ header, body: JSON.stringify({ meta: {} }) })),
      headerDamaged: false,
      path: 'state',
    },
    {
      label: 'a header with a field of the wrong type',
      damage: (file) =>
        handEdit(file, (header, body) => ({ header: { ...header, sessionVersion: 'two' }, body })),
      headerDamaged: true,
    },
    {
      label: 'a header that is not JSON',
      damage: async (file) => {
        const text = await readFile(file, 'utf8');
        await writeFile(file, `not json${text.slice(text.indexOf('\n'))}`);
      },
      headerDamaged: true,
    },
    {
      label: 'a wrong format tag',
      damage: (file) =>
        handEdit(file, (header, body) => ({ header: { ...header, format: 'omega.snapshot' }, body })),
      headerDamaged: true,
    },
    {
      label: 'a newer format version',
      damage: (file) => handEdit(file, (header, body) => ({ header: { ...header, version: 2 }, body })),
      headerDamaged: true,
    },
    {
      label: 'a file renamed to another session name',
      damage: (file, folder) => rename(file, join(folder, 'renamed.jsonl')),
      name: 'renamed',
      headerDamaged: true,
    },
  ];

  for (const { label, damage, name = 'victim', headerDamaged, path } of corruptions) {
    it(`reports ${label} as CorruptDataError naming the file`, async () => {
      await withStore(async ({ provider, folder }) => {
        await provider.save('victim', session('victim'));
        await provider.save('bystander', session('bystander'));
        await damage(join(folder, 'victim.jsonl'), folder);
        const file = join(folder, `${name}.jsonl`);
        const error = await expectCorrupt(provider.load(name), file);
        if (path) expect(String(error.details.path)).toContain(path);
        if (headerDamaged) {
          await expectCorrupt(provider.info(name), file);
          await expectCorrupt(provider.exists(name), file);
          await expectCorrupt(provider.list(), file);
          await expectCorrupt(provider.save(name, session('over')), file);
        }
        expect(await provider.load('bystander')).toStrictEqual(session('bystander'));
        await provider.delete(name);
        expect(await provider.exists(name)).toBe(false);
        expect((await provider.list()).map((info) => info.name)).toStrictEqual(['bystander']);
      });
    });
  }
});

describe('FilesystemSessionProvider: confinement', () => {
  const methods: Array<[string, (provider: SessionProvider, name: string) => Promise<unknown>]> = [
    ['load', (p, n) => p.load(n)],
    ['save', (p, n) => p.save(n, session('escape'))],
    ['delete', (p, n) => p.delete(n)],
    ['exists', (p, n) => p.exists(n)],
    ['info', (p, n) => p.info(n)],
  ];

  it('creates and changes nothing, inside or beside the root, for names breaking the rule', async () => {
    await withStore(async ({ provider, dir }) => {
      await provider.save('present', session('present'));
      const before = await tree(dir);
      for (const bad of INVALID_NAMES) {
        for (const [method, call] of methods) {
          const error = await rejection(call(provider, bad as string));
          expect(isOmegaError(error, 'INVALID_NAME'), `${method}(${String(bad)})`).toBe(true);
        }
      }
      expect(await tree(dir)).toStrictEqual(before);
    });
  });

  it('refuses a session file that is a symlink to a file outside the root, leaving that file', async () => {
    await withStore(async ({ provider, folder, dir }) => {
      await provider.save('real', session('real'));
      // The outside file is a valid session file, so following the link would succeed where it must not.
      const outside = join(dir, 'outside.jsonl');
      await provider.save('evil', session('outside'));
      await rename(join(folder, 'evil.jsonl'), outside);
      const original = await readFile(outside);
      const link = join(folder, 'evil.jsonl');
      await symlink(outside, link);

      await expectCorrupt(provider.load('evil'), link);
      await expectCorrupt(provider.info('evil'), link);
      await expectCorrupt(provider.exists('evil'), link);
      await expectCorrupt(provider.save('evil', session('overwrite')), link);
      await provider.delete('evil').catch((error: unknown) => {
        expect(isOmegaError(error, 'CORRUPT_DATA')).toBe(true);
      });
      expect(await readFile(outside)).toStrictEqual(original);
      expect(await provider.load('real')).toStrictEqual(session('real'));
    });
  });

  it('refuses a session file that is a symlink to a system file', async () => {
    await withStore(async ({ provider, folder }) => {
      await provider.save('real', session('real'));
      const original = await readFile('/etc/hostname');
      const link = join(folder, 'host.jsonl');
      await symlink('/etc/hostname', link);
      await expectCorrupt(provider.load('host'), link);
      await expectCorrupt(provider.save('host', session('host')), link);
      expect(await readFile('/etc/hostname')).toStrictEqual(original);
    });
  });

  it('refuses a sessions folder that is a symlink, creating nothing where it points', async () => {
    const { dir, remove } = await tempDir('omega-session-');
    try {
      const root = join(dir, 'root');
      const elsewhere = join(dir, 'elsewhere');
      await mkdir(root);
      await mkdir(elsewhere);
      await symlink(elsewhere, join(root, 'sessions'));
      const provider = new FilesystemSessionProvider({ root });
      const error = await rejection(provider.save('s', session('s')));
      expect(isOmegaError(error, 'CORRUPT_DATA')).toBe(true);
      expect(await readdir(elsewhere)).toStrictEqual([]);
      await provider.close();
    } finally {
      await remove();
    }
  });
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
