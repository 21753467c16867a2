import {
  Batches,
  CheckpointKeeper,
  CompactRange,
  ConflictError,
  CorruptDataError,
  checkProgress,
  checkpointDisagreement,
  checkSignerOption,
  type DocumentBackend,
  decode,
  Front,
  type FrontInit,
  InvalidArgumentError,
  isOmegaError,
  type LogBackend,
  type LogEntry,
  leafHash,
  logEntries,
  type ProgressListener,
  type Store,
  sha256Hex,
  type Val,
} from '@omega/core';
import { Bodies, type BodyRef, type BodyTexts, PackCache, type Part, type Place } from './bodies.js';
import { Erasures } from './erasures.js';
import { checkOrigin, checkRedact, DEFAULT_ORIGIN, type ReceiptFrontOptions } from './front-options.js';
import { HashIndex } from './hash-index.js';
import type {
  ConsistencyProof,
  InclusionProof,
  Receipt,
  ReceiptInput,
  ReceiptProvider,
  ReceiptQuery,
  TreeHead,
  VerifyResult,
} from './index.js';
import { KEYS, KeyIndex } from './key-index.js';
import {
  BLOBS,
  canonicalText,
  checkInput,
  type EntryHeader,
  ERASURES,
  entryText,
  hashOfEntry,
  KIND,
  LOG,
  notFound,
  RECEIPT_LOG,
  receiptOfEntry,
  TREE,
  type TreeHeader,
  type Unhashed,
} from './rules.js';
import { TREE_LOGS, TreeState } from './tree-state.js';

export type { ReceiptFrontOptions, ReceiptSigner } from './front-options.js';

/**
 * The receipt family's rules, written once over the log, blob and document ports of any {@link Store}:
 * receipts on the log (appends chain through its conditional append, never a lock), bodies as blobs,
 * the last signed checkpoint as a document.
 */
export class ReceiptFront extends Front implements ReceiptProvider {
  static readonly LOG = LOG;
  static readonly BLOBS = BLOBS;
  protected readonly log: LogBackend<EntryHeader>;
  protected readonly tree: DocumentBackend<TreeHeader>;
  readonly #tree: TreeState;
  readonly #keys: KeyIndex;
  readonly #bodies: Bodies;
  readonly #erasures: Erasures;
  readonly #hashes: HashIndex;
  readonly #origin: string;
  readonly #checkpoints: CheckpointKeeper;
  #open: Promise<void> | null = null;
  readonly #redact: (value: Val) => Val;
  // The log's tail after this provider's last append: the next batch's guess, which its conditional
  // append checks (a conflict reads the log again), so a batch reads nothing before it appends.
  #tail: Tail | null = null;
  readonly #appends = new Batches<Pending, Receipt>((items) => this.#appendBatch(items));

  constructor(store: Store, options: ReceiptFrontOptions = {}, init: FrontInit = {}) {
    super(KIND, store, options, init);
    const provider = init.provider ?? new.target.name;
    this.#origin = checkOrigin(provider, options.origin ?? DEFAULT_ORIGIN);
    const signer = checkSignerOption(provider, KIND, options.signer);
    this.#redact = checkRedact(provider, options.redact);
    this.log = store.log(LOG);
    this.#bodies = new Bodies(store.blobs(BLOBS));
    this.#erasures = new Erasures(store.log(ERASURES), this.#bodies);
    this.#hashes = new HashIndex(this.log);
    this.tree = store.documents(TREE);
    this.#checkpoints = new CheckpointKeeper(this.tree, this.#origin, signer, KIND);
    this.#tree = new TreeState(store.log(TREE_LOGS), this.log);
    this.#keys = new KeyIndex(store.documents(KEYS), this.log);
  }

