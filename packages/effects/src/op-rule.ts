import { InvalidNameError } from '@omega/core';

/** What this family's names name, in every error and name check. */
export const KIND = 'effect op';

/**
 * The rule every op follows: words separated by `.` (as capability actions, `tool.read`) or `/` (the
 * lineage's `commit/rewrite.op`), each word letters and digits joined by single `_` or `-` (`file.read`,
 * `opr.step.kernel-2`, `web_search`), at most 64 characters once each separator counts as two (its tool
 * name's length).
 */
export const OP_RULE =
  'words of A-Z a-z 0-9 joined by single _ or -, separated by . or /, at most 64 characters counting each separator as two';

const WORD = '[A-Za-z0-9]+(?:[_-][A-Za-z0-9]+)*';
const OP_PATTERN = new RegExp(`^${WORD}(?:[./]${WORD})*$`);
// A tool name is the op with `__` for each `.` and `--` for each `/`: words never hold `__` or `--`, so
// splitting at them undoes it.
const TOOL_PATTERN = new RegExp(`^${WORD}(?:(?:__|--)${WORD})*$`);
const TOOL_NAME_LIMIT = 64;

/** True when `op` follows {@link OP_RULE}. */
export function isValidOp(op: unknown): op is string {
  return typeof op === 'string' && toolLength(op) <= TOOL_NAME_LIMIT && OP_PATTERN.test(op);
}

function toolLength(op: string): number {
  let length = op.length;
  for (const char of op) if (char === '.' || char === '/') length++;
  return length;
}

/** Throws {@link InvalidNameError} (details `{ kind, name, rule }`) unless `op` follows {@link OP_RULE}. */
export function assertValidOp(op: unknown): asserts op is string {
  if (isValidOp(op)) return;
  throw new InvalidNameError(`invalid effect op ${shown(op)}: ops must be ${OP_RULE}`, {
    details: { kind: KIND, name: op, rule: OP_RULE },
  });
}

/**
 * `op` as a tool name: each `.` becomes `__` and each `/` `--` (`file.read` is `file__read`,
 * `commit/rewrite.op` is `commit--rewrite__op`). `op` must be valid.
 */
export function toolNameOf(op: string): string {
  return op.replaceAll('.', '__').replaceAll('/', '--');
}

/** The op whose tool name is `name`, or `undefined` when `name` is no valid op's tool name. */
export function opOfToolName(name: string): string | undefined {
  if (name.length > TOOL_NAME_LIMIT || !TOOL_PATTERN.test(name)) return undefined;
  return name.replaceAll('__', '.').replaceAll('--', '/');
}

/** A value as an error message quotes it: a string in quotes, shortened; anything else by its type. */
export function shown(value: unknown): string {
  if (typeof value !== 'string') return value === null ? 'null' : typeof value;
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}
