import {
  type BlobSpec,
  CorruptDataError,
  canonicalUtf8,
  decode,
  documentSpec,
  encodeRecord,
  InvalidArgumentError,
  logSpec,
  NotFoundError,
  ShapeParts,
  sha256Hex,
  TimestampSchema,
  type Val,
  z,
} from '@omega/core';
import { type Receipt, ReceiptFieldsSchema, type ReceiptInput, receiptInputOf } from './index.js';

/** What this family's names name, in every error and name check. */
export const KIND = 'receipt';

/** The one log of receipts in a store. */
export const RECEIPT_LOG = 'receipts';
/** The log of erasures: which bodies were deleted, when and why. */
export const ERASURE_LOG = 'erasures';

/** Header of each receipt entry: what `get` and `list` filter on without decoding the entry. */
const EntryHeaderSchema = z.object({
  hash: z.string(),
  runId: z.string(),
  kind: z.string(),
  idempotencyKey: z.string().optional(),
  /** The blob packing this receipt's bodies with its batch's, and their place in it (see bodies.ts). */
  pack: z.string().optional(),
  at: z
    .tuple([z.number().int().nonnegative(), z.number().int().nonnegative(), z.number().int().nonnegative()])
    .optional(),
});
export type EntryHeader = z.infer<typeof EntryHeaderSchema>;

/**
 * Receipt entries on any log port: `receipts/receipts`, format `omega.receipt` v1. An entry's body is the
 * receipt's canonical text without `hash`: the exact bytes the Merkle tree commits to.
 */
export const LOG = logSpec({ kind: KIND, folder: 'receipt-log', header: EntryHeaderSchema });

/** Header of each erasure record. */
const ErasureHeaderSchema = z.object({ hash: z.string(), erasedAt: TimestampSchema });
export type ErasureHeader = z.infer<typeof ErasureHeaderSchema>;

/** Erasure records, beside the receipts. */
export const ERASURES = logSpec({
  kind: `${KIND} erasure`,
  folder: 'receipt-erasures',
  header: ErasureHeaderSchema,
});

/** Request and response bodies: packs of a batch's small ones, and large ones by their SHA-256. */
export const BLOBS: BlobSpec = { kind: `${KIND} body`, folder: 'receipt-bodies' };

/** Header of the documents of the tree's state: the size a stored checkpoint commits to. */
const TreeHeaderSchema = z.object({ size: z.number().int().nonnegative().optional() });
export type TreeHeader = z.infer<typeof TreeHeaderSchema>;

/** The tree's state on any document port: `receipts/<name>` (the last checkpoint, the store's own signer key). */
export const TREE = documentSpec({ kind: `${KIND} tree`, folder: 'receipts', header: TreeHeaderSchema });

// The structure-only twin of ReceiptInputSchema: serde checks the values in the same walk.
const ReceiptInputShape = receiptInputOf(ShapeParts);

/** Checks an input's shape and values; an `InvalidArgumentError` naming the first bad path otherwise. */
export function checkInput(input: unknown): ReceiptInput {
  const { record } = encodeRecord(ReceiptInputShape, input, { kind: KIND });
  if (record.finishedAt < record.startedAt) {
    throw new InvalidArgumentError('a receipt cannot finish before it started', {
      details: { kind: KIND, path: '$.finishedAt', reason: 'before startedAt' },
    });
  }
  return record;
}

/** The canonical text of `value`; a string with a lone surrogate is an `InvalidArgumentError` at `path`. */
export function canonicalText(value: Val, path: string): string {
  return canonicalUtf8(value, KIND, path);
}

/** A receipt without its hash: what the tree commits to. */
export type Unhashed = Omit<Receipt, 'hash'>;

/** The entry of a receipt: the UTF-8 bytes of its canonical text without `hash`. */
export function entryText(receipt: Unhashed): string {
  return canonicalText(receipt as unknown as Val, '$');
}

/** The hash of an entry: SHA-256 hex of its UTF-8 bytes. */
export function hashOfEntry(text: string): string {
  return sha256Hex(text);
}

const StoredReceiptSchema = ReceiptFieldsSchema.omit({ hash: true }).passthrough();

/**
 * The receipt a stored entry holds, after checking that its body is canonical and its header names its
 * hash: a `CorruptDataError` naming the sequence number otherwise.
 */
export function receiptOfEntry(position: number, header: EntryHeader, body: string): Receipt {
  let value: unknown;
  try {
    value = decode(body);
  } catch (cause) {
    throw corruptEntry(position, 'its body is not serde JSON', cause);
  }
  const parsed = StoredReceiptSchema.safeParse(value);
  if (!parsed.success) throw corruptEntry(position, 'its body is not a receipt', parsed.error);
  const unhashed = parsed.data as unknown as Unhashed;
  if (unhashed.seq !== position) throw corruptEntry(position, `it holds seq ${unhashed.seq}`);
  if (hashOfEntry(body) !== header.hash) throw corruptEntry(position, 'its hash does not match its bytes');
  return { ...unhashed, hash: header.hash };
}

function corruptEntry(seq: number, reason: string, cause?: unknown): CorruptDataError {
  return new CorruptDataError(`receipt ${seq} is corrupt: ${reason}`, {
    cause,
    details: { kind: KIND, seq, reason },
  });
}

/** The error of an operation on a receipt that does not exist. */
export function notFound(hash: string): NotFoundError {
  return new NotFoundError(`no receipt has hash ${hash}`, { details: { kind: KIND, hash } });
}
