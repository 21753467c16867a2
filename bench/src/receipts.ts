import { stat } from 'node:fs/promises';
import path from 'node:path';
import { canonicalize, MemoryStore, sha256Hex } from '@omega/core';
import { FilesystemStore } from '@omega/core/fs';
import { FilesystemReceiptProvider } from '@omega/receipt/filesystem';
import { ReceiptFront } from '@omega/receipt/front';
import { compare } from './measure.js';
import type { Row } from './report.js';

const CALLERS = 64;

/** A call of `i`: a small request and response, as an LLM call's receipt carries. */
export function receiptInput(i: number) {
  return {
    runId: 'bench',
    kind: 'llm.call',
    model: 'omega-small',
    request: { prompt: `summarize document ${i}`, temperature: 0.2 },
    response: { text: `summary ${i}`, finish: 'stop' },
    usage: { inputTokens: 812, outputTokens: 64, costUsd: 0.00042 },
    startedAt: 1_700_000_000_000 + i,
    finishedAt: 1_700_000_000_250 + i,
  };
}

/**
 * Receipts appended by 64 concurrent callers against the log port's own appends of the same entries by
 * 64 callers (durable both), and a proof at 1,000,000 receipts: its time and the tiles it reads.
 */
export async function receiptOperations(root: string): Promise<Row[]> {
  const rows: Row[] = [];
  const provider = new FilesystemReceiptProvider({ root: path.join(root, 'receipts') });
  const store = new FilesystemStore({ root: path.join(root, 'port') });
  const log = store.log(ReceiptFront.LOG);
  let next = 0;
  try {
    const entry = await provider.append(receiptInput(next++));
    const header = { hash: entry.hash, runId: entry.runId, kind: entry.kind };
    const { hash, ...unhashed } = entry;
    const body = JSON.stringify(unhashed);
    const appends = await compare(
      () => Promise.all(Array.from({ length: CALLERS }, () => provider.append(receiptInput(next++)))),
      () => Promise.all(Array.from({ length: CALLERS }, () => log.append('receipts', [{ header, body }]))),
      9,
      1,
    );
    rows.push({
      bench: `durable receipt append, ${CALLERS} concurrent callers vs the log port's appends of the same entries`,
      size: `${CALLERS} receipts`,
      ...appends,
      target: 0.8,
      sense: 'speed',
    });
  } finally {
    await provider.close();
    await store.close();
  }
  rows.push(await proofAtAMillion());
  rows.push(await appendAtAMillion(root));
  rows.push(await verifyMemory(root));
  return rows;
}

/** A log of `count` receipts under `root`, appended 256 at a time (not durable: only its size matters). */
async function logOf(root: string, count: number): Promise<FilesystemReceiptProvider> {
  const provider = new FilesystemReceiptProvider({ root, durable: false });
  for (let from = 0; from < count; from += 256) {
    const batch = Array.from({ length: Math.min(256, count - from) }, (_, i) => receiptInput(from + i));
    await Promise.all(batch.map((call) => provider.append(call)));
  }
  return provider;
}

const collect = (globalThis as { gc?: () => void }).gc ?? (() => {});

/**
 * The heap `verify()` keeps alive above what was alive before it, at its largest, in MB: sampled every
 * 10 ms after a full collection, so garbage waiting for a collector (which grows with the log's length
 * until one runs) is not counted.
 */
