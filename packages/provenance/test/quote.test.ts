import { sha256Hex } from '@omega/core';
import { mulberry32, thrownBy } from '@omega/core/testing';
import { describe, expect, it } from 'vitest';
import { type QuoteSource, verifyQuote } from '../src/index.js';

const TEXT = 'The cat sat. The cat ran 🐈 far. The dog sat.';

/** Code point offset of UTF-16 offset `unit` in `text`. */
const point = (text: string, unit: number) => [...text.slice(0, unit)].length;

/** A source quoting `quote` at its `nth` occurrence in `text`, with `context` code points around it. */
function quoting(text: string, quote: string, nth = 0, context = 4): QuoteSource {
  let unit = -1;
  for (let i = 0; i <= nth; i++) unit = text.indexOf(quote, unit + 1);
  const start = point(text, unit);
  const points = [...text];
  const end = start + [...quote].length;
  return {
    digest: { sha256: sha256Hex(text) },
    range: [start, end],
    prefix: points.slice(Math.max(0, start - context), start).join(''),
    quote,
    suffix: points.slice(end, end + context).join(''),
  };
}

describe('verifyQuote', () => {
  it('checks a quote at its range, counting an astral character as one code point', () => {
    const source = quoting(TEXT, 'far');
    // 🐈 is two UTF-16 units and one code point: the range is one less than the UTF-16 offset.
    expect(source.range?.[0]).toBe(TEXT.indexOf('far') - 1);
    expect(verifyQuote({ source }, TEXT)).toEqual({ ok: true, anchor: source.range, drifted: false });
    const around = quoting(TEXT, 'ran 🐈 far');
    expect((around.range as [number, number])[1] - (around.range as [number, number])[0]).toBe(9);
    expect(verifyQuote({ source: around }, TEXT)).toMatchObject({ ok: true, drifted: false });
  });

  it('fails the digest of another text, still reporting where the quote is', () => {
    const source = quoting(TEXT, 'ran');
    const edited = `Preface. ${TEXT}`;
    expect(verifyQuote({ source: { ...source, digest: { sha256: '0'.repeat(64) } } }, TEXT)).toMatchObject({
      ok: false,
      failed: 'digest',
      anchor: source.range,
    });
    const shift = [...'Preface. '].length;
    expect(verifyQuote({ source }, edited)).toMatchObject({
      ok: false,
      failed: 'digest',
      anchor: [(source.range as [number, number])[0] + shift, (source.range as [number, number])[1] + shift],
      drifted: true,
    });
  });

  it('finds a quote again by its prefix and suffix when its offsets drifted', () => {
    // The second "The cat", recorded in the original text, then text added before both.
    const { digest, ...source } = quoting(TEXT, 'The cat', 1);
    const edited = `🐈🐈 New first line. ${TEXT}`;
    const shift = [...'🐈🐈 New first line. '].length;
    const result = verifyQuote({ source }, edited);
    expect(result).toEqual({
      ok: true,
      anchor: [(source.range as [number, number])[0] + shift, (source.range as [number, number])[1] + shift],
      drifted: true,
    });
    // Without context, the occurrence nearest the recorded offsets.
    const bare = { quote: 'sat', range: [30, 33] as [number, number] };
    expect(verifyQuote({ source: bare }, TEXT)).toMatchObject({ ok: true, drifted: true });
    const nearest = verifyQuote({ source: bare }, TEXT).anchor as number[];
    expect([...TEXT].slice(nearest[0], nearest[1]).join('')).toBe('sat');
    expect(nearest[0]).toBe(point(TEXT, TEXT.lastIndexOf('sat')));
  });

  it('names the check that failed: quote, prefix, suffix, range, selector', () => {
    const source = quoting(TEXT, 'cat sat');
    expect(verifyQuote({ source: { ...source, digest: undefined, quote: 'cow' } }, TEXT)).toMatchObject({
      ok: false,
      failed: 'quote',
    });
    expect(verifyQuote({ source: { quote: 'cat sat', prefix: 'A ' } }, TEXT)).toMatchObject({
      failed: 'prefix',
    });
    expect(verifyQuote({ source: { quote: 'cat sat', suffix: '!' } }, TEXT)).toMatchObject({
      failed: 'suffix',
    });
    // Two places and no range to choose between them.
    expect(verifyQuote({ source: { quote: 'The cat' } }, TEXT)).toMatchObject({ ok: false, failed: 'quote' });
    const length = [...TEXT].length;
    expect(verifyQuote({ source: { range: [length - 2, length + 1] } }, TEXT)).toMatchObject({
      failed: 'range',
    });
    expect(verifyQuote({ source: { range: [0, 3], suffix: ' dog' } }, TEXT)).toMatchObject({
      failed: 'suffix',
    });
    expect(verifyQuote({ source: { range: [4, 7], prefix: 'The ' } }, TEXT)).toEqual({
      ok: true,
      anchor: [4, 7],
      drifted: false,
    });
    expect(verifyQuote({ source: { uri: 'file:a' } as QuoteSource }, TEXT)).toMatchObject({
      failed: 'selector',
    });
    expect(verifyQuote({ source: { digest: { sha256: sha256Hex(TEXT) } } }, TEXT)).toMatchObject({
      ok: true,
    });
  });

  it('never matches half of a surrogate pair', () => {
    const lowHalf = '🐈'.charAt(1);
    expect(verifyQuote({ source: { quote: lowHalf } }, TEXT)).toMatchObject({ ok: false, failed: 'quote' });
  });

  it('refuses evidence without a source, or a text that is not a string', () => {
    expect(thrownBy(() => verifyQuote({}, TEXT), 'INVALID_ARGUMENT').details).toMatchObject({
      path: '$.source',
    });
    const source = quoting(TEXT, 'cat');
    expect(thrownBy(() => verifyQuote({ source }, 42 as never), 'INVALID_ARGUMENT').details).toMatchObject({
      argument: 'sourceText',
    });
  });

  it('finds every quote taken from a random text with astral characters, there and after an edit', () => {
    const random = mulberry32(19_002);
    const alphabet = ['a', 'b', ' ', '.', 'é', '漢', '😀', '𝄞', '\n'];
    const pick = (length: number) =>
      Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
    for (let round = 0; round < 200; round++) {
      const points = [...pick(20 + Math.floor(random() * 200))];
      const start = Math.floor(random() * (points.length - 1));
      const end = start + 1 + Math.floor(random() * Math.min(12, points.length - start - 1));
      const text = points.join('');
      const source: QuoteSource = {
        digest: { sha256: sha256Hex(text) },
        range: [start, end],
        prefix: points.slice(Math.max(0, start - 32), start).join(''),
        quote: points.slice(start, end).join(''),
        suffix: points.slice(end, end + 32).join(''),
      };
      expect(verifyQuote({ source }, text), `round ${round}`).toEqual({
        ok: true,
        anchor: [start, end],
        drifted: false,
      });
      const inserted = [...pick(1 + Math.floor(random() * 8))];
      const edited = inserted.join('') + text;
      const { digest, ...withoutDigest } = source;
      const moved = verifyQuote({ source: withoutDigest }, edited);
      // Found again after the insertion (or, where the quote with its context already occurs in the
      // insertion's reach, at an occurrence with that same context).
      expect(moved.ok, `round ${round}`).toBe(true);
      const [from, to] = moved.anchor as number[];
      expect([...edited].slice(from, to).join('')).toBe(source.quote);
      expect(verifyQuote({ source }, edited), `round ${round}`).toMatchObject({
        ok: false,
        failed: 'digest',
      });
    }
  });
});
