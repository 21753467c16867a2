import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '@omega/core/testing';
import { assertBuilt, type ChildProcessLines, spawnChild, testWithTempDir } from '@omega/test-kit';
import { beforeAll, describe, expect } from 'vitest';
import { FilesystemReceiptProvider } from '../src/filesystem.js';
import type { Receipt } from '../src/index.js';
import { receiptInput, requestSize } from './fixtures/receipt-input.mjs';

const test = testWithTempDir('omega-receipt-');

/** The child: appends inputs of receipt-input.mjs through the built package (see its header). */
const WRITER = fileURLToPath(new URL('./fixtures/receipt-writer.mjs', import.meta.url));
/** The built entry the child imports. */
const DIST = fileURLToPath(new URL('../dist/filesystem.js', import.meta.url));

const ACK = /^ack (\d+) (\d+) ([0-9a-f]{64})$/;
/** Writers started ahead of their round, so starting Node overlaps the rounds before. */
const STARTED_AHEAD = 2;

/** One acknowledged append: input `i` of `runId` is receipt `seq`, whose hash is `hash`. */
interface Ack {
  runId: string;
  i: number;
  seq: number;
  hash: string;
}

function writer(dir: string, runId: string, maxBytes: number, mode: 'keyed' | 'unkeyed'): ChildProcessLines {
  return spawnChild(WRITER, [dir, runId, String(maxBytes), mode]);
}

const LOG = /^log (\d+)$/;

/** The acknowledgements a writer printed, skipping its "log" lines (and the final "done"). */
function acksOf(child: ChildProcessLines, runId: string): Ack[] {
  expect(child.lines[0]).toBe('ready');
  const lines = child.lines.slice(1).filter((line) => !LOG.test(line));
  if (lines.at(-1) === 'done') lines.pop();
  return lines.map((line) => {
    const match = ACK.exec(line);
    expect(match, `a line of writer ${runId}: ${line}`).not.toBeNull();
    return { runId, i: Number(match![1]), seq: Number(match![2]), hash: match![3]! };
  });
}

/**
 * Reads `count` lines of a writer ("log" and "ack" lines) or up to its "done": whether it printed "done".
 * Right after a "log" line the writer is in the log port's append, right after an "ack" line storing
 * the next bodies: the two phases where a kill can land.
 */
async function awaitLines(child: ChildProcessLines, count: number): Promise<boolean> {
  for (let seen = 0; seen < count; seen++) {
    const line = await child.nextLine();
    if (line === 'done') return true;
    expect(line).toMatch(LOG.test(line) ? LOG : ACK);
  }
  return false;
}

/** Every receipt, in log order, checked to hold seqs 0..n-1. */
async function allReceipts(provider: FilesystemReceiptProvider): Promise<Receipt[]> {
  const receipts = await provider.list();
  expect(receipts.map((receipt) => receipt.seq)).toStrictEqual(receipts.map((_, seq) => seq));
  return receipts;
}

/** Checks that the receipt of `ack` is stored, as input `ack.i` of its run, with its request and response. */
async function expectStored(provider: FilesystemReceiptProvider, ack: Ack, maxBytes: number): Promise<void> {
  const { request, response, ...fields } = receiptInput(ack.runId, ack.i, maxBytes);
  const where = `receipt ${ack.hash} (input ${ack.i} of ${ack.runId})`;
  expect(await provider.get(ack.hash), where).toMatchObject({ ...fields, seq: ack.seq, hash: ack.hash });
  expect(await provider.body(ack.hash), where).toStrictEqual({ request, response });
}