  async append(input: ReceiptInput): Promise<Receipt> {
    this.lifecycle.assertNamed('append', (input as Partial<ReceiptInput> | null)?.runId as string);
    const checked = checkInput(input);
    const { request, response, ...fields } = checked;
    const bodies: BodyTexts = {
      request: canonicalText(this.#redact(request as Val), '$.request'),
      response: canonicalText(this.#redact(response as Val), '$.response'),
    };
    if (fields.meta !== undefined) fields.meta = this.#redact(fields.meta as Val) as typeof fields.meta;
    const pending: Pending = {
      ...fields,
      requestDigest: sha256Hex(bodies.request),
      responseDigest: sha256Hex(bodies.response),
    };
    // Bodies before the receipt, which is never readable before its body is stored: small ones in their
    // batch's pack, large ones here.
    if (Bodies.packs(bodies)) pending.bodies = bodies;
    else await Promise.all([this.#bodies.own(bodies.request), this.#bodies.own(bodies.response)]);
    await this.#opened();
    return this.#appends.submit(pending);
  }

  /**
   * Appends a batch as one conditional append at the log's size, its small bodies packed in one blob
   * first; when another appender came first, reads the log again and retries. A key already in the log,
   * or earlier in the batch, gets that receipt.
   */
  async #appendBatch(items: Pending[]): Promise<Receipt[]> {
    let packed: { placed: Map<Pending, Placed>; stored: Promise<void> } | null = null;
    for (;;) {
      const tail = this.#tail ?? (await this.#readTail());
      const size = tail.size;
      const keys = new Set(items.flatMap((item) => item.idempotencyKey ?? []));
      const byKey = keys.size === 0 ? new Map<string, Receipt>() : await this.#byIdempotencyKeys(keys, size);
      const fresh = firstOfEachKey(items, byKey);
      // Packed once (a retry appends fewer of the items, never others), stored while the entries are built.
      packed ??= this.#pack(fresh);
      const loggedAt = Math.max(this.timestamp(RECEIPT_LOG), tail.loggedAt);
      const entries: Array<{ header: EntryHeader; body: string }> = [];
      const receipts = new Map<Pending, Receipt>();
      for (const item of fresh) {
        const { bodies: _, ...fields } = item;
        const unhashed: Unhashed = { ...fields, seq: size + entries.length, loggedAt };
        const body = entryText(unhashed);
        const receipt = { ...unhashed, hash: hashOfEntry(body) };
        const header: EntryHeader = { hash: receipt.hash, runId: item.runId, kind: item.kind };
        if (item.idempotencyKey !== undefined) {
          header.idempotencyKey = item.idempotencyKey;
          byKey.set(item.idempotencyKey, receipt);
        }
        entries.push({ header: { ...header, ...packed.placed.get(item) }, body });
        receipts.set(item, receipt);
      }
      await packed.stored;
      try {
        if (entries.length > 0) await this.log.append(RECEIPT_LOG, entries, { expectedSize: size });
      } catch (error) {
        this.#tail = null;
        // Another appender took these positions: read what it appended, then try again after it.
        if (error instanceof ConflictError) continue;
        throw error;
      }
      this.#tail = { size: size + entries.length, loggedAt: entries.length > 0 ? loggedAt : tail.loggedAt };
      return items.map((item) => (receipts.get(item) ?? byKey.get(item.idempotencyKey as string)) as Receipt);
    }
  }

  /** The log's size and the loggedAt of its last receipt. */
  async #readTail(): Promise<Tail> {
    const last = await this.log.last(RECEIPT_LOG);
    return {
      size: last === null ? 0 : last.position + 1,
      loggedAt: last === null ? 0 : receiptOfEntry(last.position, last.header, last.body).loggedAt,
    };
  }

  /** Stores the small bodies of `items` as one pack: where each item's are, and when they are stored. */
  #pack(items: readonly Pending[]): { placed: Map<Pending, Placed>; stored: Promise<void> } {
    const packing = items.filter((item) => item.bodies !== undefined);
    const placed = new Map<Pending, Placed>();
    if (packing.length === 0) return { placed, stored: Promise.resolve() };
    const { digest, places, stored } = this.#bodies.pack(packing.map((item) => item.bodies as BodyTexts));
    for (const [i, item] of packing.entries()) placed.set(item, { pack: digest, at: places[i] as Place });
    return { placed, stored };
  }

  async get(hash: string): Promise<Receipt | null> {
    this.lifecycle.assertOpen('get');
    const entry = await this.#entryOf(hash);
    return entry && receiptOfEntry(entry.position, entry.header, entry.body);
  }

  async body(hash: string): Promise<{ request: Val; response: Val } | { erased: string } | null> {
    this.lifecycle.assertOpen('body');
    const entry = await this.#entryOf(hash);
    if (entry === null) return null;
    const receipt = receiptOfEntry(entry.position, entry.header, entry.body);
    const reason = await this.#erasures.reasonOf(hash);
    if (reason !== null) return { erased: reason };
    const ref = { ...entry.header, ...receipt };
    const cache = new PackCache();
    const part = async (name: Part): Promise<Val> => {
      const read = await this.#bodies.read(ref, name, cache);
      if ('text' in read) return decode(read.text);
      throw new CorruptDataError(`the ${name} of receipt ${receipt.seq} ${BODY_PROBLEMS[read.missing]}`, {
        details: { kind: KIND, seq: receipt.seq, hash, path: `$.${name}`, reason: read.missing },
      });
    };
    return { request: await part('request'), response: await part('response') };
  }

  async list(query: ReceiptQuery = {}): Promise<Receipt[]> {
    const { runId, kind, fromSeq = 0, limit = Number.POSITIVE_INFINITY } = query;
    if (runId === undefined) this.lifecycle.assertOpen('list');
    else this.lifecycle.assertNamed('list', runId);
    const found: Receipt[] = [];
    for await (const entry of logEntries(this.log, RECEIPT_LOG, fromSeq)) {
      if (found.length >= limit) break;
      if (runId !== undefined && entry.header.runId !== runId) continue;
      if (kind !== undefined && entry.header.kind !== kind) continue;
      found.push(receiptOfEntry(entry.position, entry.header, entry.body));
    }
    return found;
  }

  async count(): Promise<number> {
    this.lifecycle.assertOpen('count');
    return this.log.size(RECEIPT_LOG);
  }

  async head(): Promise<TreeHead> {
    this.lifecycle.assertOpen('head');
    await this.#opened();
    const size = await this.#tree.catchUp();
    const rootHash = await this.#tree.root(size);
    const checkpoint = await this.#checkpoint(size, rootHash);
    return { origin: this.#origin, size, rootHash, checkpoint };
  }

  async verify(options: { against?: string; onProgress?: ProgressListener } = {}): Promise<VerifyResult> {
    this.lifecycle.assertOpen('verify');
    const progress = await checkProgress(options.onProgress, () => this.log.size(RECEIPT_LOG), {
      kind: KIND,
      method: 'verify',
    });
    // The checkpoints the log must extend: the caller's, kept elsewhere, and the last one signed here.
    const checkpoints = await this.#checkpoints.toVerify(options.against);
    if (typeof checkpoints === 'string') return { ok: false, size: 0, erased: 0, reason: checkpoints };
    const wanted = new Set(checkpoints.map((checkpoint) => checkpoint.size));
    const roots = new Map<number, string>();
    const range = new CompactRange();
    if (wanted.has(0)) roots.set(0, range.root());
    let erased = 0;
    const erasures = await this.#erasures.all();
    const cache = new PackCache();
    for await (const entry of logEntries(this.log, RECEIPT_LOG, 0)) {
      const seq = entry.position;
      let receipt: Receipt;
      try {
        receipt = receiptOfEntry(seq, entry.header, entry.body);
      } catch (error) {
        if (!isOmegaError(error, 'CORRUPT_DATA')) throw error;
        return { ok: false, size: seq, firstBadSeq: seq, erased, reason: error.message };
      }
      range.append(leafHash(Buffer.from(entry.body)));
      if (wanted.has(range.size)) roots.set(range.size, range.root());
      progress.at(range.size);
      if (erasures.has(receipt.hash)) {
        erased++;
        continue;
      }
      const missing = await this.#missingBody({ ...entry.header, ...receipt }, cache);
      if (missing !== null) return { ok: false, size: seq, firstBadSeq: seq, erased, reason: missing };
    }
    progress.end(range.size);
    for (const checkpoint of checkpoints) {
      const reason = checkpointDisagreement(checkpoint, range.size, roots.get(checkpoint.size), 'receipts');
      if (reason !== null) return { ok: false, size: range.size, erased, reason };
    }
    return { ok: true, size: range.size, erased };
  }

  async proveInclusion(seq: number, treeSize?: number): Promise<InclusionProof> {
    this.lifecycle.assertOpen('proveInclusion');
    await this.#opened();
    const current = await this.#tree.catchUp();
    const size = checkSize('treeSize', treeSize ?? current, current);
    if (!Number.isSafeInteger(seq) || seq < 0 || seq >= size) {
      throw new InvalidArgumentError(`no receipt ${seq} in a tree of ${size}`, {
        details: { kind: KIND, argument: 'seq', value: seq, treeSize: size },
      });
    }
    const path = await this.#tree.inclusion(seq, size);
    return {
      seq,
      treeSize: size,
      path,
      checkpoint: await this.#checkpoint(size, await this.#tree.root(size), current),
    };
  }

  async proveConsistency(oldSize: number, newSize?: number): Promise<ConsistencyProof> {
    this.lifecycle.assertOpen('proveConsistency');
    await this.#opened();
    const current = await this.#tree.catchUp();
    const size = checkSize('newSize', newSize ?? current, current);
    if (!Number.isSafeInteger(oldSize) || oldSize < 1 || oldSize > size) {
      throw new InvalidArgumentError(`no consistency proof from size ${oldSize} to ${size}`, {
        details: { kind: KIND, argument: 'oldSize', value: oldSize, newSize: size },
      });
    }
    return { oldSize, newSize: size, path: await this.#tree.consistency(oldSize, size) };
  }

  async erase(hash: string, reason: string): Promise<void> {
    this.lifecycle.assertOpen('erase');
    if (typeof reason !== 'string' || reason === '') {
      throw new InvalidArgumentError('an erasure needs a reason', {
        details: { kind: KIND, argument: 'reason' },
      });
    }
    const entry = await this.#entryOf(hash);
    if (entry === null) throw notFound(hash);
    await this.#erasures.erase(entry, reason, this.timestamp(hash), logEntries(this.log, RECEIPT_LOG, 0));
  }

  async verifierKey(): Promise<string> {
    this.lifecycle.assertOpen('verifierKey');
    return this.#checkpoints.verifierKey();
  }

  /**
   * Once per provider, before its first write or proof: the log (and the tiles rebuilt from it where
   * missing) must extend the last checkpoint signed for this store, else a `CorruptDataError`: this
   * provider never signs a checkpoint inconsistent with one signed before.
   */
  #opened(): Promise<void> {
    this.#open ??= this.#proveLastCheckpoint().catch((error: unknown) => {
      this.#open = null;
      throw error;
    });
    return this.#open;
  }

