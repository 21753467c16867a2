import {
  canonicalize,
  leafHash,
  openCheckpoint,
  PROGRESS_EVERY,
  sha256Hex,
  type Val,
  verifierFromKey,
  verifyConsistency,
  verifyInclusion,
} from '@omega/core';
import {
  assertSameValue,
  type ConformanceOptions,
  describeConformance,
  type LogRecords,
  type ProviderFixture,
  rejectionOf,
} from '@omega/core/testing';
import * as vitest from 'vitest';
import { expect, it } from 'vitest';
import type { Receipt, ReceiptInput, ReceiptProvider } from './index.js';
import { METHODS, sampleInput } from './methods.js';
import { KIND } from './rules.js';

/** What a conformance factory returns: a fresh, empty provider and how to dispose of it afterwards. */
export type ReceiptProviderFixture<P extends ReceiptProvider = ReceiptProvider> = ProviderFixture<P>;

/** Options of {@link describeReceiptProvider}: `reopen`, `timeoutMs`, `skip`. */
export type ReceiptConformanceOptions<P extends ReceiptProvider = ReceiptProvider> = ConformanceOptions<P>;

/** An input of a run as a caller sees it again: the receipt's fields and its body, without the run. */
async function inputOf(provider: ReceiptProvider, receipt: Receipt): Promise<unknown> {
  const { seq, loggedAt, requestDigest, responseDigest, hash, runId, ...fields } = receipt;
  const body = await provider.body(hash);
  return { ...fields, ...(body !== null && 'request' in body ? body : {}) };
}

// A log is a run: the receipts of one runId, in the order appended.
const LOGS: LogRecords<ReceiptProvider, Omit<ReceiptInput, 'runId'>> = {
  entry: (seed) => {
    const { runId, ...input } = sampleInput(seed);
    return { ...input, meta: { seed, at: new Date(seed) } };
  },
  append: async (provider, log, entry) => {
    await provider.append({ ...entry, runId: log });
  },
  entries: async (provider, log) => {
    const receipts = await provider.list({ runId: log });
    return Promise.all(receipts.map((receipt) => inputOf(provider, receipt)));
  },
};

/**
 * The `ReceiptProvider` contract as a vitest suite. Call it at the top level of a test file; `factory` must
 * return a fresh, empty provider for every test (the suite closes it, then calls `cleanup`).
 *
 * @example
 * describeReceiptProvider('memory', async () => ({ provider: new InMemoryReceiptProvider() }));
 */
