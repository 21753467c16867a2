import {
  CheckedParts,
  type Closable,
  NameSchema,
  type ProgressListener,
  type RecordParts,
  TimestampSchema,
  z,
} from '@omega/core';

export type { Val } from '@omega/core';

/** Token counts and cost of one call, as the caller reports them. Cost in USD. */
export const UsageSchema = z
  .object({
    inputTokens: z.number().int().nonnegative().optional(),
    outputTokens: z.number().int().nonnegative().optional(),
    cachedInputTokens: z.number().int().nonnegative().optional(),
    reasoningTokens: z.number().int().nonnegative().optional(),
    costUsd: z.number().nonnegative().finite().optional(),
  })
  .strict();
export type Usage = z.infer<typeof UsageSchema>;

/** What a caller appends, over a set of record parts (checked ones for the public schema, shape ones for serde). */
export function receiptInputOf(parts: RecordParts) {
  return z
    .object({
      /** The run the call belongs to; follows the name rule. */
      runId: NameSchema,
      /** What was called: `llm.call`, `effect`, ... */
      kind: z.string().min(1),
      request: parts.val,
      response: parts.val,
      model: z.string().optional(),
      usage: UsageSchema.optional(),
      /** When the call started and finished, in ms since the epoch, as the caller claims them. */
      startedAt: TimestampSchema,
      finishedAt: TimestampSchema,
      /** A second append with this key returns the first receipt instead of a new one. */
      idempotencyKey: z.string().min(1).optional(),
      meta: parts.valRecord.optional(),
    })
    .strict();
}

/** One model or effect call to record. */
export const ReceiptInputSchema = receiptInputOf(CheckedParts);
export type ReceiptInput = z.infer<typeof ReceiptInputSchema>;

/** What the log adds to an input's fields (the request and response themselves are stored apart). */
export const ReceiptFieldsSchema = z.object({
  /** 0-based position in the log. */
  seq: z.number().int().nonnegative(),
  /** Assigned by the log, never decreasing. */
  loggedAt: TimestampSchema,
  /** SHA-256 (hex) of the canonical request. */
  requestDigest: z.string().regex(/^[0-9a-f]{64}$/),
  /** SHA-256 (hex) of the canonical response. */
  responseDigest: z.string().regex(/^[0-9a-f]{64}$/),
  /** SHA-256 (hex) of the receipt's entry: the UTF-8 bytes of its canonical form without `hash`. */
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});

/** A stored receipt: the input without its request and response, and what the log adds. */
export type Receipt = Omit<ReceiptInput, 'request' | 'response'> & z.infer<typeof ReceiptFieldsSchema>;

/** The head of the receipt tree: its size, root and the signed checkpoint that commits to them. */
export interface TreeHead {
  /** The log's origin line: who keeps it. */
  origin: string;
  size: number;
  /** Root hash (hex) of the Merkle tree of the first `size` receipts (RFC 9162). */
  rootHash: string;
  /** A C2SP `tlog-checkpoint` signed note over origin, size and root. */
  checkpoint: string;
}

/** Filters of {@link ReceiptProvider.list}. */
export interface ReceiptQuery {
  runId?: string;
  kind?: string;
  /** The first sequence number considered (default 0). */
  fromSeq?: number;
  /** Most receipts returned. */
  limit?: number;
}

/** What {@link ReceiptProvider.verify} found. */
export interface VerifyResult {
  ok: boolean;
  /** Receipts checked. */
  size: number;
  /** The first receipt found altered, missing or out of place. */
  firstBadSeq?: number;
  /** Receipts whose body was erased on purpose (not counted as tampering). */
  erased: number;
  reason?: string;
}

/** A proof that receipt `seq` is in the tree of size `treeSize` (RFC 9162 §2.1.3). */
export interface InclusionProof {
  seq: number;
  treeSize: number;
  path: string[];
  /** The signed checkpoint of that tree size. */
  checkpoint: string;
}

/** A proof that the tree of `oldSize` is a prefix of the tree of `newSize` (RFC 9162 §2.1.4). */
export interface ConsistencyProof {
  oldSize: number;
  newSize: number;
  path: string[];
}

/**
 * What the runtime paid for: an append-only log of receipts of model and effect calls, whose Merkle tree
 * and signed checkpoints let someone who does not trust the store check that nothing was altered.
 *
 * Backends: `InMemoryReceiptProvider` (`@omega/receipt/memory`), `FilesystemReceiptProvider`
 * (`@omega/receipt/filesystem`) and `MockReceiptProvider` (`@omega/receipt/mock`). Every backend passes
 * `describeReceiptProvider` (`@omega/receipt/conformance`).
 */
export interface ReceiptProvider extends Closable {
  /** Records one call; resolves once the receipt is durable and in `head()` and proofs. */
  append(input: ReceiptInput): Promise<Receipt>;
  /** The receipt whose hash is `hash`, or null. */
  get(hash: string): Promise<Receipt | null>;
  /** The request and response of a receipt, `{ erased: reason }` once erased, or null for no receipt. */
  body(hash: string): Promise<{ request: unknown; response: unknown } | { erased: string } | null>;
  /** Receipts in log order, filtered. */
  list(query?: ReceiptQuery): Promise<Receipt[]>;
  /** How many receipts the log holds. */
  count(): Promise<number>;
  /** The current tree head, signed. */
  head(): Promise<TreeHead>;
  /**
   * Recomputes every hash and the tree; `against` is a checkpoint kept elsewhere, which must be a prefix.
   * `onProgress` is told how many receipts of the log have been checked (for a progress bar).
   */
  verify(options?: { against?: string; onProgress?: ProgressListener }): Promise<VerifyResult>;
  proveInclusion(seq: number, treeSize?: number): Promise<InclusionProof>;
  proveConsistency(oldSize: number, newSize?: number): Promise<ConsistencyProof>;
  /** Deletes a receipt's body and records why; the receipt and every proof stay valid. */
  erase(hash: string, reason: string): Promise<void>;
  /** The C2SP note verifier key of the checkpoints' signer. */
  verifierKey(): Promise<string>;
}
