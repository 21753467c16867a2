import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encode } from '@omega/core';
import { FilesystemStore } from '@omega/core/fs';
import { thrownBy } from '@omega/core/testing';
import { tempDir } from '@omega/test-kit';
import { describe, expect, it } from 'vitest';
import { describeLogicProvider } from '../src/conformance.js';
import { FilesystemLogicProvider } from '../src/filesystem.js';
import { LOG } from '../src/rules.js';

describeLogicProvider(
  'filesystem',
  async () => {
    const { dir, remove } = await tempDir('omega-logic-');
    return { provider: new FilesystemLogicProvider({ root: dir }), cleanup: remove };
  },
  { reopen: async (provider) => new FilesystemLogicProvider({ root: provider.root }) },
);

async function withRoot(run: (root: string) => Promise<void>): Promise<void> {
  const { dir, remove } = await tempDir('omega-logic-');
  try {
    await run(dir);
  } finally {
    await remove();
  }
}

// Appends entries to fact base `name` as another writer would, bypassing the front's checks.
function appendRaw(root: string, name: string, entries: { op: string; body: string }[]): void {
  const store = new FilesystemStore({ root });
  store.logSync(LOG).append(
    name,
    entries.map(({ op, body }) => ({ header: { op, at: 1 } as never, body })),
  );
}

describe('FilesystemLogicProvider: its log', () => {
  it('appends one entry per change to <root>/logic/<name>.log, stamped by its clock', async () => {
    await withRoot(async (root) => {
      const provider = new FilesystemLogicProvider({ root, name: 'kb', now: () => 5_000 });
      provider.assertFact('(parent alice bob)');
      provider.assertFact('(parent alice bob)');
      provider.addRule('(parent ?x ?y)', '(ancestor ?x ?y)');
      provider.retract('(parent alice bob)');
      provider.clear();
      await provider.close();
      const lines = (await readFile(join(root, 'logic', 'kb.log'), 'utf8')).split('\n').filter(Boolean);
      const entries = lines.map((line) => JSON.parse(line) as { f: string; h: object; b: string });
      expect(entries.map(({ f, h, b }) => ({ f, h, b }))).toStrictEqual([
        { f: 'omega.logic', h: { op: 'fact', at: 5_000 }, b: encode({ fact: '(parent alice bob)' }) },
        {
          f: 'omega.logic',
          h: { op: 'rule', at: 5_000 },
          b: encode({ condition: '(parent ?x ?y)', conclusion: '(ancestor ?x ?y)' }),
        },
        { f: 'omega.logic', h: { op: 'retract', at: 5_000 }, b: encode({ fact: '(parent alice bob)' }) },
        { f: 'omega.logic', h: { op: 'clear', at: 5_000 }, b: encode({}) },
      ]);
    });
  });

  it('reopens as before a torn last append, and appends after it', async () => {
    await withRoot(async (root) => {
      const first = new FilesystemLogicProvider({ root });
      first.assertFact('(edge a b)');
      first.addRule('(edge ?x ?y)', '(path ?x ?y)');
      await first.close();
      // A crash mid-append: part of a line, no newline.
      await appendFile(join(root, 'logic', 'facts.log'), '\n\n{"p":2,"e":2,"g":"torn","f":"omega.lo');
      const second = new FilesystemLogicProvider({ root });
      expect(second.getFacts()).toStrictEqual(['(edge a b)']);
      second.assertFact('(edge b c)');
      expect(second.ask('(path b c)')).toBe(true);
      await second.close();
      const third = new FilesystemLogicProvider({ root });
      expect(third.getFacts()).toStrictEqual(['(edge a b)', '(edge b c)']);
      await third.close();
    });
  });

  const damaged: Array<[string, { op: string; body: string }[], number]> = [
    [
      'whose body does not fit its op',
      [
        { op: 'fact', body: encode({ fact: '(a b)' }) },
        { op: 'rule', body: encode({ fact: '(a b)' }) },
      ],
      1,
    ],
    [
      'whose fact or rule no longer parses',
      [
        { op: 'fact', body: encode({ fact: '(a b)' }) },
        { op: 'fact', body: encode({ fact: 'prose' }) },
        { op: 'rule', body: encode({ condition: '(a ?x)', conclusion: '(b ?y)' }) },
      ],
      2,
    ],
    ['whose body is not serde JSON', [{ op: 'fact', body: '{not json' }], 0],
  ];
  for (const [what, entries, position] of damaged) {
    it(`reports an entry ${what} as a CorruptDataError naming the log and its position`, async () => {
      await withRoot(async (root) => {
        appendRaw(root, 'facts', entries);
        const provider = new FilesystemLogicProvider({ root });
        const error = thrownBy(() => provider.getFacts(), 'CORRUPT_DATA');
        expect(error.details).toMatchObject({ kind: 'logic', name: 'facts', position });
        await provider.close();
      });
    });
  }

  it('refuses a root that is a file with a typed error naming the root', async () => {
    await withRoot(async (dir) => {
      const root = join(dir, 'file');
      await writeFile(root, 'not a directory');
      const provider = new FilesystemLogicProvider({ root });
      expect(thrownBy(() => provider.assertFact('(a b)'), 'INVALID_ARGUMENT').details).toMatchObject({
        root,
      });
      expect(thrownBy(() => provider.getFacts(), 'INVALID_ARGUMENT').details).toMatchObject({ root });
      await provider.close();
    });
  });
});
