import { describe, expect, it } from 'vitest';
import { Bm25Index, tokenize } from '../src/bm25.js';

describe('Bm25Index', () => {
  it('scores as the BM25 formula does on a small corpus', () => {
    const index = new Bm25Index<number>({ k1: 1.2, b: 0.75 });
    const documents = ['the cat sat', 'the dog sat on the cat', 'a bird'];
    for (const [key, text] of documents.entries()) index.add(key, text);
    // By hand: N = 3, average length 11/3; "cat" is in 2 documents.
    const idf = Math.log(1 + (3 - 2 + 0.5) / (2 + 0.5));
    const score = (frequency: number, length: number) =>
      (idf * frequency * 2.2) / (frequency + 1.2 * (1 - 0.75 + (0.75 * length) / (11 / 3)));
    const hits = index.search('cat', 10);
    expect(hits.map((hit) => hit.key)).toStrictEqual([0, 1]);
    expect(hits[0]!.score).toBeCloseTo(score(1, 3), 12);
    expect(hits[1]!.score).toBeCloseTo(score(1, 6), 12);
  });

  it('keeps the order documents were added in for equal scores, and applies the limit', () => {
    const index = new Bm25Index<string>();
    for (const key of ['c', 'a', 'b']) index.add(key, 'same words');
    expect(index.search('words', 10).map((hit) => hit.key)).toStrictEqual(['c', 'a', 'b']);
    expect(index.search('words', 2).map((hit) => hit.key)).toStrictEqual(['c', 'a']);
  });

  it('replaces a document added again under its key, and forgets a removed one', () => {
    const index = new Bm25Index<string>();
    index.add('k', 'apples');
    index.add('k', 'pears');
    expect(index.search('apples', 10)).toStrictEqual([]);
    expect(index.remove('k')).toBe(true);
    expect(index.remove('k')).toBe(false);
    expect(index.search('pears', 10)).toStrictEqual([]);
    expect(index.size).toBe(0);
  });

  it('takes a tokenizer of its own, and refuses k1 and b out of range', () => {
    const index = new Bm25Index<number>({ tokenize: (text) => text.split(',') });
    index.add(1, 'a b,c');
    expect(index.search('a b', 10)).toHaveLength(1);
    expect(() => new Bm25Index({ b: 1.5 })).toThrow(RangeError);
    expect(() => new Bm25Index({ k1: -1 })).toThrow(RangeError);
  });
});

describe('tokenize', () => {
  it('splits on what is not a letter or digit, lower-cased and NFKC-normalised', () => {
    expect(tokenize("Marie Curie's 2 PRIZES, ｆｕｌｌ-width; Łódź")).toStrictEqual([
      'marie',
      'curie',
      's',
      '2',
      'prizes',
      'full',
      'width',
      'łódź',
    ]);
  });
});
