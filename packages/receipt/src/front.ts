import { type KeyObject, KeyObject as KeyObjectClass } from 'node:crypto';
import {
  type BlobBackend,
  ConflictError,
  CorruptDataError,
  type DocumentBackend,
  decode,
  Front,
  type FrontInit,
  type FrontOptions,
  InvalidArgumentError,
  isOmegaError,
  type LogBackend,
  type LogEntry,
  type Store,
  type Val,
} from '@omega/core';
import { Batches } from './batches.js';
import { CompactRange } from './compact-range.js';
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
import { leafHash } from './merkle.js';
import {
  type Checkpoint,
  generateNoteKey,
  type NoteSigner,
  openCheckpoint,
  signCheckpoint,
  signerFromKey,
  signerFromPrivateKey,
  verifierFromKey,
  verifierKeyOfPrivateKey,
  verifierKeyOfSigner,
} from './note.js';
import {
  BLOBS,
  canonicalText,
  checkInput,
  type EntryHeader,
  ERASURE_LOG,
  ERASURES,
  type ErasureHeader,
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

/** Options every receipt backend takes. */
export interface ReceiptFrontOptions extends FrontOptions {
  /** The checkpoints' origin line: who keeps this log (default `omega.receipts`). */
  origin?: string;
  /**
   * Who signs checkpoints: an Ed25519 private key (`node:crypto`, named after the origin), a C2SP note
   * signer key string, or `{ keyName, verifierKey, sign(bytes) }` for a key kept elsewhere. Default: a key
   * the store makes once and keeps (`<root>/receipts/signer.jsonl` on disk), against accidents only.
   */
  signer?: KeyObject | string | ReceiptSigner;
  /** Applied to the request, response and meta before they are hashed and stored. */
  redact?: (value: Val) => Val;
}

const DEFAULT_ORIGIN = 'omega.receipts';
// The tree document holding the last checkpoint this store's signers signed.
const LAST_CHECKPOINT = 'checkpoint';
// The tree document holding the store's own signer key, when no signer is given.
const SIGNER = 'signer';
const PAGE = 1000;

/**
 * The receipt family's rules, written once over the log, blob and document ports of any {@link Store}:
 * receipts on the log (appends chain through its conditional append, never a lock), bodies as blobs,
 * the last signed checkpoint as a document.
 */
export class ReceiptFront extends Front implements ReceiptProvider {
  static readonly LOG = LOG;
  static readonly BLOBS = BLOBS;
  protected readonly log: LogBackend<EntryHeader>;
  protected readonly erasures: LogBackend<ErasureHeader>;
  protected readonly blobs: BlobBackend;
  protected readonly tree: DocumentBackend<TreeHeader>;
  readonly #tree: TreeState;
  readonly #keys: KeyIndex;
  readonly #origin: string;
  readonly #signerOption: SignerOption | undefined;
  #signer: Promise<KeyedSigner> | null = null;
  #open: Promise<void> | null = null;
  readonly #redact: (value: Val) => Val;
  readonly #appends = new Batches<Pending, Receipt>((items) => this.#appendBatch(items));

  constructor(store: Store, options: ReceiptFrontOptions = {}, init: FrontInit = {}) {
    super(KIND, store, options, init);
    const provider = init.provider ?? new.target.name;
    this.#origin = checkOrigin(provider, options.origin ?? DEFAULT_ORIGIN);
    this.#signerOption = checkSigner(provider, options.signer);
    this.#redact = checkRedact(provider, options.redact);
    this.log = store.log(LOG);
    this.erasures = store.log(ERASURES);
    this.blobs = store.blobs(BLOBS);
    this.tree = store.documents(TREE);
    this.#tree = new TreeState(store.log(TREE_LOGS), this.log);
    this.#keys = new KeyIndex(store.documents(KEYS), this.log);
  }

  async append(input: ReceiptInput): Promise<Receipt> {
    this.lifecycle.assertNamed('append', (input as Partial<ReceiptInput> | null)?.runId as string);
    const checked = checkInput(input);
    const { request, response, ...fields } = checked;
    const requestText = canonicalText(this.#redact(request as Val), '$.request');
    const responseText = canonicalText(this.#redact(response as Val), '$.response');
    if (fields.meta !== undefined) fields.meta = this.#redact(fields.meta as Val) as typeof fields.meta;
    // Bodies first: a receipt is never readable before its body is stored.
    const requestDigest = await this.blobs.put(Buffer.from(requestText));
    const responseDigest = await this.blobs.put(Buffer.from(responseText));
    await this.#opened();
    return this.#appends.submit({ ...fields, requestDigest, responseDigest });
  }

  /**
   * Appends a batch as one conditional append at the log's size; when another appender came first, reads
   * the log again and retries. A key already in the log, or earlier in the batch, gets that receipt.
   */
  async #appendBatch(items: Pending[]): Promise<Receipt[]> {
    for (;;) {
      const size = await this.log.size(RECEIPT_LOG);
      const keys = new Set(items.flatMap((item) => item.idempotencyKey ?? []));
      const byKey = keys.size === 0 ? new Map<string, Receipt>() : await this.#byIdempotencyKeys(keys, size);
      const last = size === 0 ? null : await this.log.last(RECEIPT_LOG);
      const previous = last === null ? 0 : receiptOfEntry(last.position, last.header, last.body).loggedAt;
      const loggedAt = Math.max(this.timestamp(RECEIPT_LOG), previous);
      const entries: Array<{ header: EntryHeader; body: string }> = [];
      const fresh: Receipt[] = [];
      for (const item of items) {
        if (item.idempotencyKey !== undefined && byKey.has(item.idempotencyKey)) continue;
        const unhashed: Unhashed = { ...item, seq: size + entries.length, loggedAt };
        const body = entryText(unhashed);
        const hash = hashOfEntry(body);
        const header: EntryHeader = { hash, runId: unhashed.runId, kind: unhashed.kind };
        if (unhashed.idempotencyKey !== undefined) {
          header.idempotencyKey = unhashed.idempotencyKey;
          byKey.set(unhashed.idempotencyKey, { ...unhashed, hash });
        }
        entries.push({ header, body });
        fresh.push({ ...unhashed, hash });
      }
      try {
        if (entries.length > 0) await this.log.append(RECEIPT_LOG, entries, { expectedSize: size });
      } catch (error) {
        // Another appender took these positions: read what it appended, then try again after it.
        if (error instanceof ConflictError) continue;
        throw error;
      }
      let next = 0;
      return items.map((item) =>
        item.idempotencyKey === undefined
          ? (fresh[next++] as Receipt)
          : (byKey.get(item.idempotencyKey) as Receipt),
      );
    }
  }

  async get(hash: string): Promise<Receipt | null> {
    this.lifecycle.assertOpen('get');
    const entry = await this.#entryOf(hash);
    return entry && receiptOfEntry(entry.position, entry.header, entry.body);
  }

  async body(hash: string): Promise<{ request: Val; response: Val } | { erased: string } | null> {
    this.lifecycle.assertOpen('body');
    const receipt = await this.get(hash);
    if (receipt === null) return null;
    const reason = await this.#erasureOf(hash);
    if (reason !== null) return { erased: reason };
    return {
      request: await this.#bodyPart(receipt, 'request', receipt.requestDigest),
      response: await this.#bodyPart(receipt, 'response', receipt.responseDigest),
    };
  }

  async list(query: ReceiptQuery = {}): Promise<Receipt[]> {
    const { runId, kind, fromSeq = 0, limit = Number.POSITIVE_INFINITY } = query;
    if (runId === undefined) this.lifecycle.assertOpen('list');
    else this.lifecycle.assertNamed('list', runId);
    const found: Receipt[] = [];
    for await (const entry of this.#entries(fromSeq)) {
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

  async verify(options: { against?: string } = {}): Promise<VerifyResult> {
    this.lifecycle.assertOpen('verify');
    const signer = await this.#keyed();
    // The checkpoints the log must extend: the caller's, kept elsewhere, and the last one signed here.
    const checkpoints: Checkpoint[] = [];
    for (const note of [options.against, await this.#lastCheckpoint()]) {
      if (note === undefined || note === null) continue;
      const opened = this.#openCheckpoint(note, signer);
      if (typeof opened === 'string') return { ok: false, size: 0, erased: 0, reason: opened };
      checkpoints.push(opened);
    }
    const wanted = new Set(checkpoints.map((checkpoint) => checkpoint.size));
    const roots = new Map<number, string>();
    const range = new CompactRange();
    if (wanted.has(0)) roots.set(0, range.root());
    let erased = 0;
    const erasures = await this.#erasedHashes();
    for await (const entry of this.#entries(0)) {
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
      if (erasures.has(receipt.hash)) {
        erased++;
        continue;
      }
      const missing = await this.#missingBody(receipt);
      if (missing !== null) return { ok: false, size: seq, firstBadSeq: seq, erased, reason: missing };
    }
    for (const checkpoint of checkpoints) {
      const reason = disagreement(checkpoint, range.size, roots.get(checkpoint.size));
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
    const receipt = await this.get(hash);
    if (receipt === null) throw notFound(hash);
    if ((await this.#erasureOf(hash)) === null) {
      const header: ErasureHeader = { hash, erasedAt: this.timestamp(hash) };
      await this.erasures.append(ERASURE_LOG, [{ header, body: JSON.stringify(reason) }]);
    }
    // A body another receipt still needs stays: blobs are shared by content.
    const kept = await this.#digestsInUse(hash);
    for (const digest of [receipt.requestDigest, receipt.responseDigest]) {
      if (!kept.has(digest)) await this.blobs.remove(digest);
    }
  }

  async verifierKey(): Promise<string> {
    this.lifecycle.assertOpen('verifierKey');
    return (await this.#keyed()).verifierKey;
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
    const last = await this.#lastCheckpoint();
    if (last === null) return;
    const opened = this.#openCheckpoint(last, await this.#keyed());
    const size = await this.#tree.catchUp();
    const reason =
      typeof opened === 'string'
        ? opened
        : disagreement(opened, size, opened.size <= size ? await this.#tree.root(opened.size) : undefined);
    if (reason !== null) {
      throw new CorruptDataError(`the receipt log does not extend its last checkpoint: ${reason}`, {
        details: { kind: KIND, reason },
      });
    }
  }

  /** The checkpoints' signer: the option's, else the store's own key, made once by an exclusive create. */
  #keyed(): Promise<KeyedSigner> {
    this.#signer ??= this.#loadSigner().catch((error: unknown) => {
      this.#signer = null;
      throw error;
    });
    return this.#signer;
  }

  async #loadSigner(): Promise<KeyedSigner> {
    const keyName = this.#origin.replace(/[+\s]/g, '-');
    if (this.#signerOption !== undefined) return keyedSigner(this.#signerOption, keyName);
    for (;;) {
      const stored = await this.tree.read(SIGNER);
      if (stored !== null) return keyedSigner(decode(stored.body) as string, keyName);
      try {
        await this.tree.create(SIGNER, {}, JSON.stringify(generateNoteKey(keyName).signerKey));
      } catch (error) {
        // Another process made the key first: use its.
        if (!isOmegaError(error, 'ALREADY_EXISTS')) throw error;
      }
    }
  }

  /** Every entry from position `from` on, a page at a time. */
  async *#entries(from: number): AsyncGenerator<LogEntry<EntryHeader>> {
    for (let position = from; ; ) {
      const page = await this.log.read(RECEIPT_LOG, { from: position, limit: PAGE });
      yield* page;
      if (page.length < PAGE) return;
      position += page.length;
    }
  }

  async #entryOf(hash: string): Promise<LogEntry<EntryHeader> | null> {
    if (typeof hash !== 'string') return null;
    for await (const entry of this.#entries(0)) if (entry.header.hash === hash) return entry;
    return null;
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

  async #erasedHashes(): Promise<Map<string, string>> {
    const erased = new Map<string, string>();
    for (let from = 0; ; ) {
      const page = await this.erasures.read(ERASURE_LOG, { from, limit: PAGE });
      for (const entry of page) if (!erased.has(entry.header.hash)) erased.set(entry.header.hash, entry.body);
      if (page.length < PAGE) return erased;
      from += page.length;
    }
  }

  async #erasureOf(hash: string): Promise<string | null> {
    const body = (await this.#erasedHashes()).get(hash);
    return body === undefined ? null : (JSON.parse(body) as string);
  }

  async #digestsInUse(except: string): Promise<Set<string>> {
    const erased = await this.#erasedHashes();
    const used = new Set<string>();
    for await (const entry of this.#entries(0)) {
      if (entry.header.hash === except || erased.has(entry.header.hash)) continue;
      const receipt = receiptOfEntry(entry.position, entry.header, entry.body);
      used.add(receipt.requestDigest).add(receipt.responseDigest);
    }
    return used;
  }

  async #bodyPart(receipt: Receipt, part: string, digest: string): Promise<Val> {
    const bytes = await this.blobs.get(digest);
    if (bytes === null) {
      throw new CorruptDataError(`the ${part} of receipt ${receipt.seq} is missing`, {
        details: { kind: KIND, seq: receipt.seq, hash: receipt.hash, path: `$.${part}` },
      });
    }
    return decode(Buffer.from(bytes).toString('utf8'));
  }

  /** Why a receipt's body is not there as its digests say, or null when it is. */
  async #missingBody(receipt: Receipt): Promise<string | null> {
    for (const [part, digest] of [
      ['request', receipt.requestDigest],
      ['response', receipt.responseDigest],
    ] as const) {
      try {
        if ((await this.blobs.get(digest)) === null)
          return `the ${part} of receipt ${receipt.seq} is missing`;
      } catch (error) {
        if (!isOmegaError(error, 'CORRUPT_DATA')) throw error;
        return `the ${part} of receipt ${receipt.seq} does not match its digest`;
      }
    }
    return null;
  }

  async #lastCheckpoint(): Promise<string | null> {
    const document = await this.tree.read(LAST_CHECKPOINT);
    return document && (decode(document.body) as string);
  }

  /** The checkpoint `note` opened with this store's verifier and origin, or why it cannot be. */
  #openCheckpoint(note: string, signer: KeyedSigner): Checkpoint | string {
    let checkpoint: Checkpoint;
    try {
      checkpoint = openCheckpoint(note, verifierFromKey(signer.verifierKey));
    } catch (error) {
      if (!isOmegaError(error, 'CORRUPT_DATA')) throw error;
      return `the checkpoint does not verify: ${error.message}`;
    }
    if (checkpoint.origin !== this.#origin) return `the checkpoint is of origin ${checkpoint.origin}`;
    return checkpoint;
  }

  /**
   * The signed checkpoint of the tree of `size` receipts, whose root is `rootHash`. Before signing, the
   * last checkpoint signed for this store must be a prefix of the tree of `current` (a `CorruptDataError`
   * otherwise: the log or its tiles were rewritten); a larger one becomes the last.
   */
  async #checkpoint(size: number, rootHash: string, current = size): Promise<string> {
    const signer = await this.#keyed();
    const last = await this.#lastCheckpoint();
    if (last !== null) {
      const opened = this.#openCheckpoint(last, signer);
      const reason =
        typeof opened === 'string'
          ? opened
          : disagreement(
              opened,
              current,
              opened.size <= current ? await this.#tree.root(opened.size) : undefined,
            );
      if (reason !== null) {
        throw new CorruptDataError(`refusing to sign a checkpoint: ${reason}`, {
          details: { kind: KIND, reason },
        });
      }
    }
    const note = await signCheckpoint({ origin: this.#origin, size, rootHash }, signer);
    const lastSize = (await this.tree.readHeader(LAST_CHECKPOINT))?.header.size ?? -1;
    if (size > lastSize) await this.tree.write(LAST_CHECKPOINT, { size }, JSON.stringify(note));
    return note;
  }
}

/** An append waiting for its batch: the receipt's fields but those the log assigns. */
type Pending = Omit<Unhashed, 'seq' | 'loggedAt'>;

/** A signer with the verifier key that checks its signatures. */
type KeyedSigner = NoteSigner & { verifierKey: string };

/** A caller's own signer: signs with its key, and names the verifier key that checks it. */
export interface ReceiptSigner {
  keyName: string;
  verifierKey: string;
  sign(message: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

type SignerOption = KeyObject | string | ReceiptSigner;

function checkSigner(provider: string, signer: unknown): SignerOption | undefined {
  if (signer === undefined || typeof signer === 'string') return signer;
  if (signer instanceof KeyObjectClass && signer.type === 'private') return signer;
  const custom = signer as Partial<ReceiptSigner> | null;
  if (
    typeof custom === 'object' &&
    custom !== null &&
    typeof custom.keyName === 'string' &&
    typeof custom.verifierKey === 'string' &&
    typeof custom.sign === 'function'
  ) {
    return custom as ReceiptSigner;
  }
  throw new InvalidArgumentError(
    `${provider}: option signer must be an Ed25519 private key, a note signer key or { keyName, verifierKey, sign }`,
    { details: { provider, kind: KIND, option: 'signer' } },
  );
}

/** The signer of an option, with its verifier key. */
function keyedSigner(signer: SignerOption, keyName: string): KeyedSigner {
  if (typeof signer === 'string') {
    const noteSigner = signerFromKey(signer);
    return { ...noteSigner, sign: noteSigner.sign, verifierKey: verifierKeyOfSigner(signer) };
  }
  if (signer instanceof KeyObjectClass) {
    const noteSigner = signerFromPrivateKey(keyName, signer);
    return { ...noteSigner, sign: noteSigner.sign, verifierKey: verifierKeyOfPrivateKey(keyName, signer) };
  }
  const verifier = verifierFromKey(signer.verifierKey);
  if (verifier.keyName !== signer.keyName) {
    throw new InvalidArgumentError("the signer's verifier key names another key", {
      details: { kind: KIND, option: 'signer', keyName: signer.keyName, verifierKeyName: verifier.keyName },
    });
  }
  return {
    keyName: signer.keyName,
    keyId: verifier.keyId,
    sign: (m) => signer.sign(m),
    verifierKey: signer.verifierKey,
  };
}

/** Why a log of `size` receipts whose root at the checkpoint's size is `root` does not extend it, or null. */
function disagreement(checkpoint: Checkpoint, size: number, root: string | undefined): string | null {
  if (checkpoint.size > size) {
    return `the log holds ${size} receipts, fewer than the ${checkpoint.size} of the checkpoint`;
  }
  if (root !== checkpoint.rootHash) {
    return `the first ${checkpoint.size} receipts are not those the checkpoint commits to`;
  }
  return null;
}

function checkOrigin(provider: string, origin: unknown): string {
  if (typeof origin !== 'string' || origin === '' || origin.includes('\n')) {
    throw new InvalidArgumentError(`${provider}: option origin must be one non-empty line`, {
      details: { provider, kind: KIND, option: 'origin', value: origin },
    });
  }
  return origin;
}

function checkRedact(provider: string, redact: unknown): (value: Val) => Val {
  if (redact === undefined) return (value) => value;
  if (typeof redact !== 'function') {
    throw new InvalidArgumentError(`${provider}: option redact must be a function`, {
      details: { provider, kind: KIND, option: 'redact' },
    });
  }
  return redact as (value: Val) => Val;
}

function checkSize(argument: string, size: number, actual: number): number {
  if (!Number.isSafeInteger(size) || size < 0 || size > actual) {
    throw new InvalidArgumentError(`${argument} ${size} is not a size of this log (it holds ${actual})`, {
      details: { kind: KIND, argument, value: size, size: actual },
    });
  }
  return size;
}
