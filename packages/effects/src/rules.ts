import { explainNotVal } from '@omega/core';
import type { EffectErrorCode } from './codes.js';
import type { EffectError, EffectResult } from './index.js';
import { shown } from './op-rule.js';

export { EFFECT_ERROR_CODES, type EffectErrorCode } from './codes.js';
export { assertValidOp, isValidOp, KIND, OP_RULE, opOfToolName, shown, toolNameOf } from './op-rule.js';

/** An error result of the registry's own. */
export function failure(code: EffectErrorCode, message: string, retryable?: boolean): EffectResult {
  const error: EffectError = retryable === undefined ? { code, message } : { code, message, retryable };
  return { ok: false, error };
}

/**
 * The error result for `result`, from `source` (`the handler of "x"`, `middleware 2`, or a function giving
 * it, called only on failure), when it is not an
 * {@link EffectResult}; `undefined` when it is one. `EffectResultSchema`'s rule, checked by hand: this runs
 * at every layer of every dispatch (a test holds the two together).
 */
export function resultFailure(result: unknown, source: string | (() => string)): EffectResult | undefined {
  let why: ReturnType<typeof whyNotResult>;
  try {
    why = whyNotResult(result);
  } catch (error) {
    // A getter or a proxy trap threw while the result was read: it cannot be passed on.
    why = `reading it threw ${error instanceof Error ? error.name : typeof error}`;
  }
  if (why === undefined) return undefined;
  const named = typeof source === 'string' ? source : source();
  if (typeof why !== 'string') {
    return failure(
      'RESULT_NOT_VAL',
      `${named} resolved a value that is not a Val: ${why.reason} at ${why.path}`,
    );
  }
  return failure('INVALID_RESULT', `${named} resolved something that is not an EffectResult: ${why}`);
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
    const notVal = whyNotVal(result.value);
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

/**
 * `explainNotVal` of `value`, where a value whose reading throws (a getter, a proxy trap) is not a `Val`
 * either, at the root: the check must not throw where the caller promises a result.
 */
export function whyNotVal(value: unknown): { path: string; reason: string } | null {
  try {
    return explainNotVal(value);
  } catch (error) {
    return { path: '$', reason: `reading it threw ${error instanceof Error ? error.name : typeof error}` };
  }
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