  async #proveLastCheckpoint(): Promise<void> {
    const size = await this.#tree.catchUp();
    const reason = await this.#checkpoints.lastDisagreement(size, (n) => this.#tree.root(n), 'receipts');
    if (reason !== null) {
      throw new CorruptDataError(`the receipt log does not extend its last checkpoint: ${reason}`, {
        details: { kind: KIND, reason },
      });
    }
  }

  #entryOf(hash: string): Promise<LogEntry<EntryHeader> | null> {
    return typeof hash === 'string' ? this.#hashes.find(hash) : Promise.resolve(null);
  }

  /** The first receipts with these idempotency keys among the first `size`. */
  async #byIdempotencyKeys(keys: ReadonlySet<string>, size: number): Promise<Map<string, Receipt>> {
    const found = new Map<string, Receipt>();
    for (const [key, seq] of await this.#keys.find(keys, size)) {
      const [entry] = await this.log.read(RECEIPT_LOG, { from: seq, limit: 1 });
      if (entry === undefined) continue;
      KeyIndex.check(key, seq, entry.header);
      found.set(key, receiptOfEntry(entry.position, entry.header, entry.body));
    }
    return found;
  }

  /** Why a receipt's body is not there as its digests say, or null when it is. */
  async #missingBody(ref: BodyRef & { seq: number }, cache: PackCache): Promise<string | null> {
    for (const part of ['request', 'response'] as const) {
      const read = await this.#bodies.read(ref, part, cache);
      if ('missing' in read) return `the ${part} of receipt ${ref.seq} ${BODY_PROBLEMS[read.missing]}`;
    }
    return null;
  }

  /**
   * The signed checkpoint of the tree of `size` receipts, whose root is `rootHash`. Before signing, the
   * last checkpoint signed for this store must be a prefix of the tree of `current` (a `CorruptDataError`
   * otherwise: the log or its tiles were rewritten); a larger one becomes the last.
   */
  async #checkpoint(size: number, rootHash: string, current = size): Promise<string> {
    const reason = await this.#checkpoints.lastDisagreement(current, (n) => this.#tree.root(n), 'receipts');
    if (reason !== null) {
      throw new CorruptDataError(`refusing to sign a checkpoint: ${reason}`, {
        details: { kind: KIND, reason },
      });
    }
    return this.#checkpoints.sign(size, rootHash);
  }
}

/**
 * An append waiting for its batch: the receipt's fields but those the log assigns, and its bodies when
 * they go into the batch's pack.
 */
type Pending = Omit<Unhashed, 'seq' | 'loggedAt'> & { bodies?: BodyTexts };

/** Where the log ends: its size, and the loggedAt of its last receipt (0 when empty). */
interface Tail {
  size: number;
  loggedAt: number;
}

/** Where a receipt's bodies sit in its batch's pack. */
type Placed = Pick<EntryHeader, 'pack' | 'at'>;

/** The items of a batch to append: those without a key, and the first of each key not in `byKey`. */
function firstOfEachKey(items: readonly Pending[], byKey: ReadonlyMap<string, Receipt>): Pending[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = item.idempotencyKey;
    if (key === undefined) return true;
    if (byKey.has(key) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const BODY_PROBLEMS = { missing: 'is missing', altered: 'does not match its digest' } as const;

function checkSize(argument: string, size: number, actual: number): number {
  if (!Number.isSafeInteger(size) || size < 0 || size > actual) {
    throw new InvalidArgumentError(`${argument} ${size} is not a size of this log (it holds ${actual})`, {
      details: { kind: KIND, argument, value: size, size: actual },
    });
  }
  return size;
}
