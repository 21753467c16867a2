import type { Doc } from './corpus.js';

/** One sentence of a document, with where it lies in the text (code points: what provenance quotes use). */
export interface Passage {
  doc: string;
  /** Code point range of the sentence in its document's text: start inclusive, end exclusive. */
  range: [number, number];
  text: string;
  terms: string[];
}

/** The search index the `docs.search` tool memoises in the artifact cache: passages and their postings. */
export interface SearchIndex {
  passages: Passage[];
  /** For each term, the passages holding it (indexes into `passages`). */
  postings: Record<string, number[]>;
}

/** A passage that matched a query, and how many of the query's terms it holds. */
export interface Hit {
  doc: string;
  range: [number, number];
  quote: string;
  score: number;
}

const STOP_WORDS = new Set(
  'a an and are as at be by does for from has have how in is it its long many of on or so the there this to what which with'.split(
    ' ',
  ),
);

/** Lower-case words of `text`, stop words dropped, a plural `s` stripped (`moons` meets `moon`). */
export function termsOf(text: string): string[] {
  const words = text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  return words
    .filter((word) => !STOP_WORDS.has(word))
    .map((word) =>
      word.length > 3 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word,
    );
}

/** Splits a document into sentences, with their code point ranges. */
function passagesOf(doc: Doc): Passage[] {
  const points = [...doc.text];
  const passages: Passage[] = [];
  let start = 0;
  for (let at = 0; at <= points.length; at += 1) {
    const end = at === points.length || (points[at] === '.' && points[at + 1] === ' ') ? at + 1 : -1;
    if (end === -1) continue;
    const text = points.slice(start, Math.min(end, points.length)).join('');
    if (text.trim() !== '')
      passages.push({
        doc: doc.id,
        range: [start, Math.min(end, points.length)],
        text,
        terms: termsOf(text),
      });
    start = end + 1;
  }
  return passages;
}

/** Builds the index of `corpus`: a pure function of the documents, so its result can be memoised. */
export function buildIndex(corpus: readonly Doc[]): SearchIndex {
  const passages = corpus.flatMap(passagesOf);
  const postings: Record<string, number[]> = {};
  passages.forEach((passage, at) => {
    for (const term of new Set(passage.terms)) {
      const list = postings[term] ?? [];
      list.push(at);
      postings[term] = list;
    }
  });
  return { passages, postings };
}

/** The passages holding the most terms of `query`, best first, at most `limit`; ties in document order. */
export function search(index: SearchIndex, query: string, limit: number): Hit[] {
  const scores = new Map<number, number>();
  for (const term of new Set(termsOf(query))) {
    for (const at of index.postings[term] ?? []) scores.set(at, (scores.get(at) ?? 0) + 1);
  }
  return [...scores]
    .sort(([a, x], [b, y]) => y - x || a - b)
    .slice(0, limit)
    .map(([at, score]) => {
      const passage = index.passages[at] as Passage;
      return { doc: passage.doc, range: passage.range, quote: passage.text, score };
    });
}