async function verifyPeakMb(provider: FilesystemReceiptProvider): Promise<number> {
  collect();
  const start = process.memoryUsage().heapUsed;
  let peak = start;
  const sampler = setInterval(() => {
    collect();
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 10);
  const result = await provider.verify();
  clearInterval(sampler);
  if (!result.ok) throw new Error(`verify failed: ${result.reason}`);
  return (peak - start) / 2 ** 20;
}

/**
 * Peak live heap of `verify()` over 20,000 receipts against the size of their log file: a verifier that
 * streams holds a fixed few pages, whatever the log's length.
 */
async function verifyMemory(root: string): Promise<Row> {
  const dir = path.join(root, 'verify');
  const provider = await logOf(dir, 20_000);
  const peaks: number[] = [];
  for (let i = 0; i < 3; i++) peaks.push(await verifyPeakMb(provider));
  await provider.close();
  const logMb = (await stat(path.join(dir, 'receipt-log', 'receipts.log'))).size / 2 ** 20;
  return {
    bench: "verify() peak live heap vs the log file's size (MB, not ms)",
    size: '20,000 receipts',
    candidateMs: peaks.sort((a, b) => a - b)[1] ?? Number.NaN,
    baselineMs: logMb,
    target: 0.1,
    sense: 'time',
  };
}

/** A front over a memory store whose log holds `size` entries (the tree reads only their bytes). */
async function treeOf(size: number): Promise<ReceiptFront> {
  const store = new MemoryStore();
  const receipts = store.log(ReceiptFront.LOG);
  const header = { hash: '', runId: 'bench', kind: 'llm.call' };
  for (let from = 0; from < size; from += 10_000) {
    const count = Math.min(10_000, size - from);
    await receipts.append(
      'receipts',
      Array.from({ length: count }, (_, i) => ({ header, body: String(from + i) })),
    );
  }
  const front = new ReceiptFront(store, {}, { ownsStore: true });
  await front.head();
  return front;
}

/**
 * A filesystem provider (not durable) whose log holds `size` receipts, its tree caught up. Only the last
 * is a whole receipt (an append reads it for its loggedAt); the others are short entries, as only their
 * bytes' hashes matter to the tree.
 */
async function providerOf(root: string, size: number): Promise<FilesystemReceiptProvider> {
  const store = new FilesystemStore({ root, durable: false });
  const receipts = store.log(ReceiptFront.LOG);
  const header = { hash: '', runId: 'bench', kind: 'llm.call' };
  for (let from = 0; from < size - 1; from += 10_000) {
    const count = Math.min(10_000, size - 1 - from);
    await receipts.append(
      'receipts',
      Array.from({ length: count }, (_, i) => ({ header, body: String(from + i) })),
    );
  }
  const { request, response, ...fields } = receiptInput(size - 1);
  const last = canonicalize({
    ...fields,
    seq: size - 1,
    loggedAt: fields.finishedAt,
    requestDigest: sha256Hex(canonicalize(request)),
    responseDigest: sha256Hex(canonicalize(response)),
  });
  await receipts.append('receipts', [{ header: { ...header, hash: sha256Hex(last) }, body: last }]);
  await store.close();
  const provider = new FilesystemReceiptProvider({ root, durable: false });
  await provider.head();
  return provider;
}

/**
 * Appends at 1,000,000 receipts against at 1,000, sync excluded (not durable): 64 concurrent callers,
 * then head(), which integrates them into the tree's tiles.
 */
async function appendAtAMillion(root: string): Promise<Row> {
  const small = await providerOf(path.join(root, 'thousand'), 1_000);
  const large = await providerOf(path.join(root, 'million'), 1_000_000);
  let next = 0;
  const round = (provider: FilesystemReceiptProvider) => async () => {
    await Promise.all(Array.from({ length: CALLERS }, () => provider.append(receiptInput(next++))));
    await provider.head();
  };
  const result = await compare(round(large), round(small), 5, 1);
  await small.close();
  await large.close();
  return {
    bench: `receipt append at 1,000,000 receipts vs at 1,000, not durable (${CALLERS} callers, then head())`,
    size: `${CALLERS} receipts`,
    ...result,
    target: 1.2,
    sense: 'time',
  };
}

/** An inclusion proof with its checkpoint at 1,000,000 receipts against one at 1,000. */
async function proofAtAMillion(): Promise<Row> {
  const [small, large] = [await treeOf(1_000), await treeOf(1_000_000)];
  let seq = 0;
  const nextSeq = () => {
    seq = (seq + 7919) % 1_000_000;
    return seq;
  };
  const result = await compare(
    () => large.proveInclusion(nextSeq()),
    () => small.proveInclusion(seq % 1_000),
    5,
    20,
  );
  await small.close();
  await large.close();
  return {
    bench: 'inclusion proof with its checkpoint at 1,000,000 receipts vs at 1,000 (at most 8 tiles read)',
    size: '1e6 receipts',
    ...result,
    sense: 'time',
  };
}
