import { spawn } from 'node:child_process';
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
import { fileURLToPath } from 'node:url';
import { isOmegaError, type OmegaError, type State } from '@omega/core';
import { INVALID_NAMES } from '@omega/core/testing';
import { createTempDir, removeTempDir, tempDir } from '@omega/test-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeStateProvider } from '../src/conformance.js';
import { FilesystemStateProvider } from '../src/filesystem.js';
import { writerState } from './fixtures/writer-state.js';

const SAVE_LOOP = fileURLToPath(new URL('./fixtures/save-loop.ts', import.meta.url));
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

  async function rejection(pending: Promise<unknown>): Promise<OmegaError> {
    const error = await pending.then(
      () => new Error('resolved instead of rejecting'),
      (reason: unknown) => reason,
    );
    if (!isOmegaError(error)) throw error;
    return error;
  }

  describe('on-disk layout', () => {
    it('writes one framed file per id, owner-only, with no temp file left', async () => {
      const provider = open();
      await provider.saveState('run-1', sample());
      const file = join(folder, 'run-1.jsonl');
      const text = await readFile(file, 'utf8');
      const newline = text.indexOf('\n');
      const header = JSON.parse(text.slice(0, newline));
      const body = text.slice(newline + 1, -1);
      expect(text.endsWith('\n')).toBe(true);
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
      const updatedAt = async () =>
        JSON.parse((await readFile(join(folder, 'a.jsonl'), 'utf8')).split('\n')[0] ?? '');
      await provider.saveState('a', sample(1));
      expect((await updatedAt()).updatedAt).toBe(NOW);
      await provider.saveState('a', sample(2));
      expect((await updatedAt()).updatedAt).toBe(NOW + 5);
    });

    it('rejects a clock that does not give whole milliseconds, writing nothing', async () => {
      const provider = open({ now: () => 1.5 });
      const error = await rejection(provider.saveState('a', sample()));
      expect(isOmegaError(error, 'INVALID_ARGUMENT')).toBe(true);
      expect(error.details).toMatchObject({ kind: 'state', name: 'a', option: 'now' });
      expect(await provider.listStates()).toStrictEqual([]);
    });

    it('needs a root', () => {
      for (const bad of [{}, { root: '' }, { root: 42 }]) {
        let thrown: unknown;
        try {
          new FilesystemStateProvider(bad as { root: string });
        } catch (error) {
          thrown = error;
        }
        expect(isOmegaError(thrown, 'INVALID_ARGUMENT')).toBe(true);
      }
    });

    it('round-trips with durable: false, readable by a durable provider', async () => {
      const fast = open({ durable: false });
      await fast.saveState('quick', sample(3));
      expect(await fast.loadState('quick')).toStrictEqual(sample(3));
      expect(await open().loadState('quick')).toStrictEqual(sample(3));
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

    /** Saves a good state under `id`, then rewrites its file with `edit(header, body)`. */
    async function damage(
      id: string,
      edit: (
        header: Record<string, unknown>,
        body: string,
      ) => { header: Record<string, unknown>; body: string },
    ): Promise<void> {
      await open().saveState(id, sample());
      const text = await readFile(file(id), 'utf8');
      const newline = text.indexOf('\n');
      const edited = edit(JSON.parse(text.slice(0, newline)), text.slice(newline + 1, -1));
      await writeFile(file(id), `${JSON.stringify(edited.header)}\n${edited.body}\n`);
    }

    /** Keeps the header consistent with a replaced body, so only the body is at fault. */
    const withBody = (body: string) => (header: Record<string, unknown>) => ({
      header: { ...header, bodyBytes: Buffer.byteLength(body) },
      body,
    });

    async function expectCorrupt(id: string, where = file(id)): Promise<OmegaError> {
      const error = await rejection(open().loadState(id));
      expect(isOmegaError(error, 'CORRUPT_DATA'), `${error.code}: ${error.message}`).toBe(true);
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
      await damage('a', (header, body) => ({ header: { ...header, format: 'omega.session' }, body }));
      await expectCorrupt('a');
    });

    it('a newer format version', async () => {
      await damage('a', (header, body) => ({ header: { ...header, version: 2 }, body }));
      await expectCorrupt('a');
    });

    it('a header field of the wrong type', async () => {
      await damage('a', (header, body) => ({ header: { ...header, updatedAt: 'yesterday' }, body }));
      await expectCorrupt('a');
    });

    it('a body longer or shorter than the header says', async () => {
      await damage('a', (header, body) => ({ header, body: `${body} ` }));
      await expectCorrupt('a');
      await damage('b', (header, body) => ({ header, body: body.slice(0, -1) }));
      await expectCorrupt('b');
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
      expect(await open().loadState('a')).toStrictEqual(sample(9));
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
          expect(isOmegaError(await rejection(pending), 'INVALID_NAME')).toBe(true);
        }
      }
      expect(await listTree(dir)).toStrictEqual(before);
    });

    it('invalid ids create no root at all on a fresh provider', async () => {
      const provider = open();
      for (const bad of INVALID_NAMES) {
        expect(
          isOmegaError(await rejection(provider.saveState(bad as string, sample())), 'INVALID_NAME'),
        ).toBe(true);
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

      const onRead = await rejection(provider.loadState('planted'));
      expect(isOmegaError(onRead, 'CORRUPT_DATA')).toBe(true);
      expect(onRead.details.file).toBe(join(folder, 'planted.jsonl'));
      const onWrite = await rejection(provider.saveState('planted', sample(6)));
      expect(isOmegaError(onWrite, 'CORRUPT_DATA')).toBe(true);
      expect(await readFile(target)).toStrictEqual(original);
      expect((await lstat(join(folder, 'planted.jsonl'))).isSymbolicLink()).toBe(true);
    });

    it.skipIf(!existsSync('/etc/hostname'))('refuses a symlink to a system file', async () => {
      const provider = open();
      await provider.saveState('seed', sample());
      await symlink('/etc/hostname', join(folder, 'host.jsonl'));
      expect(isOmegaError(await rejection(provider.loadState('host')), 'CORRUPT_DATA')).toBe(true);
    });

    it('refuses a state folder that is a symlink', async () => {
      const outside = join(dir, 'outside');
      await mkdir(outside);
      await mkdir(root);
      await symlink(outside, folder);
      const provider = open();
      expect(isOmegaError(await rejection(provider.saveState('a', sample())), 'CORRUPT_DATA')).toBe(true);
      expect(await readdir(outside)).toStrictEqual([]);
    });
  });

  describe('several processes', () => {
    function runSaveLoop(id: string, writer: string, count: number): Promise<void> {
      return new Promise((resolve, reject) => {
        const child = spawn(
          process.execPath,
          ['--import', 'tsx', SAVE_LOOP, root, id, writer, String(count)],
          {
            stdio: ['ignore', 'ignore', 'pipe'],
          },
        );
        let stderr = '';
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
          stderr += chunk;
        });
        child.on('error', reject);
        child.on('exit', (code, signal) => {
          if (code === 0) resolve();
          else reject(new Error(`writer ${writer} exited with ${code ?? signal}: ${stderr}`));
        });
      });
    }

    function expectWrittenState(state: State | null): void {
      if (state === null) throw new Error('expected a written state, found none');
      const { writer, i } = state.control as { writer: string; i: number };
      expect(state).toStrictEqual(writerState(writer, i));
    }

    it('two processes saving one id concurrently never leave a torn or unreadable file', async () => {
      const count = 25;
      let running = true;
      const writers = Promise.all([
        runSaveLoop('shared', 'A', count),
        runSaveLoop('shared', 'B', count),
      ]).finally(() => {
        running = false;
      });
      const reader = open();
      // Reads race the writers on purpose: every read must see nothing yet or one whole state.
      while (running) {
        const loaded = await reader.loadState('shared');
        if (loaded !== null) expectWrittenState(loaded);
      }
      await writers;
      const final = await reader.loadState('shared');
      expectWrittenState(final);
      expect([writerState('A', count - 1), writerState('B', count - 1)]).toContainEqual(final);
      expect((await readdir(folder)).filter((entry) => entry.endsWith('.tmp'))).toStrictEqual([]);
    });
  });
});
