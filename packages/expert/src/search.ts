import type { Expert } from './index.js';

// BM25 (Robertson and Zaragoza, "The Probabilistic Relevance Framework", 2009) over a few fields, each
// weighted as BM25F does: a word in the name says more about an expert than one in its description.
// Registries hold tens to hundreds of roles, so the index is rebuilt whole when the registry changes.

/** Term-frequency saturation: the usual value; a word repeated ten times is not ten times as relevant. */
const K1 = 1.2;
/** Length normalization: the usual value; a long description does not win by being long. */
const B = 0.75;
/** Field weights (BM25F): the name is what a user searches by first, tags and domain are chosen words. */
const WEIGHTS = { name: 3, tags: 2, domain: 2, description: 1 } as const;

/** One expert as the index sees it: its weighted term frequencies and weighted length. */
interface Indexed {
  expert: Expert;
  terms: Map<string, number>;
  length: number;
}

/**
 * Words too common to tell experts apart: a query is often a sentence ("review the code for bugs"), and
 * without this list "the" in a long description would count as a match.
 */
const STOP_WORDS = new Set(
  'a an and are as at be by for from in into is it its of on or that the this to with you your'.split(' '),
);

/**
 * The terms of `text`: lower-case runs of letters and digits (`code-reviewer` is two), stop words left
 * out, each cut to a crude stem so that `plan`, `plans` and `planning`, or `review`, `reviews` and
 * `reviewer`, meet. The stemmer strips a few English endings only: enough for the short texts of expert
 * descriptions and tags, where a full Porter stemmer would be more code than the search it serves.
 */
export function termsOf(text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.filter((word) => !STOP_WORDS.has(word)).map(stem);
}

function stem(word: string): string {
  let base = word;
  if (base.length > 4 && base.endsWith('ies')) base = `${base.slice(0, -3)}y`;
  else if (base.length > 3 && base.endsWith('s') && !base.endsWith('ss')) base = base.slice(0, -1);
  for (const ending of ['ing', 'ed', 'er']) {
    if (base.length > ending.length + 2 && base.endsWith(ending)) {
      base = base.slice(0, -ending.length);
      break;
    }
  }
  // planning -> plann -> plan: a doubled final consonant was added by the ending.
  const last = base.at(-1) ?? '';
  if (
    base.length > 3 &&
    last === base.at(-2) &&
    /[b-df-hj-km-np-rtv-z]/.test(last) &&
    !'lsz'.includes(last)
  ) {
    base = base.slice(0, -1);
  }
  return base;
}

/** An index over `experts`, for ranked, filtered search. */
export class ExpertIndex {
  readonly #docs: Indexed[];
  readonly #documentFrequency = new Map<string, number>();
  readonly #averageLength: number;

  constructor(experts: readonly Expert[]) {
    this.#docs = experts.map(indexed);
    for (const doc of this.#docs) {
      for (const term of doc.terms.keys()) {
        this.#documentFrequency.set(term, (this.#documentFrequency.get(term) ?? 0) + 1);
      }
    }
    const total = this.#docs.reduce((sum, doc) => sum + doc.length, 0);
    this.#averageLength = this.#docs.length === 0 ? 1 : Math.max(total / this.#docs.length, 1);
  }

  /**
   * The experts carrying every tag of `tags`, ranked by BM25 score of `text` (those scoring 0 left out),
   * ties by name; without text (or with no words in it), all of them by name.
   */
  search(text: string | undefined, tags: readonly string[] = []): Expert[] {
    const candidates = this.#docs.filter((doc) => tags.every((tag) => doc.expert.tags?.includes(tag)));
    const words = [...new Set(termsOf(text ?? ''))];
    if (words.length === 0) return candidates.map((doc) => doc.expert).sort(byName);
    const scored: Array<{ expert: Expert; score: number }> = [];
    for (const doc of candidates) {
      const score = this.#score(doc, words);
      if (score > 0) scored.push({ expert: doc.expert, score });
    }
    return scored.sort((a, b) => b.score - a.score || byName(a.expert, b.expert)).map(({ expert }) => expert);
  }

  #score(doc: Indexed, words: readonly string[]): number {
    const n = this.#docs.length;
    let score = 0;
    for (const word of words) {
      const tf = doc.terms.get(word);
      if (tf === undefined) continue;
      const df = this.#documentFrequency.get(word) ?? 0;
      // The "+ 1" variant of IDF (Lucene's): never negative, so a word in most experts still counts a little.
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      score += (idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * doc.length) / this.#averageLength));
    }
    return score;
  }
}

function indexed(expert: Expert): Indexed {
  const terms = new Map<string, number>();
  let length = 0;
  const add = (text: string, weight: number) => {
    for (const word of termsOf(text)) {
      terms.set(word, (terms.get(word) ?? 0) + weight);
      length += weight;
    }
  };
  add(expert.name, WEIGHTS.name);
  add(expert.description, WEIGHTS.description);
  for (const tag of expert.tags ?? []) add(tag, WEIGHTS.tags);
  if (expert.domain !== undefined) add(expert.domain, WEIGHTS.domain);
  return { expert, terms, length };
}

function byName(a: Expert, b: Expert): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
