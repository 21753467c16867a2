import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32, readFramedText } from '@omega/core/testing';
import { assertBuilt, type ChildProcessLines, spawnChild, testWithTempDir } from '@omega/test-kit';
import { beforeAll, describe, expect } from 'vitest';
import { FilesystemProvenanceProvider } from '../src/filesystem.js';
import { chainInputs, idOf, SHARED, sharedInput } from './fixtures/evidence-input.mjs';

const test = testWithTempDir('omega-provenance-');

/** The child: records a chain of evidence through the built package (see its header). */
const WRITER = fileURLToPath(new URL('./fixtures/evidence-writer.mjs', import.meta.url));
/** The built entry the child imports. */
const DIST = fileURLToPath(new URL('../dist/filesystem.js', import.meta.url));

const ACK = /^ack (\d+) ([0-9a-f]{64})$/;
/** Writers started ahead of their round, so starting Node overlaps the rounds before. */
const STARTED_AHEAD = 2;

function writer(
  dir: string,
  name: string,
  count: number,
  shared: boolean,
  snapshotEvery: number,
): ChildProcessLines {
  return spawnChild(WRITER, [dir, name, String(count), shared ? 'shared' : 'alone', String(snapshotEvery)]);
}

/** The ids a writer acknowledged, in order, checked against its inputs. */
function acksOf(child: ChildProcessLines, name: string, count: number, shared: boolean): string[] {
  expect(child.lines[0]).toBe('ready');
  const lines = child.lines.slice(1);
  if (lines.at(-1) === 'done') lines.pop();
  const expected = chainInputs(name, count, shared).map(idOf);
  return lines.map((line, i) => {
    const match = ACK.exec(line);
    expect(match, `a line of writer ${name}: ${line}`).not.toBeNull();
    expect(Number(match![1]), `writer ${name}`).toBe(i);
    expect(match![2], `writer ${name}, input ${i}`).toBe(expected[i]);
    return match![2]!;
  });
}

