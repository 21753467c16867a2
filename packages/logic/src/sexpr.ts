import { InvalidArgumentError } from '@omega/core';

/*
 * The s-expressions of facts, rules and queries, as SICP 4.4 writes them: lists in parentheses of
 * symbols, quoted strings and `?variables`. A text is an s-expression when its first non-blank character is
 * `(`; any other non-empty text is a natural-language statement, kept as written.
 */

/** A place in a text: offset (UTF-16 code units from 0), line and column (from 1). */
export interface Position {
  offset: number;
  line: number;
  column: number;
}

/** A parsed s-expression; `at` is where it starts in its text. */
export type Sexp =
  | { type: 'symbol'; name: string; at: number }
  | { type: 'string'; value: string; at: number }
  | { type: 'variable'; name: string; at: number }
  | { type: 'list'; items: Sexp[]; at: number };

/** Whether `text` is written as an s-expression (its first non-blank character is `(`). */
export function isSexpText(text: string): boolean {
  return /^\s*\(/.test(text);
}

/** The line and column of `offset` in `text`. */
export function positionOf(text: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset, line, column: offset - lineStart + 1 };
}

/**
 * The `InvalidArgumentError` of something wrong at `offset` of `text`: details `{ kind, what, position,
 * reason }`, where `what` says which argument (`fact`, `condition`, `pattern`, ...).
 */
export function syntaxError(
  kind: string,
  what: string,
  text: string,
  offset: number,
  reason: string,
): InvalidArgumentError {
  const position = positionOf(text, offset);
  return new InvalidArgumentError(
    `${kind} ${what} at line ${position.line}, column ${position.column}: ${reason}`,
    { details: { kind, what, position, reason } },
  );
}

const DELIMITERS = new Set(['(', ')', '"', ';']);

/**
 * How deep lists may nest. Printing, compiling and matching a term recurse on its nesting: 1,000 is far
 * beyond any fact written by hand or by a model, and far below what the stack holds.
 */
export const MAX_DEPTH = 1_000;

function isBlank(char: string): boolean {
  return char === ' ' || char === '\t' || char === '\n' || char === '\r' || char === '\f' || char === '\v';
}

/**
 * Parses `text` as exactly one s-expression (blanks around it allowed). Anything else (an unclosed list,
 * a stray `)`, an unterminated string, text after the expression, a `?` without a name, nesting deeper
 * than {@link MAX_DEPTH}) is an `InvalidArgumentError` giving its position.
 */
export function parseSexp(text: string, kind: string, what: string): Sexp {
  let i = 0;
  const fail = (offset: number, reason: string) => syntaxError(kind, what, text, offset, reason);
  const skipBlanks = () => {
    while (i < text.length && isBlank(text[i]!)) i++;
  };

  const stack: { items: Sexp[]; at: number }[] = [];
  let result: Sexp | undefined;
  const emit = (node: Sexp) => {
    const top = stack[stack.length - 1];
    if (top) top.items.push(node);
    else result = node;
  };

  skipBlanks();
  if (i >= text.length) throw fail(i, 'expected an s-expression, found nothing');
  do {
    skipBlanks();
    if (i >= text.length) throw fail(stack[stack.length - 1]!.at, 'this list is never closed');
    const char = text[i]!;
    const at = i;
    if (char === '(') {
      if (stack.length === MAX_DEPTH) throw fail(at, `lists nest deeper than ${MAX_DEPTH} levels`);
      stack.push({ items: [], at });
      i++;
    } else if (char === ')') {
      const open = stack.pop();
      if (!open) throw fail(at, 'unexpected ")"');
      i++;
      emit({ type: 'list', items: open.items, at: open.at });
    } else if (char === '"') {
      emit({ type: 'string', value: readString(), at });
    } else if (char === ';') {
      throw fail(at, 'unexpected ";"');
    } else {
      while (i < text.length && !isBlank(text[i]!) && !DELIMITERS.has(text[i]!)) i++;
      const name = text.slice(at, i);
      if (name.startsWith('?')) {
        if (name.length === 1) throw fail(at, 'a variable needs a name after "?"');
        emit({ type: 'variable', name: name.slice(1), at });
      } else {
        emit({ type: 'symbol', name, at });
      }
    }
  } while (stack.length > 0);
  skipBlanks();
  if (i < text.length) throw fail(i, 'unexpected text after the s-expression');
  return result!;

  function readString(): string {
    const start = i;
    let value = '';
    i++;
    while (i < text.length) {
      const char = text[i]!;
      if (char === '"') {
        i++;
        return value;
      }
      if (char === '\\') {
        const escaped = text[i + 1];
        if (escaped !== '"' && escaped !== '\\') throw fail(i, 'only \\" and \\\\ are escapes in a string');
        value += escaped;
        i += 2;
      } else {
        value += char;
        i++;
      }
    }
    throw fail(start, 'this string is never closed');
  }
}

/** The canonical text of a symbol or string atom: a symbol as is, a string quoted with `"` and `\` escaped. */
export function printAtom(
  node: { type: 'symbol'; name: string } | { type: 'string'; value: string },
): string {
  return node.type === 'symbol' ? node.name : `"${node.value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** The canonical text of `node`: single spaces between items, strings re-quoted. */
export function printSexp(node: Sexp): string {
  switch (node.type) {
    case 'symbol':
    case 'string':
      return printAtom(node);
    case 'variable':
      return `?${node.name}`;
    case 'list':
      return `(${node.items.map(printSexp).join(' ')})`;
  }
}
