import { existsSync } from 'node:fs';
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
import type { OmegaError, State } from '@omega/core';
import { emptyState } from '@omega/core';
import {
  assertSameValue,
  describeFilesystemFaults,
  editFramedFile,
  type FramedText,
  INVALID_NAMES,
  readFramedText,
  rejectionOf,
  thrownBy,
} from '@omega/core/testing';
import { createTempDir, removeTempDir, tempDir } from '@omega/test-kit';
import * as vitest from 'vitest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeStateProvider } from '../src/conformance.js';
import { FilesystemStateProvider } from '../src/filesystem.js';

const NOW = 1_700_000_000_000;

describeStateProvider(
  'filesystem',
  async () => {
    const { dir: root, remove } = await tempDir('omega-state-');
    return { provider: new FilesystemStateProvider({ root }), cleanup: remove };
  },
  { reopen: async (provider) => new FilesystemStateProvider({ root: provider.root }) },
);

describe('FilesystemStateProvider', () => {
  let dir = '';
  let root = '';
  let folder = '';

  beforeEach(async () => {
    dir = await realpath(await createTempDir('omega-state-fs-'));
    root = join(dir, 'root');
    folder = join(root, 'state');
  });

  afterEach(async () => {
    await removeTempDir(dir);
  });

  function open(options: { durable?: boolean; now?: () => number } = {}): FilesystemStateProvider {
    return new FilesystemStateProvider({ root, now: () => NOW, ...options });
  }

  function sample(step = 1): State {
    return {
      control: { op: 'step', at: new Date(NOW) },
      env: { x: 'a0' },
      store: { a0: 10n },
      kont: [],
      step,
      status: 'running',
    };
  }

  describe('on-disk layout', () => {
    it('writes one framed file per id, owner-only, with no temp file left', async () => {
      const provider = open();
      await provider.saveState('run-1', sample());
      const file = join(folder, 'run-1.jsonl');
      // readFramedText insists on newline-terminated lines; a body without a newline makes them two.
      const { header, body } = await readFramedText(file);
      expect(header).toStrictEqual({
        format: 'omega.state',
        version: 1,
        name: 'run-1',
        updatedAt: NOW,
        bodyBytes: Buffer.byteLength(body),
      });
      expect(body).not.toContain('\n');
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect((await stat(folder)).mode & 0o777).toBe(0o700);
      expect((await readdir(folder)).filter((entry) => entry.endsWith('.tmp'))).toStrictEqual([]);
    });

    it('stamps updatedAt from the clock on every save', async () => {
      const times = [NOW, NOW + 5];
      const provider = open({ now: () => times.shift() ?? -1 });
      const updatedAt = async () => (await readFramedText(join(folder, 'a.jsonl'))).header.updatedAt;
      await provider.saveState('a', sample(1));
      expect(await updatedAt()).toBe(NOW);
      await provider.saveState('a', sample(2));
      expect(await updatedAt()).toBe(NOW + 5);
    });

    it('rejects a clock that does not give whole milliseconds, writing nothing', async () => {
      const provider = open({ now: () => 1.5 });
      const error = await rejectionOf(provider.saveState('a', sample()), 'INVALID_ARGUMENT');
      expect(error.details).toMatchObject({ kind: 'state', name: 'a', option: 'now' });
      expect(await provider.listStates()).toStrictEqual([]);
    });

    it('needs a root', () => {
      for (const bad of [{}, { root: '' }, { root: 42 }]) {
        thrownBy(() => new FilesystemStateProvider(bad as { root: string }), 'INVALID_ARGUMENT');
      }
    });

    it('round-trips with durable: false, readable by a durable provider', async () => {
      const fast = open({ durable: false });
      await fast.saveState('quick', sample(3));
      assertSameValue(await fast.loadState('quick'), sample(3));
      assertSameValue(await open().loadState('quick'), sample(3));
    });

    it('lists only <valid id>.jsonl files', async () => {
      const provider = open();
      await provider.saveState('real', sample());
      await writeFile(join(folder, 'notes.txt'), 'x');
      await writeFile(join(folder, 'bad name.jsonl'), 'x');
      await writeFile(join(folder, '.hidden.jsonl'), 'x');
      await writeFile(join(folder, `.real.jsonl.${process.pid}.0123abcd.tmp`), 'x');
      await mkdir(join(folder, 'sub.jsonl'));
      expect(await provider.listStates()).toStrictEqual(['real']);
    });
  });

  describe('damaged files', () => {
    const file = (id: string) => join(folder, `${id}.jsonl`);

    /** Saves a good state under `id`, then rewrites its file through `edit` (bodyBytes kept true). */
    async function damage(id: string, edit: (text: FramedText) => FramedText): Promise<void> {
      await open().saveState(id, sample());
      await editFramedFile(file(id), edit);
    }

    /** Replaces the body, so only the body is at fault. */
    const withBody =
      (body: string) =>
      ({ header }: FramedText): FramedText => ({ header, body });

    /** Changes header fields, keeping the body. */
    const withHeader =
      (fields: Record<string, unknown>) =>
      ({ header, body }: FramedText): FramedText => ({ header: { ...header, ...fields }, body });

    async function expectCorrupt(id: string, where = file(id)): Promise<OmegaError> {
      const error = await rejectionOf(open().loadState(id), 'CORRUPT_DATA');
      expect(error.details.file).toBe(where);
      return error;
    }

    it('a body that is not JSON', async () => {
      await damage('a', withBody('{"control": '));
      await expectCorrupt('a');
    });

    it('a body with a field of the wrong type, naming the path', async () => {
      await damage(
        'a',
        withBody(
          JSON.stringify({ control: null, env: {}, store: {}, kont: [], step: 'x', status: 'running' }),
        ),
      );
      const error = await expectCorrupt('a');
      expect(error.details).toMatchObject({ kind: 'state', name: 'a', path: '$.step' });
    });

    it('a body with an unknown status, or missing a field', async () => {
      await damage(
        'a',
        withBody(JSON.stringify({ control: null, env: {}, store: {}, kont: [], step: 1, status: 'x' })),
      );
      expect((await expectCorrupt('a')).details.path).toBe('$.status');
      await damage(
        'b',
        withBody(JSON.stringify({ control: null, env: {}, store: {}, step: 1, status: 'running' })),
      );
      expect((await expectCorrupt('b')).details.path).toBe('$.kont');
    });

    it('a body with an unknown type tag', async () => {
      const body = JSON.stringify({
        control: { $t: 'no-such-tag', v: 1 },
        env: {},
        store: {},
        kont: [],
        step: 1,
        status: 'running',
      });
      await damage('a', withBody(body));
      await expectCorrupt('a');
    });

    it('a wrong format tag', async () => {
      await damage('a', withHeader({ format: 'omega.session' }));
      await expectCorrupt('a');
    });

    it('a newer format version', async () => {
      await damage('a', withHeader({ version: 2 }));
      await expectCorrupt('a');
    });

    it('a header field of the wrong type', async () => {
      await damage('a', withHeader({ updatedAt: 'yesterday' }));
      await expectCorrupt('a');
    });

    it('a body longer or shorter than the header says', async () => {
      // Written by hand: editFramedFile would make bodyBytes true to the edited body.
      for (const [id, edit] of [
        ['a', (body: string) => `${body} `],
        ['b', (body: string) => body.slice(0, -1)],
      ] as const) {
        await open().saveState(id, sample());
        const { header, body } = await readFramedText(file(id));
        await writeFile(file(id), `${JSON.stringify(header)}\n${edit(body)}\n`);
        await expectCorrupt(id);
      }
    });

    it('a truncated file, an empty file, a header without its newline', async () => {
      await open().saveState('a', sample());
      const text = await readFile(file('a'), 'utf8');
      await writeFile(file('a'), text.slice(0, Math.floor(text.length / 2)));
      await expectCorrupt('a');
      await writeFile(file('a'), '');
      await expectCorrupt('a');
      await writeFile(file('a'), text.slice(0, text.indexOf('\n')));
      await expectCorrupt('a');
    });

    it('a file renamed to another id', async () => {
      await open().saveState('original', sample());
      await rename(file('original'), file('renamed'));
      await expectCorrupt('renamed');
    });

    it('a damaged file can be replaced by a new save', async () => {
      await damage('a', withBody('garbage'));
      await expectCorrupt('a');
      await open().saveState('a', sample(9));
      assertSameValue(await open().loadState('a'), sample(9));
    });
  });

  describe('confinement', () => {
    async function listTree(path: string): Promise<string[]> {
      return (await readdir(path, { recursive: true })).map(String).sort();
    }

    it('invalid ids touch nothing, inside or outside the root', async () => {
      const provider = open();
      await provider.saveState('present', sample());
      const before = await listTree(dir);
      for (const bad of INVALID_NAMES) {
        const id = bad as string;
        for (const pending of [
          provider.saveState(id, sample()),
          provider.loadState(id),
          provider.deleteState(id),
        ]) {
          await rejectionOf(pending, 'INVALID_NAME');
        }
      }
      expect(await listTree(dir)).toStrictEqual(before);
    });

    it('invalid ids create no root at all on a fresh provider', async () => {
      const provider = open();
      for (const bad of INVALID_NAMES) {
        await rejectionOf(provider.saveState(bad as string, sample()), 'INVALID_NAME');
      }
      expect(await readdir(dir)).toStrictEqual([]);
    });

    it('refuses a symlink planted in the folder, on read and on write, leaving its target alone', async () => {
      const provider = open();
      await provider.saveState('seed', sample());
      // A target holding a genuine state document for the id, so only the symlink can be the reason to refuse.
      const elsewhere = join(dir, 'elsewhere');
      await new FilesystemStateProvider({ root: elsewhere }).saveState('planted', sample(5));
      const target = join(elsewhere, 'state', 'planted.jsonl');
      const original = await readFile(target);
      await symlink(target, join(folder, 'planted.jsonl'));

      const onRead = await rejectionOf(provider.loadState('planted'), 'CORRUPT_DATA');
      expect(onRead.details.file).toBe(join(folder, 'planted.jsonl'));
      await rejectionOf(provider.saveState('planted', sample(6)), 'CORRUPT_DATA');
      expect(await readFile(target)).toStrictEqual(original);
      expect((await lstat(join(folder, 'planted.jsonl'))).isSymbolicLink()).toBe(true);
    });

    it.skipIf(!existsSync('/etc/hostname'))('refuses a symlink to a system file', async () => {
      const provider = open();
      await provider.saveState('seed', sample());
      await symlink('/etc/hostname', join(folder, 'host.jsonl'));
      await rejectionOf(provider.loadState('host'), 'CORRUPT_DATA');
    });

    it('refuses a state folder that is a symlink', async () => {
      const outside = join(dir, 'outside');
      await mkdir(outside);
      await mkdir(root);
      await symlink(outside, folder);
      const provider = open();
      await rejectionOf(provider.saveState('a', sample()), 'CORRUPT_DATA');
      expect(await readdir(outside)).toStrictEqual([]);
    });
  });
});

describeFilesystemFaults(vitest, {
  kind: 'state',
  folder: 'state',
  open: (root) => new FilesystemStateProvider({ root }),
  save: (provider, name) => provider.saveState(name, emptyState()),
  load: (provider, name) => provider.loadState(name),
  list: (provider) => provider.listStates(),
  remove: (provider, name) => provider.deleteState(name),
});
