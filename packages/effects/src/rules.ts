import { explainNotVal, InvalidNameError } from '@omega/core';
import type { EffectError, EffectResult } from './index.js';

/** What this family's names name, in every error and name check. */
export const KIND = 'effect op';

/**
 * The rule every op follows: dot-separated words (as capability actions, `tool.read`), each word letters
 * and digits joined by single `_` or `-` (`file.read`, `opr.step.kernel-2`, `web_search`), at most 64
 * characters once each `.` counts as two (its tool name's length).
 */
export const OP_RULE =
  'dot-separated words of A-Z a-z 0-9 joined by single _ or -, at most 64 characters counting each "." as two';

const WORD = '[A-Za-z0-9]+(?:[_-][A-Za-z0-9]+)*';
const OP_PATTERN = new RegExp(`^${WORD}(?:\\.${WORD})*$`);
// A tool name is the op with `__` for each `.`: words never hold `__`, so splitting at `__` undoes it.
const TOOL_PATTERN = new RegExp(`^${WORD}(?:__${WORD})*$`);
const TOOL_NAME_LIMIT = 64;

/** True when `op` follows {@link OP_RULE}. */
export function isValidOp(op: unknown): op is string {
  return typeof op === 'string' && toolLength(op) <= TOOL_NAME_LIMIT && OP_PATTERN.test(op);
}

function toolLength(op: string): number {
  let length = op.length;
  for (let i = op.indexOf('.'); i !== -1; i = op.indexOf('.', i + 1)) length++;
  return length;
}

/** Throws {@link InvalidNameError} (details `{ kind, name, rule }`) unless `op` follows {@link OP_RULE}. */
export function assertValidOp(op: unknown): asserts op is string {
  if (isValidOp(op)) return;
  throw new InvalidNameError(`invalid effect op ${shown(op)}: ops must be ${OP_RULE}`, {
    details: { kind: KIND, name: op, rule: OP_RULE },
  });
}

/** `op` as a tool name: each `.` becomes `__` (`file.read` is `file__read`). `op` must be valid. */
export function toolNameOf(op: string): string {
  return op.replaceAll('.', '__');
}

/** The op whose tool name is `name`, or `undefined` when `name` is no valid op's tool name. */
export function opOfToolName(name: string): string | undefined {
  if (name.length > TOOL_NAME_LIMIT || !TOOL_PATTERN.test(name)) return undefined;
  return name.replaceAll('__', '.');
}

/** A value as an error message quotes it: a string in quotes, shortened; anything else by its type. */
export function shown(value: unknown): string {
  if (typeof value !== 'string') return value === null ? 'null' : typeof value;
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}

/**
 * The codes of the error results the registry makes itself; a handler's own failures pass through with
 * their own codes.
 */
export const EFFECT_ERROR_CODES = {
  /** No handler is registered for the op (or it is not a valid op): a model may ask for anything. */
  UNKNOWN_OP: 'UNKNOWN_OP',
  /** An argument is not a `Val`; no middleware nor handler ran. */
  ARGS_NOT_VAL: 'ARGS_NOT_VAL',
  /** The handler threw synchronously. */
  HANDLER_THREW: 'HANDLER_THREW',
  /** The handler's promise rejected. */
  HANDLER_REJECTED: 'HANDLER_REJECTED',
  /** A handler or middleware resolved to something that is not an `EffectResult`. */
  INVALID_RESULT: 'INVALID_RESULT',
  /** A result's `value` is not a `Val`. */
  RESULT_NOT_VAL: 'RESULT_NOT_VAL',
  /** A middleware threw or rejected. */
  MIDDLEWARE_FAILED: 'MIDDLEWARE_FAILED',
  /** A middleware called `next` a second time: that call's result; the handler did not run again. */
  NEXT_CALLED_TWICE: 'NEXT_CALLED_TWICE',
  /** The context's deadline passed before the handler finished (retryable). */
  TIMEOUT: 'TIMEOUT',
  /** The context's signal aborted before the handler finished. */
  ABORTED: 'ABORTED',
} as const;
export type EffectErrorCode = keyof typeof EFFECT_ERROR_CODES;

/** An error result of the registry's own. */
export function failure(code: EffectErrorCode, message: string, retryable?: boolean): EffectResult {
  const error: EffectError = retryable === undefined ? { code, message } : { code, message, retryable };
  return { ok: false, error };
}

/**
 * The error result for `result`, from `source` (`the handler of "x"`, `middleware 2`), when it is not an
 * {@link EffectResult}; `undefined` when it is one. `EffectResultSchema`'s rule, checked by hand: this runs
 * at every layer of every dispatch (a test holds the two together).
 */
export function resultFailure(result: unknown, source: string): EffectResult | undefined {
  const why = whyNotResult(result);
  if (why === undefined) return undefined;
  if (typeof why !== 'string') {
    return failure(
      'RESULT_NOT_VAL',
      `${source} resolved a value that is not a Val: ${why.reason} at ${why.path}`,
    );
  }
  return failure('INVALID_RESULT', `${source} resolved something that is not an EffectResult: ${why}`);
}

function whyNotResult(result: unknown): string | { path: string; reason: string } | undefined {
  if (!isPlainObject(result)) return `${result === null ? 'null' : typeof result}, not an object`;
  const { ok } = result;
  if (ok === true) {
    const extra = extraKey(result, OK_KEYS);
    if (extra !== undefined) return `unexpected key ${shown(extra)}`;
    if (!('value' in result)) return 'ok: true without a value';
    if (result.usage !== undefined) {
      const why = whyNotUsage(result.usage);
      if (why !== undefined) return `usage ${why}`;
    }
    const notVal = explainNotVal(result.value);
    return notVal === null ? undefined : { path: notVal.path.replace(/^\$/, 'value'), reason: notVal.reason };
  }
  if (ok === false) {
    const extra = extraKey(result, ERROR_KEYS);
    if (extra !== undefined) return `unexpected key ${shown(extra)}`;
    const { error } = result;
    if (!isPlainObject(error)) return 'ok: false without an error object';
    const extraInError = extraKey(error, ERROR_FIELDS);
    if (extraInError !== undefined) return `unexpected key error.${String(extraInError)}`;
    if (typeof error.code !== 'string' || error.code.length === 0)
      return 'error.code is not a non-empty string';
    if (typeof error.message !== 'string') return 'error.message is not a string';
    if (error.retryable !== undefined && typeof error.retryable !== 'boolean') {
      return 'error.retryable is not a boolean';
    }
    return undefined;
  }
  return 'ok is neither true nor false';
}

const OK_KEYS = new Set(['ok', 'value', 'usage']);
const ERROR_KEYS = new Set(['ok', 'error']);
const ERROR_FIELDS = new Set(['code', 'message', 'retryable']);
const USAGE_FIELDS = ['inputTokens', 'outputTokens', 'costUsd'];

function whyNotUsage(usage: unknown): string | undefined {
  if (!isPlainObject(usage)) return 'is not an object';
  const extra = extraKey(usage, new Set(USAGE_FIELDS));
  if (extra !== undefined) return `has unexpected key ${shown(extra)}`;
  for (const field of USAGE_FIELDS) {
    const amount = usage[field];
    if (amount !== undefined && !(typeof amount === 'number' && Number.isFinite(amount) && amount >= 0)) {
      return `.${field} is not a finite number >= 0`;
    }
  }
  return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function extraKey(value: Record<string, unknown>, allowed: ReadonlySet<string>): string | undefined {
  for (const key in value) if (!allowed.has(key)) return key;
  return undefined;
}
