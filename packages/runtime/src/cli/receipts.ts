import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { NotFoundError, openCheckpoint, verifierFromKey, verifyInclusion } from '@omega/core';
import type { Receipt, ReceiptQuery } from '@omega/receipt';
import { ReceiptFront } from '@omega/receipt/front';
import { type Command, EXIT, type Group, integerOption, stringOption, UsageError } from './command.js';
import { clip, isoTime } from './output.js';
import { type StoreRoot, withStore } from './store.js';

const ls: Command = {
  name: 'ls',
  summary: 'list receipts in log order, filtered by run and kind',
  args: '',
  min: 0,
  max: 0,
  options: {
    run: { type: 'string', value: 'id', description: 'only the receipts of this run' },
    kind: {
      type: 'string',
      value: 'kind',
      description: 'only receipts of this kind (effect, llm.call, ...)',
    },
    from: { type: 'string', value: 'seq', description: 'start at this sequence number' },
    limit: { type: 'string', value: 'n', description: 'at most this many receipts' },
  },
  example: 'omega receipts ls --run run-1 --limit 20',
  run: (ctx) =>
    withStore(ctx, async (store) => {
      const query: ReceiptQuery = {};
      const run = stringOption(ctx, 'run');
      const kind = stringOption(ctx, 'kind');
      const from = integerOption(ctx, 'from');
      const limit = integerOption(ctx, 'limit');
      if (run !== undefined) query.runId = run;
      if (kind !== undefined) query.kind = kind;
      if (from !== undefined) query.fromSeq = from;
      if (limit !== undefined) query.limit = limit;
      const list = await store.receipts().list(query);
      if (ctx.json) ctx.out.json(list);
      else {
        ctx.out.table<Receipt>(
          [
            { title: 'SEQ', cell: (r) => String(r.seq), right: true },
            { title: 'RUN', cell: (r) => r.runId },
            { title: 'KIND', cell: (r) => r.kind },
            { title: 'MODEL', cell: (r) => r.model ?? '-' },
            { title: 'TOKENS', cell: (r) => tokens(r), right: true },
            { title: 'MS', cell: (r) => String(r.finishedAt - r.startedAt), right: true },
            { title: 'LOGGED', cell: (r) => isoTime(r.loggedAt) },
            { title: 'HASH', cell: (r) => r.hash.slice(0, 16) },
          ],
          list,
          'no receipts',
        );
      }
      return EXIT.ok;
    }),
};

function tokens(receipt: Receipt): string {
  const { inputTokens, outputTokens } = receipt.usage ?? {};
  if (inputTokens === undefined && outputTokens === undefined) return '-';
  return String((inputTokens ?? 0) + (outputTokens ?? 0));
}

/** The receipt named by a hash, a unique hash prefix (as `ls` prints them), or a sequence number. */
async function findReceipt(store: StoreRoot, ref: string): Promise<Receipt> {
  const receipts = store.receipts();
  if (/^[0-9a-f]{64}$/.test(ref)) {
    const receipt = await receipts.get(ref);
    if (receipt !== null) return receipt;
  } else if (/^\d{1,15}$/.test(ref)) {
    const [receipt] = await receipts.list({ fromSeq: Number(ref), limit: 1 });
    if (receipt !== undefined && receipt.seq === Number(ref)) return receipt;
  } else if (/^[0-9a-f]{4,63}$/.test(ref)) {
    const matches = (await receipts.list()).filter((receipt) => receipt.hash.startsWith(ref));
    if (matches.length > 1) throw new UsageError(`hash prefix ${ref} names ${matches.length} receipts`);
    if (matches[0] !== undefined) return matches[0];
  } else {
    throw new UsageError(`"${ref}" is neither a receipt hash (or a prefix of one) nor a sequence number`);
  }
  throw new NotFoundError(`no receipt ${ref} in ${store.root}`, { details: { kind: 'receipt', name: ref } });
}