/** Temp files under `dir` (recursively): what a write killed before its rename leaves. */
async function tempFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.name.endsWith('.tmp'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Checks that `name`'s chain in `provider` is its first `acked` inputs, or one more that landed unacknowledged. */
async function expectChain(
  provider: FilesystemProvenanceProvider,
  name: string,
  acked: readonly string[],
): Promise<number> {
  const stored = (await provider.forSubject(name)).map((evidence) => evidence.id);
  expect(stored.slice(0, acked.length), `chain of ${name}`).toStrictEqual(acked);
  expect([acked.length, acked.length + 1], `chain of ${name}: ${stored.length} stored`).toContain(
    stored.length,
  );
  if (stored.length > 0) {
    const tip = stored.at(-1)!;
    // Its own chain, nearest first, among the shared sources it derives from.
    const ancestors = (await provider.lineage(tip)).filter((evidence) => evidence.subject === name);
    expect(
      ancestors.map((evidence) => evidence.id),
      `lineage of ${name}`,
    ).toStrictEqual(stored.slice(0, -1).reverse());
    expect((await provider.get(tip))?.meta).toMatchObject({ i: stored.length - 1 });
  }
  return stored.length;
}

describe('FilesystemProvenanceProvider across processes', () => {
  // The children import the built package.
  beforeAll(() => assertBuilt(DIST));

  const WRITERS = 3;
  const RECORDS = 30;

  test(`${WRITERS} processes recording chains from shared sources at once: each record once, the graph whole`, {
    timeout: 60_000,
  }, async ({ dir }) => {
    // snapshotEvery 4: the writers store snapshots while the others append.
    const writers = Array.from({ length: WRITERS }, (_, w) => writer(dir, `writer-${w}`, RECORDS, true, 4));
    try {
      for (const child of writers) expect(await child.nextLine()).toBe('ready');
      for (const child of writers) child.child.stdin.write('go\n');
      const exits = await Promise.all(writers.map((child) => child.exited));
      for (const exit of exits) expect(exit, exit.stderr).toMatchObject({ code: 0, signal: null });
    } finally {
      for (const child of writers) child.child.kill('SIGKILL');
    }
    const provider = new FilesystemProvenanceProvider({ root: dir });
    try {
      for (const [w, child] of writers.entries()) {
        const acked = acksOf(child, `writer-${w}`, RECORDS, true);
        expect(acked).toHaveLength(RECORDS);
        expect(await expectChain(provider, `writer-${w}`, acked)).toBe(RECORDS);
      }
      const sources = await provider.forSubject('shared');
      expect(sources.map((evidence) => evidence.id).sort()).toStrictEqual(
        Array.from({ length: SHARED }, (_, k) => idOf(sharedInput(k))).sort(),
      );
      expect(await provider.count()).toBe(WRITERS * RECORDS + SHARED);
      // Each shared source has every writer's inputs 0, 12, 24, ... (k, k + 4, ... thirds) among its dependents.
      const first = await provider.dependents(idOf(sharedInput(0)), { depth: 1 });
      expect(first.map((evidence) => `${evidence.subject}/${String(evidence.meta?.i)}`).sort()).toStrictEqual(
        Array.from({ length: WRITERS }, (_, w) => [0, 12, 24].map((i) => `writer-${w}/${i}`))
          .flat()
          .sort(),
      );
    } finally {
      await provider.close();
    }
  });

  const ROUNDS = 24;
  const COUNT = 200;
  /** Ack lines a writer prints before a timed kill: 0 to this many, seeded. */
  const MAX_ACKS_BEFORE_KILL = 8;

  test(`kill -9 while recording and while storing the snapshot, ${ROUNDS} times: every acknowledged record stays`, {
    timeout: 120_000,
  }, async ({ dir }) => {
    const random = mulberry32(19_200);
    const writers: ChildProcessLines[] = [];
    // Rounds of kind 1 die in close() with the snapshot's temp file written: a snapshot interval no batch
    // reaches leaves that write to close().
    const kindOf = (round: number) => round % 4;
    const start = (round: number): void => {
      const every = kindOf(round) === 1 ? 1_000_000 : 2;
      writers.push(writer(dir, `crash-${round}`, COUNT, false, every));
    };
    const acknowledged = new Map<string, string[]>();
    let snapshotKills = 0;
    try {
      for (let round = 0; round < ROUNDS; round++) {
        while (writers.length < Math.min(round + 1 + STARTED_AHEAD, ROUNDS)) start(writers.length);
        const child = writers[round]!;
        const name = `crash-${round}`;
        expect(await child.nextLine()).toBe('ready');
        const acks = Math.floor(random() * (MAX_ACKS_BEFORE_KILL + 1));
        if (kindOf(round) === 1) child.child.stdin.write(`go snapshot ${acks}\n`);
        else if (kindOf(round) === 3) child.child.stdin.write(`go acked ${acks}\n`);
        else {
          child.child.stdin.write('go\n');
          for (let seen = 0; seen < acks; seen++) expect(await child.nextLine()).toMatch(ACK);
          child.child.kill('SIGKILL');
        }
        const exit = await child.exited;
        expect(exit, exit.stderr).toMatchObject({ signal: 'SIGKILL' });
        acknowledged.set(name, acksOf(child, name, COUNT, false));
        if (kindOf(round) === 1) {
          expect(await tempFiles(join(dir, 'provenance')), `round ${round}`).not.toStrictEqual([]);
          snapshotKills++;
        }
        // Every other round the next writer opens what the kill left (a stale or half-written snapshot);
        // the others, this process checks it first.
        if (round % 2 === 1) continue;
        const provider = new FilesystemProvenanceProvider({ root: dir });
        let count: number;
        try {
          for (const [writerName, acked] of acknowledged) await expectChain(provider, writerName, acked);
          count = await provider.count();
        } finally {
          await provider.close();
        }
        // Its close stored a snapshot of all of it, whatever the kills left (a temp file, a dead holder's lock).
        expect(
          (await readFramedText(join(dir, 'provenance', 'index.jsonl'))).header,
          `round ${round}`,
        ).toMatchObject({
          covers: count,
        });
        expect(await tempFiles(join(dir, 'provenance')), `round ${round}`).toStrictEqual([]);
      }
      const provider = new FilesystemProvenanceProvider({ root: dir });
      try {
        let total = 0;
        for (const [name, acked] of acknowledged) {
          const stored = await expectChain(provider, name, acked);
          // A writer killed once its record resolved, before acknowledging it: the record landed.
          if (kindOf(Number(name.slice('crash-'.length))) === 3) expect(stored, name).toBe(acked.length + 1);
          total += stored;
        }
        expect(await provider.count()).toBe(total);
      } finally {
        await provider.close();
      }
      expect(snapshotKills).toBe(ROUNDS / 4);
    } finally {
      for (const child of writers) child.child.kill('SIGKILL');
      await Promise.all(writers.map((child) => child.exited));
    }
  });
});
