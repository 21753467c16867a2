/*
 * Okapi BM25 over an incremental set of text documents, self-contained (no import of this package) so it
 * can move to a shared place. Documents are strings under keys of the caller's choice; the index keeps
 * postings (term -> document -> term frequency) and document lengths, so adding and removing a document
 * costs its own terms, and a query costs the postings of its terms.
 */

/** Options of a {@link Bm25Index}. */
export interface Bm25Options {
  /** Term frequency saturation (default 1.2, the usual choice: a term's 3rd occurrence adds little). */
  k1?: number;
  /** Length normalisation, 0 (none) to 1 (full) (default 0.75, Robertson's). */
  b?: number;
  /** Splits a text into terms (default {@link tokenize}); a query goes through it too. */
  tokenize?: (text: string) => string[];
}

/** One ranked document. */
export interface Bm25Hit<K> {
  key: K;
  score: number;
}

const WORD = /[\p{L}\p{N}]+/gu;

/**
 * The default tokenizer: Unicode letters and digits in runs, NFKC-normalised and lower-cased, so
 * `Poland`, `POLAND` and `ｐｏｌａｎｄ` are one term; everything else separates terms. No stemming.
 */
export function tokenize(text: string): string[] {
  return text.normalize('NFKC').toLowerCase().match(WORD) ?? [];
}

interface Document<K> {
  key: K;
  length: number;
  // The distinct terms, to remove the document from their postings.
  terms: string[];
}

/** A BM25 index of documents under keys `K` (compared as `Map` keys). */
export class Bm25Index<K> {
  readonly #k1: number;
  readonly #b: number;
  readonly #tokenize: (text: string) => string[];
  readonly #ids = new Map<K, number>();
  readonly #documents = new Map<number, Document<K>>();
  readonly #postings = new Map<string, Map<number, number>>();
  // Document lengths by id (the scoring loop's one lookup per posting, kept out of a Map).
  readonly #lengths: number[] = [];
  #nextId = 0;
  #totalLength = 0;

  constructor(options: Bm25Options = {}) {
    this.#k1 = options.k1 ?? 1.2;
    this.#b = options.b ?? 0.75;
    this.#tokenize = options.tokenize ?? tokenize;
    if (!(this.#k1 >= 0) || !(this.#b >= 0 && this.#b <= 1)) {
      throw new RangeError(`BM25 needs k1 >= 0 and 0 <= b <= 1, got k1 ${this.#k1}, b ${this.#b}`);
    }
  }

  /** How many documents are indexed. */
  get size(): number {
    return this.#documents.size;
  }

  /** Indexes `text` under `key`, replacing what `key` held. */
  add(key: K, text: string): void {
    this.remove(key);
    const id = this.#nextId++;
    const tokens = this.#tokenize(text);
    const counts = new Map<string, number>();
    for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
    for (const [term, count] of counts) {
      let posting = this.#postings.get(term);
      if (!posting) {
        posting = new Map();
        this.#postings.set(term, posting);
      }
      posting.set(id, count);
    }
    this.#ids.set(key, id);
    this.#documents.set(id, { key, length: tokens.length, terms: [...counts.keys()] });
    this.#lengths[id] = tokens.length;
    this.#totalLength += tokens.length;
  }

  /** Removes the document under `key`; false when there was none. */
  remove(key: K): boolean {
    const id = this.#ids.get(key);
    if (id === undefined) return false;
    const document = this.#documents.get(id)!;
    for (const term of document.terms) {
      const posting = this.#postings.get(term)!;
      posting.delete(id);
      if (posting.size === 0) this.#postings.delete(term);
    }
    this.#ids.delete(key);
    this.#documents.delete(id);
    this.#totalLength -= document.length;
    return true;
  }

  /** Removes every document. */
  clear(): void {
    this.#ids.clear();
    this.#documents.clear();
    this.#lengths.length = 0;
    this.#postings.clear();
    this.#totalLength = 0;
  }

  /**
   * The `limit` documents that best match `query`, best first; documents sharing no term with it are not
   * returned. Equal scores keep the order the documents were added in.
   */
  search(query: string, limit: number): Bm25Hit<K>[] {
    const count = this.#documents.size;
    if (count === 0 || limit <= 0) return [];
    const averageLength = this.#totalLength / count || 1;
    const k1 = this.#k1;
    const b = this.#b;
    const lengths = this.#lengths;
    // Dense scores by document id, and the ids scored, so ranking visits only those.
    const scores = new Float64Array(this.#nextId);
    const scored: number[] = [];
    for (const term of new Set(this.#tokenize(query))) {
      const posting = this.#postings.get(term);
      if (!posting) continue;
      // Lucene's idf: never negative, so a term in most documents still counts a little.
      const idf = Math.log(1 + (count - posting.size + 0.5) / (posting.size + 0.5));
      for (const [id, frequency] of posting) {
        const norm = k1 * (1 - b + (b * lengths[id]!) / averageLength);
        if (scores[id] === 0) scored.push(id);
        scores[id]! += (idf * frequency * (k1 + 1)) / (frequency + norm);
      }
    }
    return topScores(scores, scored, limit).map(([id, score]) => ({
      key: this.#documents.get(id)!.key,
      score,
    }));
  }
}

// Whether hit a ranks below hit b: a lower score, or an equal one added later.
function below(a: [number, number], b: [number, number]): boolean {
  return a[1] < b[1] || (a[1] === b[1] && a[0] > b[0]);
}

// The best `limit` of the `scored` ids, best first, through a min-heap of `limit` entries (no sort of
// every hit).
function topScores(scores: Float64Array, scored: readonly number[], limit: number): [number, number][] {
  const heap: [number, number][] = [];
  for (const id of scored) {
    const score = scores[id]!;
    if (heap.length < limit) {
      heap.push([id, score]);
      siftUp(heap, heap.length - 1);
    } else if (below(heap[0]!, [id, score])) {
      heap[0] = [id, score];
      siftDown(heap, 0);
    }
  }
  return heap.sort((a, b) => (below(a, b) ? 1 : below(b, a) ? -1 : 0));
}

function siftUp(heap: [number, number][], at: number): void {
  let i = at;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!below(heap[i]!, heap[parent]!)) return;
    [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
    i = parent;
  }
}

function siftDown(heap: [number, number][], at: number): void {
  let i = at;
  for (;;) {
    const left = 2 * i + 1;
    const right = left + 1;
    let least = i;
    if (left < heap.length && below(heap[left]!, heap[least]!)) least = left;
    if (right < heap.length && below(heap[right]!, heap[least]!)) least = right;
    if (least === i) return;
    [heap[i], heap[least]] = [heap[least]!, heap[i]!];
    i = least;
  }
}
