import {
  Front,
  type FrontInit,
  InvalidArgumentError,
  isOmegaError,
  type Store,
  type SyncBlobBackend,
  type SyncDocumentBackend,
  type SyncStore,
  sha256Hex,
  type Val,
} from '@omega/core';
import { lowWater, type Scanned, type Totals, totalsOf, victims } from './eviction.js';
import type { Artifact, ArtifactKey, ArtifactProvider, ArtifactStats, PruneResult } from './index.js';
import { exprName, keyString } from './keys.js';
import { type ArtifactFrontOptions, type CheckedOptions, checkOptions } from './options.js';
import {
  BLOBS,
  checkFingerprints,
  checkKey,
  checkPart,
  DOCUMENTS,
  type IndexHeader,
  KIND,
  metadataOf,
  otherExpression,
  type Variant,
} from './rules.js';
import { encodeValue, type Held, handOut, hold, once } from './values.js';
import { findVariant, freshVariant, lastUse, type Touch, withTouches } from './variants.js';

export type { ArtifactFrontOptions } from './options.js';

const NO_DIGESTS: ReadonlySet<string> = new Set();

/**
 * The artifact family's rules, written once over the synchronous faces of any store that has them (memory,
 * filesystem): the index on the document port, one document per expression holding its variants (most
 * recently used first, with their metadata); the values on the blob port, by digest, so a value is stored
 * once however many keys point to it. Every change of an index document is a read-modify-write under its
 * lock, fenced, so processes sharing a store exclude each other; a value whose blob is missing or does not
 * match its digest is a miss, and its entry is dropped.
 */
export class ArtifactFront extends Front implements ArtifactProvider {
  /** Where and how the index is stored in a store: `artifacts/x.<sha256 of exprKey>`, format `omega.artifact`. */
  static readonly DOCUMENTS = DOCUMENTS;
  /** Where values are stored: blobs of `artifact-values/`. */
  static readonly BLOBS = BLOBS;

  readonly #documents: SyncDocumentBackend<IndexHeader>;
  readonly #blobs: SyncBlobBackend;
  readonly #options: CheckedOptions;
  /**
   * Values by digest, for an in-process store only (a `prevalidated` port, which only this process
   * writes): what was put is what is there, so a hit neither reads nor hashes the blob again. Entries go
   * with their blobs when this front removes them; one another front over the same store removed stays
   * until this front's next collection, and is still the value of its digest.
   */
  readonly #values = new Map<string, Held>();
  /** Hits not yet written to the index, by canonical key. */
  readonly #touches = new Map<string, Touch>();
  /** What the cache holds as this process last knew it (null: not known; only kept when bounded). */
  #totals: Totals | null = null;
  #hits = 0;
  #misses = 0;
  #saved = 0;

  /** An artifact cache over `store`'s synchronous faces; `init` is for provider classes. */
  constructor(store: Store & SyncStore, options: ArtifactFrontOptions = {}, init: FrontInit = {}) {
    super(KIND, store, options, init);
    const provider = this.lifecycle.provider;
    this.#options = checkOptions(provider, options);
    if (typeof (store as Partial<SyncStore>).documentsSync !== 'function') {
      throw new InvalidArgumentError(
        `${provider} needs a store with synchronous faces (memory, filesystem)`,
        {
          details: { provider, kind: KIND, option: 'store' },
        },
      );
    }
    this.#documents = store.documentsSync(DOCUMENTS);
    this.#blobs = store.blobsSync(BLOBS);
  }

  get(key: ArtifactKey): Val | undefined {
    this.lifecycle.assertOpen('get');
    checkKey('get', key);
    const name = exprName(key.exprKey);
    const header = this.#read(name, key.exprKey);
    const variant = header && findVariant(header.variants, key.depsFingerprint, key.paramsKey);
    const held = variant && this.#held(name, key.exprKey, variant);
    return held ? this.#hit(name, key.exprKey, variant!, held) : this.#miss();
  }

  getByExpr(exprKey: string, currentFingerprints: Map<string, string>, paramsKey?: string): Val | undefined {
    this.lifecycle.assertOpen('getByExpr');
    checkPart('getByExpr', 'exprKey', exprKey);
    checkFingerprints(currentFingerprints);
    if (paramsKey !== undefined) checkPart('getByExpr', 'paramsKey', paramsKey);
    const name = exprName(exprKey);
    const header = this.#read(name, exprKey);
    if (header === null) return this.#miss();
    let bad = NO_DIGESTS;
    for (;;) {
      const variant = freshVariant(header.variants, currentFingerprints, paramsKey, bad);
      if (variant === undefined) return this.#miss();
      const held = this.#held(name, exprKey, variant);
      if (held !== null) return this.#hit(name, exprKey, variant, held);
      // Dropped from the index: another variant of the expression may still be fresh.
      bad = new Set([...bad, variant.digest]);
    }
  }

