import { access, cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { canonicalize, sha256Hex, type Val } from '@omega/core';
import {
  formatLog,
  mulberry32,
  parseLog,
  readLog,
  rejectionOf,
  renumbered,
  writeLog,
} from '@omega/core/testing';
import { fakeClock, tempDir } from '@omega/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FilesystemReceiptProvider } from '../src/filesystem.js';
import type { ReceiptInput } from '../src/index.js';

/*
 * What tamper-evident means for the filesystem receipt log, on a log of 10,000 receipts built once (not
 * durable, to be fast) and copied per case: whoever edits the store's files is caught by verify(), except
 * for a consistent rewrite of the log and of its stored checkpoint, which only a checkpoint kept outside
 * the store (verify({ against })) catches. Every position, count and choice is drawn from SEED.
 */

const SEED = 0x5eed_0014;
const N = 10_000;
// Bodies are stored in packs (one per batch: here one per receipt, as appends go one at a time), shared
// by content: most receipts draw theirs from a pool of POOL requests and answers (so a copy of the store
// is some fifty files, not 10,000), and the receipts whose bodies a case tampers with carry their own.
const POOL = 16;
const T0 = 1_700_000_000_000;

const rng = mulberry32(SEED);
/** An integer in [from, to), from the seeded generator. */
function draw(from: number, to: number): number {
  return from + Math.floor(rng() * (to - from));
}
/** `count` distinct integers in [from, to), in the order drawn. */
function drawDistinct(count: number, from: number, to: number): number[] {
  const drawn: number[] = [];
  while (drawn.length < count) {
    const value = draw(from, to);
    if (!drawn.includes(value)) drawn.push(value);
  }
  return drawn;
}

/** Receipts whose entry body is edited in place, hashes not recomputed. */
const EDITED = drawDistinct(5, 0, N);
/** The receipt whose line is deleted (not the last: dropping the last is a truncation). */
const DELETED = draw(0, N - 1);
/** The two receipts whose lines trade places, in order. */
const SWAPPED = drawDistinct(2, 0, N).sort((a, b) => a - b) as [number, number];
/** The receipt rewritten consistently (body, hash, framing, checkpoint). */
const REWRITTEN = draw(0, N);
/** How many entries the truncation drops from the end. */
const DROPPED = draw(1, 200);
/**
 * Receipts with bodies of their own: one whose pack is deleted, one whose pack is altered, one whose
 * place in its pack is edited, one erased.
 */
const [BLOB_DELETED, BLOB_ALTERED, PLACE_EDITED, BLOB_ERASED] = drawDistinct(4, 0, N) as [
  number,
  number,
  number,
  number,
];
const OWN_BODIES = new Set([BLOB_DELETED, BLOB_ALTERED, PLACE_EDITED, BLOB_ERASED]);
/** The pooled call whose (shared) pack is deleted. */
const SHARED_PROMPT = draw(0, POOL);

function inputOf(seq: number): ReceiptInput {
  const own = OWN_BODIES.has(seq);
  return {
    runId: `run-${seq % 13}`,
    kind: seq % 5 === 0 ? 'effect' : 'llm.call',
    request: { prompt: own ? `a question only receipt ${seq} asked` : `question ${seq % POOL}` },
    response: { text: own ? `an answer only receipt ${seq} got` : `answer ${seq % POOL}` },
    model: 'omega-small',
    usage: { inputTokens: 10 + (seq % 90), outputTokens: 1 + (seq % 40), costUsd: 0.0001 * (1 + (seq % 7)) },
    startedAt: T0 + seq * 1000,
    finishedAt: T0 + seq * 1000 + 250,
  };
}

/** The digest a body is stored under: SHA-256 hex of its canonical bytes. */
function digestOf(value: Val): string {
  return sha256Hex(canonicalize(value));
}

const logFile = (root: string) => join(root, 'receipt-log', 'receipts.log');
const blobFile = (root: string, digest: string) => join(root, 'receipt-bodies', digest.slice(0, 2), digest);
/** The file of the pack holding receipt `seq`'s bodies, as its log entry's header names it. */
async function packFile(root: string, seq: number): Promise<string> {
  const pack = (await readLog(logFile(root)))[seq]?.h.pack;
  expect(pack).toMatch(/^[0-9a-f]{64}$/);
  return blobFile(root, pack as string);
}
const checkpointFile = (root: string) => join(root, 'receipts', 'checkpoint.jsonl');
// The provider's cache of the tree's hashes (tiles), when it keeps one: rebuilt from the log when missing.
const treeCache = (root: string) => join(root, 'receipt-tree');
const signerFile = (root: string) => join(root, 'receipts', 'signer.jsonl');

async function missing(file: string): Promise<boolean> {
  return access(file).then(
    () => false,
    () => true,
  );
}

let parent: { dir: string; remove: () => Promise<void> };
let base: string;
/** The hash of every receipt, by seq. */
const hashes: string[] = [];
/** head() of the base store, taken before any tampering and kept outside every copy. */
let before: { size: number; rootHash: string; checkpoint: string };
let verifierKey: string;
let copies = 0;

beforeAll(async () => {
  parent = await tempDir('omega-receipt-tamper-');
  base = join(parent.dir, 'base');
  const provider = new FilesystemReceiptProvider({ root: base, durable: false, now: fakeClock(T0, 7) });
  try {
    for (let seq = 0; seq < N; seq++) {
      const receipt = await provider.append(inputOf(seq));
      hashes.push(receipt.hash);
    }
    // Also stores the checkpoint as <root>/receipts/checkpoint.jsonl: the store's own last checkpoint.
    before = await provider.head();
    verifierKey = await provider.verifierKey();
  } finally {
    await provider.close();
  }
}, 120_000);

afterAll(async () => {
  await parent?.remove();
});

/** A fresh copy of the base store, tampered with by `tamper`, then opened: `run` gets the provider. */
async function withCopy(
  tamper: (root: string) => Promise<void>,
  run: (provider: FilesystemReceiptProvider, root: string) => Promise<void>,
): Promise<void> {
  const root = join(parent.dir, `case-${copies++}`);
  await cp(base, root, { recursive: true });
  try {
    await tamper(root);
    const provider = new FilesystemReceiptProvider({ root, durable: false });
    try {
      await run(provider, root);
    } finally {
      await provider.close();
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

describe.concurrent(`receipt log tamper evidence (filesystem, ${N} receipts, seed ${SEED})`, () => {
  it('an untouched copy verifies, also against the checkpoint kept outside; its log re-encodes byte for byte', async () => {
    expect(before.size).toBe(N);
    await withCopy(
      async (root) => {
        const text = await readFile(logFile(root), 'utf8');
        // The helper's reading of the port's format is exact, so what it writes back is what the port wrote.
        expect(formatLog(parseLog(text))).toBe(text);
      },
      async (provider) => {
        expect(await provider.count()).toBe(N);
        // Against the checkpoint kept outside and the store's own last checkpoint, both.
        expect(await provider.verify({ against: before.checkpoint })).toEqual({
          ok: true,
          size: N,
          erased: 0,
        });
      },
    );
  });

  describe('1. an entry body edited in place, its hash left, its line framing (CRC) recomputed', () => {
    it.each(EDITED)('receipt %i: verify() names it the first bad seq', async (seq) => {
      let original = '';
      await withCopy(
        async (root) => {
          const lines = await readLog(logFile(root));
          const line = lines[seq]!;
          original = line.b;
          // Bump the last digit of startedAt in the stored text.
          line.b = line.b.replace(/"startedAt":(\d+)/, (_, digits: string) => {
            const last = (Number(digits.at(-1)) + 1) % 10;
            return `"startedAt":${digits.slice(0, -1)}${last}`;
          });
          expect(line.b).not.toBe(original);
          expect(line.h.hash).toBe(hashes[seq]);
          await writeLog(logFile(root), lines);
        },
        async (provider) => {
          // The port still reads every line: the edit is invisible to the framing.
          expect(await provider.count()).toBe(N);
          const result = await provider.verify();
          expect(result).toMatchObject({ ok: false, firstBadSeq: seq, size: seq, erased: 0 });
          expect(result.reason).toContain(`receipt ${seq} is corrupt: its hash does not match its bytes`);
        },
      );
      expect(original).toContain(`"seq":${seq}`);
    });
  });

  describe('2. entries deleted or reordered, the file kept readable by the port', () => {
    it(`a deleted entry (receipt ${DELETED}, later ones renumbered): verify() names its seq`, async () => {
      await withCopy(
        async (root) => {
          const lines = await readLog(logFile(root));
          lines.splice(DELETED, 1);
          await writeLog(logFile(root), renumbered(lines));
        },
        async (provider) => {
          expect(await provider.count()).toBe(N - 1);
          const result = await provider.verify();
          expect(result).toMatchObject({ ok: false, firstBadSeq: DELETED, size: DELETED });
          expect(result.reason).toContain(`receipt ${DELETED} is corrupt: it holds seq ${DELETED + 1}`);
        },
      );
    });

    it(`two entries swapped (receipts ${SWAPPED[0]} and ${SWAPPED[1]}): verify() names the first`, async () => {
      const [first, second] = SWAPPED;
      await withCopy(
        async (root) => {
          const lines = await readLog(logFile(root));
          const a = lines[first]!;
          const b = lines[second]!;
          // Headers and bodies trade places; each line keeps its position, group id and a fresh CRC.
          [a.h, a.b, b.h, b.b] = [b.h, b.b, a.h, a.b];
          await writeLog(logFile(root), lines);
        },
        async (provider) => {
          expect(await provider.count()).toBe(N);
          const result = await provider.verify();
          expect(result).toMatchObject({ ok: false, firstBadSeq: first, size: first });
          expect(result.reason).toContain(`receipt ${first} is corrupt: it holds seq ${second}`);
        },
      );
    });
  });

  describe('3. a consistent rewrite: content, body blob, entry hash, line CRC and stored checkpoint', () => {
    it(`receipt ${REWRITTEN} rewritten: only the checkpoint kept outside the store catches it`, async () => {
      const forgedResponse = { text: 'a different answer, billed higher' };
      let forgedHash = '';
      await withCopy(
        async (root) => {
          const lines = await readLog(logFile(root));
          const line = lines[REWRITTEN]!;
          const value = JSON.parse(line.b) as Record<string, Val>;
          expect(canonicalize(value)).toBe(line.b);
          // The request and a new response stored as the store stores bodies of their own (not packed), and
          // the receipt pointed at them.
          for (const body of [inputOf(REWRITTEN).request, forgedResponse]) {
            const text = canonicalize(body);
            const digest = sha256Hex(text);
            await mkdir(join(root, 'receipt-bodies', digest.slice(0, 2)), { recursive: true, mode: 0o700 });
            await writeFile(blobFile(root, digest), text, { mode: 0o600 });
          }
          value.responseDigest = digestOf(forgedResponse);
          value.usage = { ...(value.usage as Record<string, Val>), costUsd: 12.5 };
          line.b = canonicalize(value);
          forgedHash = sha256Hex(line.b);
          const { pack: _, at: __, ...header } = line.h;
          line.h = { ...header, hash: forgedHash };
          await writeLog(logFile(root), lines);
          // The store's cache of the tree's hashes, if any, still holds the old ones: the attacker removes it
          // (the provider rebuilds it from the forged log).
          await rm(treeCache(root), { recursive: true, force: true });
        },
        async (provider, root) => {
          expect(await provider.count()).toBe(N);
          // With the store's last checkpoint left as it was, the store alone sees the rewrite, and refuses to
          // sign a head that does not extend it.
          const stale = await provider.verify();
          expect(stale).toMatchObject({ ok: false, size: N });
          expect(stale.reason).toContain(`the first ${N} receipts are not those the checkpoint commits to`);
          await rejectionOf(provider.head(), 'CORRUPT_DATA');

          // The attacker removes that checkpoint and has the store re-sign, with its own key (signer.jsonl,
          // left as it was), a checkpoint of the rewritten log.
          const signerBytes = await readFile(signerFile(root));
          await rm(checkpointFile(root));
          const forgedHead = await provider.head();
          expect(await missing(checkpointFile(root))).toBe(false);
          expect(await readFile(signerFile(root))).toEqual(signerBytes);
          expect(await provider.verifierKey()).toBe(verifierKey);
          expect(forgedHead.size).toBe(N);
          expect(forgedHead.rootHash).not.toBe(before.rootHash);

          // The forgery reads as genuine...
          const forged = await provider.get(forgedHash);
          expect(forged).toMatchObject({ seq: REWRITTEN, usage: { costUsd: 12.5 } });
          expect(await provider.body(forgedHash)).toMatchObject({ response: forgedResponse });
          expect(await provider.get(hashes[REWRITTEN]!)).toBeNull();
          // ...and verify() with the store's own (rewritten) checkpoint passes: nothing in the store is left
          // to contradict it.
          expect(await provider.verify()).toEqual({ ok: true, size: N, erased: 0 });
          // A checkpoint taken before the rewrite and kept outside the store does not.
          const against = await provider.verify({ against: before.checkpoint });
          expect(against).toMatchObject({ ok: false, size: N });
          expect(against.reason).toContain(`the first ${N} receipts are not those the checkpoint commits to`);
        },
      );
    });
  });

  describe('4. truncation', () => {
    it(`the last ${DROPPED} entries dropped: verify({ against }) with the earlier checkpoint fails`, async () => {
      const kept = N - DROPPED;
      await withCopy(
        async (root) => {
          const lines = await readLog(logFile(root));
          await writeLog(logFile(root), lines.slice(0, kept));
          // The tile cache would hold more leaves than the log (a CorruptDataError): the attacker drops it.
          await rm(treeCache(root), { recursive: true, force: true });
        },
        async (provider, root) => {
          expect(await provider.count()).toBe(kept);
          // The attacker also replaces the store's own checkpoint (of N) by one of the truncated log, signed
          // with the store's key: the store then agrees with itself, the checkpoint kept outside does not.
          await rm(checkpointFile(root));
          expect((await provider.head()).size).toBe(kept);
          expect(await provider.verify()).toEqual({ ok: true, size: kept, erased: 0 });
          const against = await provider.verify({ against: before.checkpoint });
          expect(against).toMatchObject({ ok: false, size: kept });
          expect(against.reason).toContain(
            `the log holds ${kept} receipts, fewer than the ${N} of the checkpoint`,
          );
        },
      );
    });
  });

  describe('5. bodies', () => {
    it(`a deleted pack (receipt ${BLOB_DELETED}): verify() names the receipt`, async () => {
      await withCopy(
        async (root) => {
          await rm(await packFile(root, BLOB_DELETED));
        },
        async (provider) => {
          const result = await provider.verify();
          expect(result).toMatchObject({
            ok: false,
            firstBadSeq: BLOB_DELETED,
            size: BLOB_DELETED,
            erased: 0,
          });
          expect(result.reason).toBe(`the request of receipt ${BLOB_DELETED} is missing`);
          await rejectionOf(provider.body(hashes[BLOB_DELETED]!), 'CORRUPT_DATA');
        },
      );
    });

    it(`an altered pack (receipt ${BLOB_ALTERED}): verify() names the receipt`, async () => {
      await withCopy(
        async (root) => {
          const file = await packFile(root, BLOB_ALTERED);
          const text = (await readFile(file, 'utf8')).replace('only', 'also');
          await writeFile(file, text);
        },
        async (provider) => {
          const result = await provider.verify();
          expect(result).toMatchObject({
            ok: false,
            firstBadSeq: BLOB_ALTERED,
            size: BLOB_ALTERED,
            erased: 0,
          });
          expect(result.reason).toBe(`the request of receipt ${BLOB_ALTERED} does not match its digest`);
        },
      );
    });

    it(`a place in a pack edited (receipt ${PLACE_EDITED}): verify() names the receipt`, async () => {
      await withCopy(
        async (root) => {
          const lines = await readLog(logFile(root));
          const line = lines[PLACE_EDITED]!;
          const [offset, requestBytes, responseBytes] = line.h.at as [number, number, number];
          line.h = { ...line.h, at: [offset + 1, requestBytes - 1, responseBytes] };
          await writeLog(logFile(root), lines);
        },
        async (provider) => {
          const result = await provider.verify();
          expect(result).toMatchObject({ ok: false, firstBadSeq: PLACE_EDITED, size: PLACE_EDITED });
          expect(result.reason).toBe(`the request of receipt ${PLACE_EDITED} does not match its digest`);
        },
      );
    });

    it(`a deleted pack shared by content (call ${SHARED_PROMPT}): verify() names the first receipt needing it`, async () => {
      let firstUser = 0;
      while (firstUser % POOL !== SHARED_PROMPT || OWN_BODIES.has(firstUser)) firstUser++;
      await withCopy(
        async (root) => {
          await rm(await packFile(root, firstUser));
        },
        async (provider) => {
          const result = await provider.verify();
          expect(result).toMatchObject({ ok: false, firstBadSeq: firstUser, size: firstUser, erased: 0 });
          expect(result.reason).toBe(`the request of receipt ${firstUser} is missing`);
        },
      );
    });

    it(`a body erased with erase() (receipt ${BLOB_ERASED}): counted in erased, verify() stays ok`, async () => {
      const hash = hashes[BLOB_ERASED]!;
      let pack = '';
      await withCopy(
        async (root) => {
          pack = await packFile(root, BLOB_ERASED);
        },
        async (provider) => {
          await provider.erase(hash, 'retention');
          // Its pack (its bodies only) is gone from the store, the receipt itself stays.
          expect(await missing(pack)).toBe(true);
          expect(await provider.body(hash)).toEqual({ erased: 'retention' });
          expect(await provider.get(hash)).toMatchObject({ seq: BLOB_ERASED, hash });
          // Against the checkpoint kept outside and the store's own: every proof stays valid.
          expect(await provider.verify({ against: before.checkpoint })).toEqual({
            ok: true,
            size: N,
            erased: 1,
          });
        },
      );
    });

    it(`a pooled call erased (call ${SHARED_PROMPT}): the receipts sharing its pack keep their bodies`, async () => {
      let first = 0;
      while (first % POOL !== SHARED_PROMPT || OWN_BODIES.has(first)) first++;
      await withCopy(
        async () => {},
        async (provider) => {
          await provider.erase(hashes[first]!, 'a person asked');
          expect(await provider.body(hashes[first + POOL]!)).toEqual({
            request: inputOf(first + POOL).request,
            response: inputOf(first + POOL).response,
          });
          expect(await provider.verify()).toEqual({ ok: true, size: N, erased: 1 });
        },
      );
    });
  });
});
