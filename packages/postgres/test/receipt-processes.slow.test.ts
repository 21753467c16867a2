import { fileURLToPath } from 'node:url';
import { canonicalize, type Val, verifyInclusion } from '@omega/core';
import { ReceiptFront } from '@omega/receipt/front';
import { assertBuilt, spawnChild } from '@omega/test-kit';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { receiptInput } from './fixtures/receipt-inputs.mjs';
import { freshStore, postgresUrl } from './server.js';

const APPENDER = fileURLToPath(new URL('./fixtures/receipt-appender.mjs', import.meta.url));
const PROCESSES = 8;
const RECEIPTS = 150;
const ACK = /^ack (\d+) (\d+) ([0-9a-f]{64})$/;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

beforeAll(() => assertBuilt(fileURLToPath(new URL('../dist/index.js', import.meta.url))));

it(`${PROCESSES} processes appending receipts to one log: seqs contiguous, the chain and every inclusion proof verify`, async () => {
  const { store, schema, remove } = await freshStore();
  cleanups.push(remove, () => store.close());
  const children = Array.from({ length: PROCESSES }, (_, p) =>
    spawnChild(APPENDER, [postgresUrl(), schema, `run-${p}`, String(RECEIPTS)]),
  );
  for (const child of children) expect(await child.nextLine()).toBe('ready');
  for (const child of children) child.child.stdin.write('go\n');
  const exits = await Promise.all(children.map((child) => child.exited));
  expect(exits.map((exit) => [exit.code, exit.stderr])).toEqual(children.map(() => [0, '']));

  const acks = children.flatMap((child, p) => {
    expect(child.lines.at(-1)).toBe('done');
    return child.lines.slice(1, -1).map((line) => {
      const match = ACK.exec(line);
      expect(match, `a line of process ${p}: ${line}`).not.toBeNull();
      return { runId: `run-${p}`, i: Number(match![1]), seq: Number(match![2]), hash: match![3]! };
    });
  });
  const total = PROCESSES * RECEIPTS;
  expect(acks.map((ack) => ack.seq).sort((a, b) => a - b)).toEqual(
    Array.from({ length: total }, (_, i) => i),
  );

  const receipts = new ReceiptFront(store, {}, { provider: 'PostgresReceiptProvider' });
  cleanups.push(() => receipts.close());
  const log = await receipts.list();
  expect(log.map((receipt) => receipt.seq)).toEqual(Array.from({ length: total }, (_, i) => i));
  for (const ack of acks) {
    const { request, response, ...fields } = receiptInput(ack.runId, ack.i, `${ack.runId}/${ack.i}`);
    expect(log[ack.seq]).toMatchObject({ ...fields, seq: ack.seq, hash: ack.hash });
    expect(await receipts.body(ack.hash)).toEqual({ request, response });
  }
  // The processes did interleave: a run's receipts are not one contiguous block.
  const runsInOrder = log.map((receipt) => receipt.runId);
  expect(runsInOrder.filter((run, seq) => seq > 0 && run !== runsInOrder[seq - 1]).length).toBeGreaterThan(
    PROCESSES,
  );
  expect(await receipts.verify()).toEqual({ ok: true, size: total, erased: 0 });
  const head = await receipts.head();
  expect(head.size).toBe(total);
  // Every third receipt and the last (each proof reads the tree: all 1200 would take half a minute).
  for (const receipt of log.filter((_, seq) => seq % 3 === 0 || seq === total - 1)) {
    const proof = await receipts.proveInclusion(receipt.seq);
    const { hash, ...unhashed } = receipt;
    const entry = Buffer.from(canonicalize(unhashed as unknown as Val));
    expect(verifyInclusion(entry, receipt.seq, proof.treeSize, proof.path, head.rootHash)).toBe(true);
  }
}, 240_000);
