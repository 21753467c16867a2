import { basename } from 'node:path';
import { CorruptDataError } from '@omega/core';
import { type Document, LineCounter, parseDocument } from 'yaml';
import { type Expert, ExpertSchema } from './index.js';
import { EXPERT_FIELDS, KIND } from './rules.js';

// One expert file: YAML front matter between `---` lines, then the Markdown body as the instructions.
// The format of coding agents' sub-agent definitions (Claude Code's `.claude/agents/*.md`), so an agents
// folder loads as it is.

/**
 * The front matter keys that are fields of an expert; any other key is kept in `meta`. The body is the
 * instructions, and `meta` is where the other keys go: neither is a key of its own.
 */
const FIELDS = EXPERT_FIELDS.filter((field) => field !== 'instructions' && field !== 'meta');
/** Fields that may be written as one comma-separated string (`tools: Read, Grep`), as coding agents do. */
const LISTS = new Set(['tools', 'caps', 'tags']);

const OPENING = /^---[ \t]*\r?\n/;
const CLOSING = /^---[ \t]*$/m;

/** Where a file's problem is: its line (1-based, in the whole file) and the field, when there is one. */
interface Problem {
  line: number;
  path?: string;
  reason: string;
}

/**
 * The expert of the Markdown file `file` holding `text`. A missing `name` is the file's base name
 * without `.md`. Anything wrong (no front matter, bad YAML, a field of the wrong type, a value that
 * cannot be stored) is a `CorruptDataError` whose details name the file, the line and, for a field,
 * its path.
 */
export function expertOfFile(provider: string, file: string, text: string): Expert {
  const fail = (problem: Problem): CorruptDataError =>
    new CorruptDataError(
      `${provider}: ${file}:${problem.line}: ${problem.path === undefined ? '' : `${problem.path}: `}${problem.reason}`,
      { details: { provider, kind: KIND, file, ...problem } },
    );
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const opening = OPENING.exec(source);
  if (opening === null)
    throw fail({ line: 1, reason: 'no YAML front matter (the file must start with ---)' });
  const rest = source.slice(opening[0].length);
  const closing = CLOSING.exec(rest);
  if (closing === null) throw fail({ line: 1, reason: 'the front matter is not closed by a --- line' });
  const yaml = rest.slice(0, closing.index);
  // The YAML starts on the file's second line: its line numbers are one short of the file's.
  const lineCounter = new LineCounter();
  const lineOf = (offset: number) => lineCounter.linePos(offset).line + 1;
  const document = parseDocument(yaml, { lineCounter, prettyErrors: false });
  const error = document.errors[0];
  if (error !== undefined) throw fail({ line: lineOf(error.pos[0]), reason: error.message });
  let data: unknown;
  try {
    data = document.toJS() ?? {};
  } catch (cause) {
    // The one failure left once the YAML parsed: aliases expanding past yaml's limit (a "billion laughs").
    throw fail({ line: 2, reason: `the front matter cannot be read: ${(cause as Error).message}` });
  }
  if (typeof data !== 'object' || Array.isArray(data) || data === null) {
    throw fail({ line: 2, reason: 'the front matter is not a mapping of keys to values' });
  }
  // Blank lines between the front matter and the text are layout, not instructions.
  const body = rest.slice(closing.index + closing[0].length).replace(/^(?:[ \t]*\r?\n)+/, '');
  const expert = fromFrontMatter(data as Record<string, unknown>, body, file);
  // The checked schema: what YAML gives is fresh, so it needs checking, not copying.
  const parsed = ExpertSchema.safeParse(expert);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path ?? [];
    throw fail({
      line: lineOfPath(document, path, lineOf),
      path: dotted(path),
      reason: issue?.message ?? 'invalid',
    });
  }
  return parsed.data;
}

function fromFrontMatter(data: Record<string, unknown>, body: string, file: string): Record<string, unknown> {
  const expert: Record<string, unknown> = { name: basename(file, '.md') };
  const meta: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if (!FIELDS.includes(key)) meta[key] = value;
    else if (LISTS.has(key) && typeof value === 'string') expert[key] = splitList(value);
    else expert[key] = value;
  }
  expert.instructions = body.trimEnd();
  if (Object.keys(meta).length > 0) expert.meta = meta;
  return expert;
}

/** `Read, Grep,Glob` as `['Read', 'Grep', 'Glob']`: empty items (a trailing comma) dropped. */
function splitList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** The path of a field as written in the file: meta's keys are top-level keys there. */
function sourcePath(path: readonly PropertyKey[]): PropertyKey[] {
  return path[0] === 'meta' ? path.slice(1) : [...path];
}

/** The line of the deepest node of `path` the YAML has (the opening line for a field it lacks). */
function lineOfPath(
  document: Document,
  path: readonly PropertyKey[],
  lineOf: (offset: number) => number,
): number {
  const steps = sourcePath(path);
  for (let depth = steps.length; depth > 0; depth--) {
    const node = document.getIn(steps.slice(0, depth), true) as
      | { range?: [number, number, number] }
      | undefined;
    const start = node?.range?.[0];
    if (start !== undefined) return lineOf(start);
  }
  return 1;
}

function dotted(path: readonly PropertyKey[]): string {
  return path
    .map((step) => (typeof step === 'number' ? `[${step}]` : `.${String(step)}`))
    .join('')
    .replace(/^\./, '');
}