const show: Command = {
  name: 'show',
  summary: 'print one receipt and its request and response',
  args: '<hash|seq>',
  min: 1,
  max: 1,
  example: 'omega receipts show 3 --json',
  run: (ctx) =>
    withStore(ctx, async (store) => {
      const receipt = await findReceipt(store, ctx.args[0] as string);
      const body = await store.receipts().body(receipt.hash);
      if (ctx.json) {
        ctx.out.json({ receipt, body });
        return EXIT.ok;
      }
      ctx.out.fields([
        ['seq', String(receipt.seq)],
        ['hash', receipt.hash],
        ['run', receipt.runId],
        ['kind', receipt.kind],
        ['model', receipt.model ?? '-'],
        ['usage', JSON.stringify(receipt.usage ?? {})],
        ['started', isoTime(receipt.startedAt)],
        ['finished', isoTime(receipt.finishedAt)],
        ['logged', isoTime(receipt.loggedAt)],
        ['key', receipt.idempotencyKey ?? '-'],
        [
          'request',
          body === null
            ? '-'
            : 'erased' in body
              ? `erased: ${body.erased}`
              : clip(JSON.stringify(body.request), 400),
        ],
        ['response', body === null || 'erased' in body ? '-' : clip(JSON.stringify(body.response), 400)],
      ]);
      return EXIT.ok;
    }),
};

const verify: Command = {
  name: 'verify',
  summary: 'recompute every receipt hash and the Merkle tree; exit 1 if anything was altered',
  args: '',
  min: 0,
  max: 0,
  options: {
    against: {
      type: 'string',
      value: 'file',
      description:
        'a checkpoint kept elsewhere (from `receipts prove --json` or the head) that must be a prefix',
    },
  },
  example: 'omega receipts verify --against ./receipts.checkpoint',
  run: (ctx) =>
    withStore(ctx, async (store) => {
      const receipts = store.receipts();
      const file = stringOption(ctx, 'against');
      const against = file === undefined ? undefined : await readFile(resolve(file), 'utf8');
      const progress = ctx.out.progressOf('verify');
      const result = await receipts.verify({
        ...(against === undefined ? {} : { against }),
        onProgress: progress.listener,
      });
      progress.done();
      const head = await receipts.head();
      if (ctx.json) ctx.out.json({ ...result, rootHash: head.rootHash, checkpoint: head.checkpoint });
      else if (result.ok) {
        ctx.out.line(
          `${ctx.out.style('green', 'ok')}: ${result.size} receipts verified (${result.erased} erased)`,
        );
        ctx.out.line(`root ${head.rootHash}`);
      } else {
        ctx.out.line(
          `${ctx.out.style('red', 'BAD')}: receipt ${result.firstBadSeq ?? '?'} of ${result.size}: ${result.reason ?? 'altered'}`,
        );
      }
      return result.ok ? EXIT.ok : EXIT.problem;
    }),
};

const prove: Command = {
  name: 'prove',
  summary: "print an inclusion proof of a receipt in the signed tree, checked against the tree's root",
  args: '<hash|seq>',
  min: 1,
  max: 1,
  options: {
    'tree-size': {
      type: 'string',
      value: 'n',
      description: 'prove against the tree of this size (default: now)',
    },
  },
  example: 'omega receipts prove 3 --json > proof.json',
  run: (ctx) =>
    withStore(ctx, async (store) => {
      const receipts = store.receipts();
      const receipt = await findReceipt(store, ctx.args[0] as string);
      const treeSize = integerOption(ctx, 'tree-size');
      const proof = await receipts.proveInclusion(receipt.seq, treeSize);
      // Checked here as a client would: the checkpoint's signature, then the path from the leaf to its root.
      const checkpoint = openCheckpoint(proof.checkpoint, verifierFromKey(await receipts.verifierKey()));
      const log = store.store.log(ReceiptFront.LOG);
      const [name] = await log.logs();
      const [entry] = name === undefined ? [] : await log.read(name, { from: receipt.seq, limit: 1 });
      const verified =
        entry !== undefined &&
        verifyInclusion(Buffer.from(entry.body), proof.seq, proof.treeSize, proof.path, checkpoint.rootHash);
      if (ctx.json)
        ctx.out.json({ receipt: receipt.hash, ...proof, rootHash: checkpoint.rootHash, verified });
      else {
        ctx.out.fields([
          ['receipt', `${receipt.seq} ${receipt.hash}`],
          ['tree size', String(proof.treeSize)],
          ['root', checkpoint.rootHash],
          ['path', proof.path.length === 0 ? '(empty: the only leaf)' : proof.path.join('\n      ')],
          ['verified', verified ? ctx.out.style('green', 'yes') : ctx.out.style('red', 'NO')],
        ]);
        ctx.out.line();
        ctx.out.line(proof.checkpoint.trimEnd());
      }
      return verified ? EXIT.ok : EXIT.problem;
    }),
};

/** `omega receipts ls|show|verify|prove`. */
export const receipts: Group = {
  name: 'receipts',
  summary: 'the signed log of model and effect calls',
  commands: [ls, show, verify, prove],
};