export function describeReceiptProvider<P extends ReceiptProvider>(
  name: string,
  factory: () => Promise<ReceiptProviderFixture<P>>,
  options: ReceiptConformanceOptions<P> = {},
): void {
  const suite = { family: 'ReceiptProvider', kind: KIND, methods: METHODS, logs: LOGS };
  describeConformance(vitest, suite, name, factory, options, ({ provider: current, group }) => {
    group('receipts', () => {
      it('hashes the canonical entry and digests the canonical bodies', async () => {
        const input = sampleInput(1);
        const receipt = await current().append(input);
        const { hash, ...unhashed } = receipt;
        expect(hash).toBe(sha256Hex(canonicalize(unhashed as unknown as Val)));
        expect(receipt.requestDigest).toBe(sha256Hex(canonicalize(input.request as Val)));
        expect(receipt.responseDigest).toBe(sha256Hex(canonicalize(input.response as Val)));
        expect(receipt.seq).toBe(0);
        assertSameValue(await current().get(hash), receipt);
        assertSameValue(await current().body(hash), { request: input.request, response: input.response });
      });

      it('numbers receipts in order, with loggedAt never decreasing', async () => {
        const receipts: Receipt[] = [];
        for (let seed = 0; seed < 5; seed++) receipts.push(await current().append(sampleInput(seed)));
        expect(receipts.map((receipt) => receipt.seq)).toEqual([0, 1, 2, 3, 4]);
        for (let i = 1; i < receipts.length; i++) {
          expect(receipts[i]!.loggedAt).toBeGreaterThanOrEqual(receipts[i - 1]!.loggedAt);
        }
        expect(await current().count()).toBe(5);
        expect((await current().list({ fromSeq: 3 })).map((receipt) => receipt.seq)).toEqual([3, 4]);
        expect((await current().list({ limit: 2 })).map((receipt) => receipt.seq)).toEqual([0, 1]);
      });

      it('returns the first receipt for a repeated idempotency key', async () => {
        const first = await current().append({ ...sampleInput(1), idempotencyKey: 'call-1' });
        const again = await current().append({ ...sampleInput(2), idempotencyKey: 'call-1' });
        assertSameValue(again, first);
        expect(await current().count()).toBe(1);
      });

      it('gives concurrent appends of one idempotency key one receipt', async () => {
        const inputs = Array.from({ length: 12 }, (_, i) => ({
          ...sampleInput(i),
          idempotencyKey: `call-${i % 3}`,
        }));
        const receipts = await Promise.all(inputs.map((input) => current().append(input)));
        expect(await current().count()).toBe(3);
        for (const [i, receipt] of receipts.entries()) assertSameValue(receipt, receipts[i % 3]);
      });

      it('refuses a lone surrogate, which has no canonical UTF-8 form', async () => {
        const error = await rejectionOf(
          () => current().append({ ...sampleInput(1), request: { text: 'a\uD800b' } }),
          'INVALID_ARGUMENT',
        );
        expect(error.details).toMatchObject({ kind: KIND, reason: 'lone surrogate' });
        expect(await current().count()).toBe(0);
      });

      it('refuses a receipt that finishes before it starts', async () => {
        const input = { ...sampleInput(1), startedAt: 10, finishedAt: 9 };
        await rejectionOf(() => current().append(input), 'INVALID_ARGUMENT');
        expect(await current().count()).toBe(0);
      });
    });

    group('tree', () => {
      it('signs a checkpoint of the head, and proves inclusion and consistency against it', async () => {
        const receipts: Receipt[] = [];
        for (let seed = 0; seed < 7; seed++) receipts.push(await current().append(sampleInput(seed)));
        const head = await current().head();
        expect(head.size).toBe(7);
        const verifier = verifierFromKey(await current().verifierKey());
        const checkpoint = openCheckpoint(head.checkpoint, verifier);
        expect(checkpoint).toMatchObject({ origin: head.origin, size: 7, rootHash: head.rootHash });
        for (const receipt of receipts) {
          const proof = await current().proveInclusion(receipt.seq);
          const { hash, ...unhashed } = receipt;
          const entry = Buffer.from(canonicalize(unhashed as unknown as Val));
          expect(leafHash(entry)).toHaveLength(64);
          expect(verifyInclusion(entry, receipt.seq, proof.treeSize, proof.path, head.rootHash)).toBe(true);
        }
        const old = await current().proveInclusion(0, 3);
        const oldRoot = openCheckpoint(old.checkpoint, verifier).rootHash;
        const consistency = await current().proveConsistency(3);
        expect(verifyConsistency(3, 7, oldRoot, head.rootHash, consistency.path)).toBe(true);
      });

      it('verifies, and counts an erased body as erased, not tampered', async () => {
        const receipt = await current().append(sampleInput(1));
        await current().append(sampleInput(2));
        const before = await current().head();
        await current().erase(receipt.hash, 'retention');
        expect(await current().body(receipt.hash)).toEqual({ erased: 'retention' });
        expect(await current().verify()).toEqual({ ok: true, size: 2, erased: 1 });
        expect(await current().verify({ against: before.checkpoint })).toEqual({
          ok: true,
          size: 2,
          erased: 1,
        });
        expect((await current().head()).rootHash).toBe(before.rootHash);
      });

      it('tells onProgress how many receipts it has checked, of the log size, up to the last', async () => {
        const count = PROGRESS_EVERY + 3;
        await Promise.all(Array.from({ length: count }, (_, seed) => current().append(sampleInput(seed))));
        const told: Array<[number, number]> = [];
        const result = await current().verify({ onProgress: (done, total) => told.push([done, total]) });
        expect(result).toEqual({ ok: true, size: count, erased: 0 });
        expect(told).toEqual([
          [0, count],
          [PROGRESS_EVERY, count],
          [count, count],
        ]);
        await rejectionOf(() => current().verify({ onProgress: 'bar' as never }), 'INVALID_ARGUMENT');
      });

      it('erases one body of many stored together or shared by content, and keeps the others', async () => {
        // Appended at once (stored together, as a batch may be), then one by one with equal bodies (shared
        // by content), large bodies among them (stored apart, shared by content too).
        const inputs = Array.from({ length: 7 }, (_, i) => {
          const input = sampleInput(i % 3);
          return i % 3 === 2 ? { ...input, request: { prompt: 'x'.repeat(40_000) } } : input;
        });
        const receipts = await Promise.all(inputs.slice(0, 3).map((input) => current().append(input)));
        for (const input of inputs.slice(3)) receipts.push(await current().append(input));
        const order = [0, 3, 2, 4];
        for (const [n, gone] of order.entries()) {
          await current().erase(receipts[gone]!.hash, `erased ${gone}`);
          for (const [i, receipt] of receipts.entries()) {
            const body = await current().body(receipt.hash);
            if (order.slice(0, n + 1).includes(i)) expect(body).toEqual({ erased: `erased ${i}` });
            else assertSameValue(body, { request: inputs[i]!.request, response: inputs[i]!.response });
          }
          expect(await current().verify()).toEqual({ ok: true, size: 7, erased: n + 1 });
        }
      });
    });
  });
}