/** Files under `dir` (recursively) whose name says what they are: temp files, held lock tokens. */
async function filesEndingWith(dir: string, suffix: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.name.endsWith(suffix))
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('FilesystemReceiptProvider across processes', () => {
  // The children import the built package.
  beforeAll(() => assertBuilt(DIST));

  const WRITERS = 4;
  const APPENDS = 50;
  const SMALL_BODIES = 64 * 1024;

  test(`${WRITERS} processes appending ${APPENDS} receipts each at once: every one once, in order, verified`, {
    timeout: 60_000,
  }, async ({ dir }) => {
    const writers = Array.from({ length: WRITERS }, (_, w) =>
      writer(dir, `writer-${w}`, SMALL_BODIES, 'unkeyed'),
    );
    try {
      // Start barrier: no writer begins before all are up, so they really contend for each position.
      for (const child of writers) expect(await child.nextLine()).toBe('ready');
      for (const child of writers) child.child.stdin.write(`go 0 ${APPENDS}\n`);
      const exits = await Promise.all(writers.map((child) => child.exited));
      for (const exit of exits) expect(exit, exit.stderr).toMatchObject({ code: 0, signal: null });
    } finally {
      for (const child of writers) child.child.kill('SIGKILL');
    }

    const acks = writers.flatMap((child, w) => acksOf(child, `writer-${w}`));
    const total = WRITERS * APPENDS;
    for (let w = 0; w < WRITERS; w++) {
      const own = acks.filter((ack) => ack.runId === `writer-${w}`);
      expect(own.map((ack) => ack.i)).toStrictEqual(Array.from({ length: APPENDS }, (_, i) => i));
      for (let k = 1; k < own.length; k++) expect(own[k]!.seq).toBeGreaterThan(own[k - 1]!.seq);
    }
    // Seqs 0..total-1, each acknowledged to exactly one append.
    expect(acks.map((ack) => ack.seq).sort((a, b) => a - b)).toStrictEqual(
      Array.from({ length: total }, (_, seq) => seq),
    );

    const provider = new FilesystemReceiptProvider({ root: dir });
    try {
      const receipts = await allReceipts(provider);
      expect(receipts).toHaveLength(total);
      for (const ack of acks) {
        expect(receipts[ack.seq], `seq ${ack.seq}`).toMatchObject({
          hash: ack.hash,
          runId: ack.runId,
          meta: { i: ack.i },
        });
        await expectStored(provider, ack, SMALL_BODIES);
      }
      // Each writer's receipts in the order it appended them.
      for (let w = 0; w < WRITERS; w++) {
        const own = await provider.list({ runId: `writer-${w}` });
        expect(own.map((receipt) => receipt.meta?.i)).toStrictEqual(
          Array.from({ length: APPENDS }, (_, i) => i),
        );
      }
      expect(await provider.verify()).toMatchObject({ ok: true, size: total, erased: 0 });
    } finally {
      await provider.close();
    }
  });

  const KILLS = 100;
  const MAX_BODY = 1024 * 1024;
  /** Lines a writer prints before its kill: 0 to this many, seeded (two lines per append). */
  const MAX_LINES_BEFORE_KILL = 9;
  /**
   * One round in this many, the writer kills itself once an append resolved and before acknowledging it,
   * so that case happens whatever the timing of the other kills.
   */
  const SELF_KILLED = 10;

  test(`kill -9 during appends, ${KILLS} times: every acknowledged receipt stays, with its body, and verifies`, {
    // About 20 s on 2 cores busy with other work, mostly Node starting (~0.2 s of CPU a writer).
    timeout: 180_000,
  }, async ({ dir }) => {
    const random = mulberry32(14_100);
    const writers: ChildProcessLines[] = [];
    const start = (round: number): void => {
      writers.push(writer(dir, `crash-${round}`, MAX_BODY, 'unkeyed'));
    };
    const acknowledged: Ack[] = [];
    /** Receipts in the log after the last round: the acknowledged ones and those that landed unacknowledged. */
    let stored = 0;
    // Where the kills landed (see the end of the test).
    let midPut = 0;
    let holdingLock = 0;
    let landedUnacknowledged = 0;
    try {
      for (let round = 0; round < KILLS; round++) {
        while (writers.length < Math.min(round + 1 + STARTED_AHEAD, KILLS)) start(writers.length);
        const child = writers[round]!;
        const runId = `crash-${round}`;
        expect(await child.nextLine()).toBe('ready');
        const lines = Math.floor(random() * (MAX_LINES_BEFORE_KILL + 1));
        if (round % SELF_KILLED === SELF_KILLED - 1) {
          // The writer kills itself after an append resolved, before acknowledging it.
          child.child.stdin.write(`go 0 Infinity ${lines >> 1}\n`);
        } else {
          child.child.stdin.write('go 0 Infinity\n');
          // The kill point: right after a seeded number of the writer's lines, while an append runs.
          await awaitLines(child, lines);
          child.child.kill('SIGKILL');
        }
        const exit = await child.exited;
        expect(exit, exit.stderr).toMatchObject({ signal: 'SIGKILL' });
        const acks = acksOf(child, runId);
        expect(acks.map((ack) => ack.i)).toStrictEqual(acks.map((_, i) => i));

        if ((await filesEndingWith(join(dir, 'receipt-bodies'), '.tmp')).length > 0) midPut++;
        if ((await filesEndingWith(join(dir, 'receipt-log', '.locks'), '.lock')).length > 0) holdingLock++;

        const provider = new FilesystemReceiptProvider({ root: dir });
        try {
          const before = stored + acks.length;
          const count = await provider.count();
          // The writer appends one receipt at a time: at most the one it was killed in landed unacknowledged.
          expect([before, before + 1], `round ${round}: ${count} receipts`).toContain(count);
          if (count > before) landedUnacknowledged++;
          stored = count;
          expect(await provider.verify(), `round ${round}`).toMatchObject({
            ok: true,
            size: count,
            erased: 0,
          });
          for (const ack of acks) await expectStored(provider, ack, MAX_BODY);
        } finally {
          await provider.close();
        }
        acknowledged.push(...acks);
      }

      const provider = new FilesystemReceiptProvider({ root: dir });
      try {
        const receipts = await allReceipts(provider);
        // Earlier rounds' receipts survived the later kills, at their seqs.
        for (const ack of acknowledged) {
          expect(receipts[ack.seq], `seq ${ack.seq}`).toMatchObject({ hash: ack.hash, runId: ack.runId });
        }
        // Nothing applied twice: each writer's receipts are its inputs 0, 1, ... once each, in order.
        const byRun = new Map<string, unknown[]>();
        for (const receipt of receipts) {
          byRun.set(receipt.runId, [...(byRun.get(receipt.runId) ?? []), receipt.meta?.i]);
        }
        for (const [runId, inputs] of byRun) expect(inputs, runId).toStrictEqual(inputs.map((_, i) => i));
      } finally {
        await provider.close();
      }

      // Large bodies were acknowledged, and the kills landed in every phase of an append (each about one
      // round in five or more): storing the bodies, holding the log's lock, after the entry landed but
      // before it was acknowledged. Read on disk before any process opened the store again.
      const largest = Math.max(...acknowledged.map((ack) => requestSize(ack.runId, ack.i, MAX_BODY)));
      expect(largest).toBeGreaterThan(MAX_BODY / 2);
      for (const [phase, rounds] of Object.entries({ midPut, holdingLock, landedUnacknowledged })) {
        expect(rounds, `rounds killed ${phase}`).toBeGreaterThan(0);
      }
    } finally {
      for (const child of writers) child.child.kill('SIGKILL');
      await Promise.all(writers.map((child) => child.exited));
    }
  });

  const KEYS = 1000;
  /** Lines a keyed writer prints before its kill: 0 to this many, seeded (two lines per append). */
  const MAX_KEYED_LINES_BEFORE_KILL = 120;
  const KEYED_BODIES = 4 * 1024;
  /** Every this many incarnations, the writer kills itself after an append, before acknowledging it. */
  const SELF_KILLED_KEYED = 3;

  test(`${KEYS} keyed appends, retried after kills from the first unacknowledged key: each key once`, {
    // About 17 s on 2 cores busy with other work: 1,000 durable appends, each storing two bodies and a key.
    timeout: 180_000,
  }, async ({ dir }) => {
    const random = mulberry32(14_300);
    const runId = 'keyed';
    const writers: ChildProcessLines[] = [];
    const start = (): void => {
      writers.push(writer(dir, runId, KEYED_BODIES, 'keyed'));
    };
    /** The hash acknowledged for each key. */
    const hashes: string[] = [];
    /** Keys whose append landed without being acknowledged before the kill, with the receipt's hash. */
    const landed = new Map<number, string>();
    let kills = 0;
    try {
      for (let incarnation = 0; ; incarnation++) {
        while (writers.length < incarnation + 1 + STARTED_AHEAD) start();
        const child = writers[incarnation]!;
        const from = hashes.length;
        expect(await child.nextLine()).toBe('ready');
        const lines = Math.floor(random() * (MAX_KEYED_LINES_BEFORE_KILL + 1));
        if (incarnation % SELF_KILLED_KEYED === SELF_KILLED_KEYED - 1) {
          // The writer kills itself once an append resolved, before acknowledging it: the case the keys
          // are for, whatever the timing of the other kills.
          child.child.stdin.write(`go ${from} ${KEYS} ${from + (lines >> 1)}\n`);
        } else {
          child.child.stdin.write(`go ${from} ${KEYS}\n`);
          if (!(await awaitLines(child, lines))) child.child.kill('SIGKILL');
        }
        const exit = await child.exited;
        const acks = acksOf(child, runId);
        const finished = child.lines.at(-1) === 'done';
        // A writer that printed "done" may still have been killed on its way out.
        if (!finished || exit.code !== 0) expect(exit, exit.stderr).toMatchObject({ signal: 'SIGKILL' });
        expect(acks.map((ack) => ack.i)).toStrictEqual(acks.map((_, k) => from + k));
        for (const ack of acks) {
          // The retry of a key that had landed returns the receipt that landed.
          if (landed.has(ack.i)) expect(ack.hash, `key k${ack.i}`).toBe(landed.get(ack.i));
          expect(ack.seq, `key k${ack.i}`).toBe(ack.i);
          hashes.push(ack.hash);
        }
        if (finished) break;
        kills++;

        const provider = new FilesystemReceiptProvider({ root: dir });
        try {
          const acknowledged = hashes.length;
          const count = await provider.count();
          expect([acknowledged, acknowledged + 1], `after kill ${kills}: ${count} receipts`).toContain(count);
          if (count > acknowledged) {
            const [unacknowledged] = await provider.list({ fromSeq: acknowledged });
            expect(unacknowledged?.idempotencyKey).toBe(`k${acknowledged}`);
            landed.set(acknowledged, unacknowledged!.hash);
          }
        } finally {
          await provider.close();
        }
      }

      const provider = new FilesystemReceiptProvider({ root: dir });
      try {
        const receipts = await allReceipts(provider);
        const keys = receipts.map((receipt) => receipt.idempotencyKey);
        expect(keys).toStrictEqual(Array.from({ length: KEYS }, (_, k) => `k${k}`));
        expect(receipts.map((receipt) => receipt.hash)).toStrictEqual(hashes);
        expect(await provider.verify()).toMatchObject({ ok: true, size: KEYS, erased: 0 });
      } finally {
        await provider.close();
      }
      // The case the keys are for happened: a kill after the append landed, before it was acknowledged.
      expect(landed.size).toBeGreaterThan(0);
    } finally {
      for (const child of writers) child.child.kill('SIGKILL');
      await Promise.all(writers.map((child) => child.exited));
    }
  });
});
