import { describe, expect, it } from 'vitest';
import { CORPUS, QUESTIONS } from '../src/corpus.js';
import { buildIndex, search, termsOf } from '../src/search.js';

describe('the search index', () => {
  it('finds, for each question, the passage that answers it first', () => {
    const index = buildIndex(CORPUS);
    const best = QUESTIONS.map((question) => search(index, question.text, 1)[0]?.doc);
    expect(best).toEqual(['mars', 'jupiter', 'venus', 'mercury', 'mars']);
  });

  it('gives passages as code point ranges of their document', () => {
    const index = buildIndex(CORPUS);
    for (const passage of index.passages) {
      const doc = CORPUS.find((each) => each.id === passage.doc);
      expect([...(doc?.text ?? '')].slice(...passage.range).join('')).toBe(passage.text);
    }
  });

  it('drops stop words and a plural s, keeping words ending in ss', () => {
    expect(termsOf('How many moons does Mars have? Gas, mass')).toEqual(['moon', 'mar', 'gas', 'mass']);
  });

  it('is a pure function of the documents', () => {
    expect(buildIndex(CORPUS)).toEqual(buildIndex(CORPUS.map((doc) => ({ ...doc }))));
  });
});
