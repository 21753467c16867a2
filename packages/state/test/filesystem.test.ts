import { realpath } from 'node:fs/promises';
import { join } from 'node:path';
import type { OmegaError, State } from '@omega/core';
import { emptyState } from '@omega/core';
import {
  assertSameValue,
  describeFilesystemFaults,
  editFramedFile,
  type FramedText,
  readFramedText,
  rejectionOf,
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

// Files, folders, modes, temp files, symlinks and damaged framing are the document port's, tested in
// @omega/core (fs-document-backend.test.ts); here, what the state family puts in and reads back.
describe('FilesystemStateProvider', () => {
  let dir = '';
  let folder = '';

  beforeEach(async () => {
    dir = await realpath(await createTempDir('omega-state-fs-'));
    folder = join(dir, 'state');
  });

  afterEach(async () => {
    await removeTempDir(dir);
  });

  function open(now: () => number = () => NOW): FilesystemStateProvider {
    return new FilesystemStateProvider({ root: dir, now });
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

  const file = (id: string) => join(folder, `${id}.jsonl`);

  it('writes one framed file per id: a header stamped by the clock, then the serde body', async () => {
    const times = [NOW, NOW + 5];
    const provider = open(() => times.shift() ?? -1);
    await provider.saveState('run-1', sample(1));
    // readFramedText insists on newline-terminated lines; a body with a newline would make them two.
    const { header, body } = await readFramedText(file('run-1'));
    expect(header).toStrictEqual({
      format: 'omega.state',
      version: 1,
      name: 'run-1',
      // The id of the write that made it: what the next write is committed over.
      writeId: expect.stringMatching(/^[A-Za-z0-9_-]{16}$/),
      updatedAt: NOW,
      bodyBytes: Buffer.byteLength(body),
    });
    await provider.saveState('run-1', sample(2));
    expect((await readFramedText(file('run-1'))).header.updatedAt).toBe(NOW + 5);
  });

  describe('files that do not hold a state', () => {
    /** Saves a good state under `id`, then rewrites its file through `edit` (bodyBytes kept true). */
    async function damage(id: string, edit: (text: FramedText) => FramedText): Promise<void> {
      await open().saveState(id, sample());
      await editFramedFile(file(id), edit);
    }

    async function expectCorrupt(id: string): Promise<OmegaError> {
      const error = await rejectionOf(open().loadState(id), 'CORRUPT_DATA');
      expect(error.details.file).toBe(file(id));
      return error;
    }

    it('a body with a field of the wrong type, naming the path', async () => {
      const body = { control: null, env: {}, store: {}, kont: [], step: 'x', status: 'running' };
      await damage('a', ({ header }) => ({ header, body: JSON.stringify(body) }));
      expect((await expectCorrupt('a')).details.path).toBe('$.step');
    });

    it('a header field of the wrong type', async () => {
      await damage('a', ({ header, body }) => ({ header: { ...header, updatedAt: 'yesterday' }, body }));
      await expectCorrupt('a');
    });

    it('a damaged file can be replaced by a new save', async () => {
      await damage('a', ({ header }) => ({ header, body: 'garbage' }));
      await expectCorrupt('a');
      await open().saveState('a', sample(9));
      assertSameValue(await open().loadState('a'), sample(9));
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