  put(key: ArtifactKey, value: Val, metadata: Partial<Artifact['metadata']>): void {
    this.lifecycle.assertOpen('put');
    checkKey('put', key);
    const { exprKey, depsFingerprint, paramsKey } = key;
    const name = exprName(exprKey);
    // Checked and encoded before anything is written: a bad value or metadata stores nothing.
    const text = encodeValue(name, value);
    const now = this.timestamp(name);
    const fresh: Variant = {
      key: keyString(key),
      depsFingerprint,
      ...(paramsKey === undefined ? {} : { paramsKey }),
      digest: '',
      bytes: Buffer.byteLength(text),
      ...metadataOf(name, metadata, now),
    };
    // The value first: an index entry never points to a blob not yet written.
    // Decoded and frozen at its first hit, not here: many memoized values are never read again.
    fresh.digest = this.#blobs.put(Buffer.from(text));
    let change = { count: 1, bytes: fresh.bytes };
    this.#rewrite(name, exprKey, (variants) => {
      const others = variants.filter((variant) => variant.key !== fresh.key);
      const kept = [fresh, ...others].slice(0, this.#options.variants);
      change = { count: kept.length - variants.length, bytes: bytesOf(kept) - bytesOf(variants) };
      return kept;
    });
    this.#account(change);
  }

  clear(): void {
    this.lifecycle.assertOpen('clear');
    for (const name of this.#documents.names({ limit: Number.POSITIVE_INFINITY }))
      this.#documents.remove(name);
    for (const digest of this.#blobs.digests({ limit: Number.POSITIVE_INFINITY })) this.#blobs.remove(digest);
    this.#values.clear();
    this.#touches.clear();
    this.#totals = null;
  }

  clearByExpr(exprKey: string): void {
    this.lifecycle.assertOpen('clearByExpr');
    checkPart('clearByExpr', 'exprKey', exprKey);
    this.#documents.remove(exprName(exprKey));
    this.#totals = null;
    // In process nobody can put between the scan and the removal, so its values go at once; on a shared
    // store a concurrent put could reuse one, so they wait for prune().
    if (this.#documents.prevalidated) this.#collect(this.#scan());
  }

  stats(): ArtifactStats {
    this.lifecycle.assertOpen('stats');
    const { count, bytes } = totalsOf(this.#scan());
    return {
      count,
      capacity: this.#options.capacity,
      hitCount: this.#hits,
      missCount: this.#misses,
      bytes,
      maxBytes: this.#options.maxBytes,
      computeTimeSavedMs: this.#saved,
    };
  }

  signature(): string {
    this.lifecycle.assertOpen('signature');
    const pairs = this.#scan().map(({ variant }) => [variant.key, variant.digest] as const);
    pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return sha256Hex(JSON.stringify(pairs));
  }

  prune(): PruneResult {
    this.lifecycle.assertOpen('prune');
    const scanned = this.#scan();
    const gone = scanned.filter(({ variant }) => !this.#blobs.has(variant.digest));
    const missing = new Set(gone);
    const present = scanned.filter((entry) => !missing.has(entry));
    const { capacity, maxBytes } = this.#options;
    const evicted = [...gone, ...victims(present, capacity ?? Infinity, maxBytes ?? Infinity)];
    this.#remove(evicted);
    const chosen = new Set(evicted);
    const left = scanned.filter((entry) => !chosen.has(entry));
    this.#totals = totalsOf(left);
    return { evicted: evicted.length, blobsRemoved: this.#collect(left) };
  }

  /** The index document of expression `exprKey` (its header), or null when there is none. */
  #read(name: string, exprKey: string): IndexHeader | null {
    const stored = this.#documents.readHeader(name);
    if (stored === null) return null;
    if (stored.header.exprKey !== exprKey) throw otherExpression(name, stored.file);
    return stored.header;
  }

  /**
   * How to hand out the value of `variant`, or null when its blob is missing or altered: the entry is
   * then dropped from the index (and an altered blob removed), so the next reader misses at once.
   */
  #held(name: string, exprKey: string, variant: Variant): Held | null {
    const { digest } = variant;
    // In process every change is one synchronous call, which removes index entries before their blobs:
    // a value the index still names is stored, so a held one needs no check.
    if (this.#documents.prevalidated) {
      const held = this.#values.get(digest);
      if (held !== undefined) return held;
    }
    let text: string | null = null;
    try {
      const bytes = this.#blobs.get(digest);
      if (bytes !== null) text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString();
    } catch (error) {
      if (!isOmegaError(error, 'CORRUPT_DATA')) throw error;
      this.#blobs.remove(digest);
    }
    const held = text === null ? null : this.#decoded(digest, text);
    if (held === null) {
      this.#rewrite(name, exprKey, (variants) => variants.filter((other) => other.digest !== digest));
      this.#totals = null;
    } else if (this.#documents.prevalidated) {
      this.#values.set(digest, held);
    }
    return held;
  }

  // Text whose digest matched but that is not serde text was not written by a cache: as altered.
  #decoded(digest: string, text: string): Held | null {
    try {
      return this.#documents.prevalidated ? hold(text) : once(text);
    } catch (error) {
      if (!isOmegaError(error, 'CORRUPT_DATA')) throw error;
      this.#blobs.remove(digest);
      return null;
    }
  }

  #hit(name: string, exprKey: string, variant: Variant, held: Held): Val {
    this.#hits += 1;
    this.#saved += variant.computeTimeMs;
    const now = this.timestamp(name);
    const touch = this.#touches.get(variant.key);
    if (touch === undefined) this.#touches.set(variant.key, { at: now, count: 1 });
    else {
      touch.at = Math.max(touch.at, now);
      touch.count += 1;
    }
    if (now - variant.accessedAt >= this.#options.accessResolutionMs) {
      this.#rewrite(name, exprKey, (variants) => variants);
    }
    return handOut(held);
  }

  #miss(): undefined {
    this.#misses += 1;
    return undefined;
  }

  /**
   * Read-modify-write of index document `name` under its lock: `change` gets the stored variants with this
   * process's unwritten hits applied, and returns those to keep (none: the document is removed).
   */
  #rewrite(name: string, exprKey: string, change: (variants: Variant[]) => Variant[]): void {
    const documents = this.#documents;
    documents.withLock(name, (fence) => {
      const stored = this.#read(name, exprKey);
      const variants = change(withTouches(stored?.variants ?? [], this.#touches));
      if (variants.length > 0) {
        const header = { exprKey, variants, updatedAt: this.timestamp(name) };
        documents.write(name, header, '', { fence });
      } else if (stored !== null) {
        documents.remove(name, { fence });
      }
    });
  }

  /** Every entry of the index, with its last use as this process knows it. */
  #scan(): Scanned[] {
    const entries: Scanned[] = [];
    for (const { name, header } of this.#documents.headers({ limit: Number.POSITIVE_INFINITY })) {
      for (const variant of header.variants) {
        entries.push({ name, exprKey: header.exprKey, variant, used: lastUse(variant, this.#touches) });
      }
    }
    return entries;
  }

  /** Counts a put's change, and evicts down to the low-water mark once the cache is past a bound. */
  #account(change: Totals): void {
    const { capacity, maxBytes } = this.#options;
    if (capacity === null && maxBytes === null) return;
    if (this.#totals !== null) {
      this.#totals.count += change.count;
      this.#totals.bytes += change.bytes;
      if (this.#totals.count <= (capacity ?? Infinity) && this.#totals.bytes <= (maxBytes ?? Infinity))
        return;
    }
    // Past a bound as far as this process knows, or not known: the index says what other processes added.
    const scanned = this.#scan();
    const evicted = victims(scanned, lowWater(capacity), lowWater(maxBytes));
    const chosen = new Set(evicted);
    const left = scanned.filter((entry) => !chosen.has(entry));
    this.#totals = evicted.length === 0 ? totalsOf(scanned) : totalsOf(left);
    if (evicted.length === 0) return;
    this.#remove(evicted);
    if (this.#documents.prevalidated) this.#collect(left);
    else this.#removeUnshared(evicted, left);
  }

  /**
   * Removes `entries` from their index documents, each only if it is still as the scan saw it (the same
   * value, not used since by another process).
   */
  #remove(entries: readonly Scanned[]): void {
    const byName = new Map<string, Scanned[]>();
    for (const entry of entries) byName.set(entry.name, [...(byName.get(entry.name) ?? []), entry]);
    for (const [name, chosen] of byName) {
      this.#rewrite(name, chosen[0]!.exprKey, (variants) =>
        variants.filter(
          (variant) =>
            // `variants` carry this process's hits, as `used` did: a later use by anyone keeps the entry.
            !chosen.some(
              ({ variant: seen, used }) =>
                seen.key === variant.key && seen.digest === variant.digest && variant.accessedAt <= used,
            ),
        ),
      );
    }
  }

  // On a shared store: the blobs of evicted entries no entry of the scan points to.
  #removeUnshared(evicted: readonly Scanned[], left: readonly Scanned[]): void {
    const kept = new Set(left.map(({ variant }) => variant.digest));
    for (const { variant } of evicted) {
      if (!kept.has(variant.digest)) this.#forget(variant.digest);
    }
  }

  /** Removes every blob no entry of `left` points to; how many. */
  #collect(left: readonly Scanned[]): number {
    const kept = new Set(left.map(({ variant }) => variant.digest));
    let removed = 0;
    for (const digest of this.#blobs.digests({ limit: Number.POSITIVE_INFINITY })) {
      if (!kept.has(digest) && this.#forget(digest)) removed += 1;
    }
    const keys = new Set(left.map(({ variant }) => variant.key));
    for (const key of this.#touches.keys()) {
      if (!keys.has(key)) this.#touches.delete(key);
    }
    return removed;
  }

  #forget(digest: string): boolean {
    this.#values.delete(digest);
    return this.#blobs.remove(digest);
  }
}

function bytesOf(variants: readonly Variant[]): number {
  let bytes = 0;
  for (const variant of variants) bytes += variant.bytes;
  return bytes;
}
