import { join } from 'node:path';
import { encode } from '@omega/core';
import { describeFilesystemFaults, readFramedText } from '@omega/core/testing';
import { tempDir } from '@omega/test-kit';
import * as vitest from 'vitest';
import { describe, expect, it } from 'vitest';
import { describeProvenanceProvider } from '../src/conformance.js';
import { FilesystemProvenanceProvider } from '../src/filesystem.js';
import { fakeClock, record } from './helpers.js';

describeProvenanceProvider(
  'filesystem',
  async () => {
    const { dir, remove } = await tempDir('omega-provenance-');
    return { provider: new FilesystemProvenanceProvider({ root: dir }), cleanup: remove };
  },
  { reopen: async (provider) => new FilesystemProvenanceProvider({ root: provider.root }) },
);

// TODO(seed): what the family puts in its files and reads back (its header fields, the shape of its
// records, what they report when damaged on disk). Files, folders, modes, locks and damaged framing are the
// document port's, tested in @omega/core.
describe('FilesystemProvenanceProvider: files', () => {
  it('stores a record as <root>/provenance/<name>.jsonl: a header with updatedAt, then the serde body', async () => {
    const { dir, remove } = await tempDir('omega-provenance-');
    const provider = new FilesystemProvenanceProvider({ root: dir, now: fakeClock(5_000, 10) });
    try {
      await provider.put('layout', record('layout'));
      const { header, body } = await readFramedText(join(provider.root, 'provenance', 'layout.jsonl'));
      expect(header).toMatchObject({
        format: 'omega.provenance',
        version: 1,
        name: 'layout',
        updatedAt: 5_000,
      });
      expect(body).toBe(encode(record('layout')));
    } finally {
      await provider.close();
      await remove();
    }
  });
});

describeFilesystemFaults(vitest, {
  kind: 'provenance',
  folder: 'provenance',
  open: (root) => new FilesystemProvenanceProvider({ root }),
  save: (provider, name) => provider.put(name, record('faults')),
  load: (provider, name) => provider.get(name),
  list: (provider) => provider.list(),
  remove: (provider, name) => provider.delete(name),
});
