import { InvalidArgumentError, sha256Hex } from '@omega/core';

/** The selectors of a source that {@link verifyQuote} checks (an `Evidence`'s `source` is one). */
export interface QuoteSource {
  digest?: { sha256: string };
  range?: [number, number];
  prefix?: string;
  quote?: string;
  suffix?: string;
}

/** The checks of {@link verifyQuote}, in the order it makes them. */
export type QuoteCheckName = 'selector' | 'digest' | 'range' | 'quote' | 'prefix' | 'suffix';

/** What {@link verifyQuote} found. */
export interface QuoteCheck {
  /** True when every check the source's selectors call for passed. */
  ok: boolean;
  /** The first check that failed. */
  failed?: QuoteCheckName;
  reason?: string;
  /**
   * Where the quote (or, without one, the range) is in the text, in code points [start, end): the
   * recorded range when it holds, else where the quote was found again. Reported even when the digest
   * failed, so a caller can follow a quote into an edited text.
   */
  anchor?: [number, number];
  /** True when the quote was found elsewhere than its recorded range (the offsets drifted). */
  drifted?: boolean;
}

/**
 * Checks a piece of evidence's quote against the text it claims to quote, as W3C Web Annotation's
 * TextQuoteSelector and TextPositionSelector are resolved: the digest is the SHA-256 of the text's UTF-8
 * bytes; the range counts Unicode code points (an astral character is one); the quote, with its prefix
 * and suffix, is authoritative and the range a hint, so a quote whose offsets drifted is found again
 * where its prefix and suffix match (the occurrence nearest the recorded start when several do).
 * Matching is exact: no normalization, no fuzzy search.
 *
 * @throws InvalidArgumentError when `evidence` has no object `source` or `sourceText` is not a string.
 */
export function verifyQuote(evidence: { source?: QuoteSource }, sourceText: string): QuoteCheck {
  const source = (evidence as { source?: unknown } | null)?.source;
  if (typeof source !== 'object' || source === null) {
    throw new InvalidArgumentError('verifyQuote needs evidence with a source', {
      details: { kind: 'provenance', argument: 'evidence', path: '$.source' },
    });
  }
  if (typeof sourceText !== 'string') {
    throw new InvalidArgumentError('verifyQuote needs the source text as a string', {
      details: { kind: 'provenance', argument: 'sourceText' },
    });
  }
  const { digest, range, quote, prefix = '', suffix = '' } = source as QuoteSource;
  if (digest === undefined && range === undefined && quote === undefined) {
    return failure('selector', 'the source has no digest, range or quote to check');
  }
  const located =
    quote === undefined
      ? rangeAnchor(sourceText, range, prefix, suffix)
      : quoteAnchor(sourceText, quote, range, prefix, suffix);
  const found = 'failed' in located ? {} : located;
  if (digest !== undefined && sha256Hex(sourceText) !== digest.sha256) {
    return { ...failure('digest', 'the text is not the one whose digest was recorded'), ...found };
  }
  if ('failed' in located) return located;
  return { ok: true, ...located };
}

function failure(failed: QuoteCheckName, reason: string): QuoteCheck & { failed: QuoteCheckName } {
  return { ok: false, failed, reason };
}

type Located = { anchor: [number, number]; drifted: boolean } | (QuoteCheck & { failed: QuoteCheckName });

/** Without a quote: the range must lie in the text, its context matching where given. */
function rangeAnchor(
  text: string,
  range: [number, number] | undefined,
  prefix: string,
  suffix: string,
): Located {
  if (range === undefined) return { anchor: [0, codePointLength(text)], drifted: false };
  const offsets = new CodePoints(text);
  const start = offsets.toUnit(range[0]);
  const end = offsets.toUnit(range[1]);
  if (start === -1 || end === -1)
    return failure('range', `the range ends past the text's ${offsets.length()} code points`);
  if (start < prefix.length || !text.startsWith(prefix, start - prefix.length)) {
    return failure('prefix', 'the text before the range is not the recorded prefix');
  }
  if (!text.startsWith(suffix, end))
    return failure('suffix', 'the text after the range is not the recorded suffix');
  return { anchor: [range[0], range[1]], drifted: false };
}

/** With a quote: at the recorded range when it holds there, else the best other occurrence. */
function quoteAnchor(
  text: string,
  quote: string,
  range: [number, number] | undefined,
  prefix: string,
  suffix: string,
): Located {
  const occurrences: number[] = [];
  for (let at = text.indexOf(quote); at !== -1; at = text.indexOf(quote, at + 1)) {
    // A match that splits a surrogate pair is half a character, not the quote.
    if (!isPairAt(text, at - 1) && !isPairAt(text, at + quote.length - 1)) occurrences.push(at);
  }
  if (occurrences.length === 0) return failure('quote', 'the quote is nowhere in the text');
  const withPrefix = occurrences.filter(
    (at) => at >= prefix.length && text.startsWith(prefix, at - prefix.length),
  );
  if (withPrefix.length === 0)
    return failure('prefix', 'the quote is in the text, never after the recorded prefix');
  const matching = withPrefix.filter((at) => text.startsWith(suffix, at + quote.length));
  if (matching.length === 0)
    return failure('suffix', 'the quote is in the text, never before the recorded suffix');
  const offsets = new CodePoints(text);
  const starts = matching.map((at) => offsets.toPoint(at));
  const length = codePointLength(quote);
  if (range === undefined) {
    if (starts.length > 1) {
      return failure('quote', `the quote matches ${starts.length} places and no range says which`);
    }
    return { anchor: [starts[0]!, starts[0]! + length], drifted: false };
  }
  // Nearest the recorded start; of two as near, the earlier.
  let best = starts[0]!;
  for (const start of starts) if (Math.abs(start - range[0]) < Math.abs(best - range[0])) best = start;
  const drifted = best !== range[0] || best + length !== range[1];
  return { anchor: [best, best + length], drifted };
}

function codePointLength(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++, count++) if (isPairAt(text, i)) i++;
  return count;
}

function isPairAt(text: string, i: number): boolean {
  if (i < 0) return false;
  const unit = text.charCodeAt(i);
  if (unit < 0xd800 || unit > 0xdbff || i + 1 >= text.length) return false;
  const next = text.charCodeAt(i + 1);
  return next >= 0xdc00 && next <= 0xdfff;
}

/**
 * Converts between UTF-16 offsets (what `indexOf` gives) and code point offsets (what ranges count) in one
 * text, walking it forward from the last conversion: the conversions of a search come in increasing order.
 */
class CodePoints {
  #unit = 0;
  #point = 0;

  constructor(private readonly text: string) {}

  /** The code point offset of UTF-16 offset `unit` (at or after the last one converted). */
  toPoint(unit: number): number {
    if (unit < this.#unit) this.#reset();
    while (this.#unit < unit) this.#step();
    return this.#point;
  }

  /** The UTF-16 offset of code point offset `point`, or -1 past the end of the text. */
  toUnit(point: number): number {
    if (point < this.#point) this.#reset();
    while (this.#point < point && this.#unit < this.text.length) this.#step();
    return this.#point === point ? this.#unit : -1;
  }

  /** The text's length in code points. */
  length(): number {
    return this.toPoint(this.text.length);
  }

  #step(): void {
    this.#unit += isPairAt(this.text, this.#unit) ? 2 : 1;
    this.#point++;
  }

  #reset(): void {
    this.#unit = 0;
    this.#point = 0;
  }
}
