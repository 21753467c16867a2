import { copyFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { digestOf, encode, type LogEntry, type LogReadOptions, type LogSpec, type Val } from '@omega/core';
import { FilesystemStore } from '@omega/core/fs';
import { editFramedFile, readFramedText, rejectionOf } from '@omega/core/testing';
import { tempDir } from '@omega/test-kit';
import { describe, expect, it } from 'vitest';
import { describeProvenanceProvider } from '../src/conformance.js';
import { FilesystemProvenanceProvider } from '../src/filesystem.js';
import { ProvenanceFront } from '../src/front.js';
import type { EvidenceInput } from '../src/index.js';
import { sampleInput } from '../src/methods.js';
import { EVIDENCE_LOG } from '../src/rules.js';

describeProvenanceProvider(
  'filesystem',
  async () => {
    const { dir, remove } = await tempDir('omega-provenance-');
    return { provider: new FilesystemProvenanceProvider({ root: dir }), cleanup: remove };
  },
  { reopen: async (provider) => new FilesystemProvenanceProvider({ root: provider.root }) },
);

async function withRoot(run: (root: string) => Promise<void>): Promise<void> {
  const { dir, remove } = await tempDir('omega-provenance-');
  try {
    await run(dir);
  } finally {
    await remove();
  }
}

/** Evidence `i` about subject `subject`, derived from `parents`. */
function input(i: number, parents: string[] = [], subject = 'subject-a'): EvidenceInput {
  return { subject, kind: 'observation', derivedFrom: parents, meta: { i } };
}

/** Records `count` pieces of evidence, each derived from the one before, in one burst: their ids. */
async function chain(provider: ProvenanceFront, count: number, subject = 'subject-a'): Promise<string[]> {
  const inputs = [input(0, [], subject)];
  for (let i = 1; i < count; i++) inputs.push(input(i, [digestOf(inputs[i - 1] as Val)], subject));
  return (await Promise.all(inputs.map((each) => provider.record(each)))).map((evidence) => evidence.id);
}

/**
 * A provenance front over a filesystem store whose log port counts the entries its reads return: what
 * opening from a snapshot costs, in entries.
 */
function countingProvider(root: string): { provider: ProvenanceFront; entriesRead: () => number } {
  const store = new FilesystemStore({ root });
  let read = 0;
  const log = store.log.bind(store);
  store.log = <H>(spec: LogSpec<H>) => {
    const port = log(spec);
    const reader = port.read.bind(port);
    port.read = async (name: string, options?: LogReadOptions): Promise<LogEntry<H>[]> => {
      const page = await reader(name, options);
      read += page.length;
      return page;
    };
    return port;
  };
  const provider = new ProvenanceFront(store, {}, { ownsStore: true });
  return { provider, entriesRead: () => read };
}

const snapshotFile = (root: string) => join(root, 'provenance', 'index.jsonl');
const logFile = (root: string) => join(root, 'provenance-log', `${EVIDENCE_LOG}.log`);

describe('FilesystemProvenanceProvider: subjects', () => {
  it('names no file after a subject: whatever the subjects, the root holds the log and the snapshot only', async () => {
    await withRoot(async (root) => {
      const provider = new FilesystemProvenanceProvider({ root });
      const subjects = ['../../escape', '/etc/passwd', 'a/b\\c', 'index', 'evidence', 'fact:x y', '.hidden'];
      for (const subject of subjects) await provider.record({ ...sampleInput(), subject });
      await provider.close();
      const paths = (await readdir(root, { recursive: true })).map((path) => path.split(sep));
      // Lock folders are named after the log and the snapshot document, never a subject.
      const locked = paths
        .filter((parts) => parts[1] === '.locks' && parts.length > 2)
        .map((parts) => parts[2]);
      expect([...new Set(locked)].sort()).toEqual([`${EVIDENCE_LOG}.log`, 'index']);
      expect(
        paths
          .filter((parts) => !parts.includes('.locks'))
          .map((parts) => parts.join('/'))
          .sort(),
      ).toEqual([
        'provenance',
        'provenance-log',
        `provenance-log/${EVIDENCE_LOG}.log`,
        'provenance/index.jsonl',
      ]);
      const reopened = new FilesystemProvenanceProvider({ root });
      for (const subject of subjects) expect(await reopened.forSubject(subject)).toHaveLength(1);
      await reopened.close();
    });
  });
});

describe('FilesystemProvenanceProvider: the index snapshot', () => {
  it('is written at close beside the log, covering the log, and opening from it replays only the tail', async () => {
    await withRoot(async (root) => {
      const first = new FilesystemProvenanceProvider({ root });
      const ids = await chain(first, 300);
      await first.close();
      const { header } = await readFramedText(snapshotFile(root));
      expect(header).toMatchObject({
        format: 'omega.provenance index',
        covers: 300,
        first: ids[0],
        last: ids[299],
      });

      // Fifty more by a provider left open, so the snapshot does not cover them.
      const writer = new FilesystemProvenanceProvider({ root });
      const more = await chain(writer, 50, 'subject-b');
      const { provider, entriesRead } = countingProvider(root);
      expect(await provider.count()).toBe(350);
      expect((await provider.get(ids[10]!))?.meta).toEqual({ i: 10 });
      // The snapshot's first and last entries (checked against the log), the last again with the 50 after
      // it (a replay starts at the last entry indexed), and the one read.
      expect(entriesRead()).toBe(2 + 1 + 50 + 1);
      expect((await provider.lineage(more[49]!)).map((evidence) => evidence.id)).toEqual(
        more.slice(0, 49).reverse(),
      );
      await provider.close();
      await writer.close();
      expect((await readFramedText(snapshotFile(root))).header).toMatchObject({ covers: 350 });
    });
  });

  it('is stored by a record once snapshotEvery entries are past it', async () => {
    await withRoot(async (root) => {
      const provider = new FilesystemProvenanceProvider({ root, snapshotEvery: 8 });
      await chain(provider, 20);
      // Written behind the batches: a read queues after it.
      await provider.count();
      await provider.get('0'.repeat(64));
      const { header } = await readFramedText(snapshotFile(root));
      expect(header.covers).toBeGreaterThanOrEqual(8);
      await provider.close();
    });
  });

  it('is rebuilt from the log when its body is damaged, and stored again whole', async () => {
    await withRoot(async (root) => {
      const first = new FilesystemProvenanceProvider({ root });
      const ids = await chain(first, 40);
      await first.close();
      // A digit of an id changed, the framing kept true: only the digest can tell.
      await editFramedFile(snapshotFile(root), ({ header, body }) => ({
        header,
        body: body.replace(
          ids[7]!,
          ids[7]!.replace(/^./, (digit) => (digit === '0' ? '1' : '0')),
        ),
      }));
      const second = new FilesystemProvenanceProvider({ root });
      expect((await second.get(ids[7]!))?.meta).toEqual({ i: 7 });
      expect((await second.lineage(ids[39]!)).length).toBe(39);
      await second.close();
      const { header } = await readFramedText(snapshotFile(root));
      const third = countingProvider(root);
      expect((await third.provider.get(ids[7]!))?.meta).toEqual({ i: 7 });
      expect(third.entriesRead()).toBe(3);
      expect(header).toMatchObject({ covers: 40 });
      await third.provider.close();
    });
  });

  it('is rebuilt from the log when its file is not a snapshot at all', async () => {
    await withRoot(async (root) => {
      const first = new FilesystemProvenanceProvider({ root });
      const ids = await chain(first, 5);
      await first.close();
      await writeFile(snapshotFile(root), 'not a framed file\n');
      const second = new FilesystemProvenanceProvider({ root });
      expect((await second.dependents(ids[0]!)).length).toBe(4);
      await second.close();
      expect((await readFramedText(snapshotFile(root))).header).toMatchObject({ covers: 5 });
    });
  });

  it('is not trusted over a log that was replaced, longer or shorter', async () => {
    await withRoot(async (root) => {
      const other = join(root, 'other');
      const mine = join(root, 'mine');
      const a = new FilesystemProvenanceProvider({ root: mine });
      await chain(a, 3, 'first-log');
      await a.close();
      const b = new FilesystemProvenanceProvider({ root: other });
      const replacement = await chain(b, 5, 'second-log');
      await b.close();
      // The log of five under the snapshot of three: it holds more, but not what the snapshot covers.
      await copyFile(logFile(other), logFile(mine));
      const reader = new FilesystemProvenanceProvider({ root: mine });
      expect(await reader.forSubject('first-log')).toEqual([]);
      expect((await reader.forSubject('second-log')).map((evidence) => evidence.id)).toEqual(replacement);
      await reader.close();
      expect((await readFramedText(snapshotFile(mine))).header).toMatchObject({
        covers: 5,
        last: replacement[4],
      });

      // A log shorter than the snapshot: what the snapshot names is gone.
      await rm(join(mine, 'provenance-log'), { recursive: true });
      const empty = new FilesystemProvenanceProvider({ root: mine });
      expect(await empty.get(replacement[0]!)).toBeNull();
      expect(await empty.count()).toBe(0);
      await empty.record(input(1));
      await empty.close();
      expect((await readFramedText(snapshotFile(mine))).header).toMatchObject({ covers: 1 });
    });
  });

  it('notices the log replaced under a running provider, and reads the new log', async () => {
    await withRoot(async (root) => {
      const other = join(root, 'other');
      const mine = join(root, 'mine');
      const provider = new FilesystemProvenanceProvider({ root: mine });
      const ids = await chain(provider, 4, 'first-log');
      const b = new FilesystemProvenanceProvider({ root: other });
      const replacement = await chain(b, 6, 'second-log');
      await b.close();
      await rm(logFile(mine));
      await copyFile(logFile(other), logFile(mine));
      // The index says position 3 holds ids[3]: the log says otherwise, so it is rebuilt.
      expect(await provider.get(ids[3]!)).toBeNull();
      expect((await provider.get(replacement[3]!))?.subject).toBe('second-log');
      await provider.close();
    });
  });
});

describe('FilesystemProvenanceProvider: entries that break the rules', () => {
  /** Appends raw entries to the evidence log of `root`, as a writer ignoring the rules would. */
  async function appendRaw(
    root: string,
    entries: Array<{ header: { id: string; at: number }; body: string }>,
  ): Promise<void> {
    const store = new FilesystemStore({ root });
    try {
      await store.log(ProvenanceFront.LOG).append(EVIDENCE_LOG, entries);
    } finally {
      await store.close();
    }
  }

  it('reports an entry whose id is not its content digest as a CorruptDataError naming its position', async () => {
    await withRoot(async (root) => {
      const good = new FilesystemProvenanceProvider({ root });
      const evidence = await good.record(sampleInput(1));
      await good.close();
      const { id, at, ...claim } = evidence;
      await appendRaw(root, [
        { header: { id: 'e'.repeat(64), at }, body: encode({ ...claim, agent: 'forged' }) },
      ]);
      const reader = new FilesystemProvenanceProvider({ root });
      const error = await rejectionOf(reader.forSubject('claim-1'), 'CORRUPT_DATA');
      expect(error.details).toMatchObject({ kind: 'provenance', log: EVIDENCE_LOG, position: 1 });
      await reader.close();
    });
  });

  it('reports an entry whose body is not evidence, or derives from nothing before it', async () => {
    await withRoot(async (root) => {
      const orphan = { subject: 's', kind: 'derivation', derivedFrom: ['d'.repeat(64)] };
      await appendRaw(root, [{ header: { id: digestOf(orphan), at: 1 }, body: encode(orphan) }]);
      const reader = new FilesystemProvenanceProvider({ root });
      const error = await rejectionOf(
        reader.count().then(() => reader.forSubject('s')),
        'CORRUPT_DATA',
      );
      expect(error.details).toMatchObject({ position: 0 });
      expect(String(error.details.reason)).toContain('d'.repeat(64));
      await reader.close();
    });
    await withRoot(async (root) => {
      await appendRaw(root, [{ header: { id: 'a'.repeat(64), at: 1 }, body: '{"subject":"s"}' }]);
      const reader = new FilesystemProvenanceProvider({ root });
      const error = await rejectionOf(reader.get('a'.repeat(64)), 'CORRUPT_DATA');
      expect(error.details).toMatchObject({ kind: 'provenance', path: '$.kind' });
      await reader.close();
    });
  });
});

describe('FilesystemProvenanceProvider: two providers on one root', () => {
  it("derive from each other's evidence and record one input once between them", async () => {
    await withRoot(async (root) => {
      const first = new FilesystemProvenanceProvider({ root });
      const second = new FilesystemProvenanceProvider({ root });
      const parent = await first.record(input(1));
      const child = await second.record(input(2, [parent.id]));
      expect((await first.lineage(child.id)).map((evidence) => evidence.id)).toEqual([parent.id]);
      const both = await Promise.all([
        first.record(input(3)),
        second.record(input(3)),
        first.record(input(3)),
      ]);
      expect(new Set(both.map((evidence) => evidence.id)).size).toBe(1);
      expect(both[1]).toEqual(both[0]);
      expect(await second.count()).toBe(3);
      expect((await first.dependents(parent.id)).map((evidence) => evidence.id)).toEqual([child.id]);
      await first.close();
      await second.close();
    });
  });
});

describe('FilesystemProvenanceProvider: its folders', () => {
  it('refuses a root that is a file with an InvalidArgumentError naming the root', async () => {
    await withRoot(async (dir) => {
      const root = join(dir, 'root');
      await writeFile(root, 'not a directory');
      const provider = new FilesystemProvenanceProvider({ root });
      for (const call of [() => provider.record(sampleInput(1)), () => provider.forSubject('claim-1')]) {
        const error = await rejectionOf(call, 'INVALID_ARGUMENT');
        expect(error.details).toMatchObject({ root });
      }
      await provider.close();
    });
  });

  it('reports the log folder replaced by a file as a CorruptDataError naming it', async () => {
    await withRoot(async (root) => {
      const provider = new FilesystemProvenanceProvider({ root });
      await provider.record(sampleInput(1));
      const folder = join(root, 'provenance-log');
      await rm(folder, { recursive: true });
      await writeFile(folder, 'not a directory');
      for (const call of [() => provider.record(sampleInput(2)), () => provider.count()]) {
        const error = await rejectionOf(call, 'CORRUPT_DATA');
        expect(error.details).toMatchObject({ file: folder });
      }
      await provider.close();
    });
  });

  it('reads nothing once the log folder is deleted, and records again after', async () => {
    await withRoot(async (root) => {
      const provider = new FilesystemProvenanceProvider({ root });
      const first = await provider.record(sampleInput(1));
      await rm(join(root, 'provenance-log'), { recursive: true });
      expect(await provider.get(first.id)).toBeNull();
      const again = await provider.record(sampleInput(1));
      expect(again.id).toBe(first.id);
      expect(await provider.forSubject('claim-1')).toEqual([again]);
      await provider.close();
    });
  });
});
