import { InvalidArgumentError } from '@omega/core';
import { KIND } from './rules.js';

type Options = Record<string, unknown>;

/**
 * `options` as an object whose every key is one of `known`: a typo or an option of another backend (a
 * lock timeout, where no lock is taken) is an `InvalidArgumentError` naming it, not silently ignored.
 */
export function knownOptions(provider: string, options: unknown, known: readonly string[]): Options {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidArgumentError(`${provider} options must be an object, got ${String(options)}`, {
      details: { provider, kind: KIND, value: options },
    });
  }
  for (const option of Object.keys(options)) {
    if (!known.includes(option)) {
      throw new InvalidArgumentError(`${provider} has no option ${option} (it takes ${known.join(', ')})`, {
        details: { provider, kind: KIND, option },
      });
    }
  }
  return options as Options;
}

/** Option `option` as an integer from `min` to `max`, or `fallback` when not given. */
export function integerOption(
  provider: string,
  options: Options,
  option: string,
  range: { min: number; max?: number; fallback: number },
): number {
  const value = options[option];
  if (value === undefined) return range.fallback;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  if (Number.isSafeInteger(value) && (value as number) >= range.min && (value as number) <= max) {
    return value as number;
  }
  throw new InvalidArgumentError(
    `${provider}: option ${option} must be an integer from ${range.min} to ${max}, got ${String(value)}`,
    { details: { provider, kind: KIND, option, value } },
  );
}
