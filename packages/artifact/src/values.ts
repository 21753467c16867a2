import { decode, encode, InvalidArgumentError, isOmegaError, type Val } from '@omega/core';
import { KIND } from './rules.js';

/**
 * A value as the cache hands it out: `shared` is returned as it is (deeply frozen, or decoded for one
 * caller only), `text` is decoded for each caller. Plain data (objects, arrays, primitives) is decoded once (at its first hit) and deeply
 * frozen, then returned without a copy: no caller can change it, and a hit costs nothing. A value holding a
 * Map, Set, Date or Uint8Array cannot be frozen (their contents stay writable), so it is kept as text and
 * decoded afresh for every caller. The README gives the measurements behind this choice.
 */
export type Held = { shared: Val } | { text: string };

/** The serde text of a put's value; what is not a `Val` is an `InvalidArgumentError` naming the path. */
export function encodeValue(name: string, value: unknown): string {
  try {
    return encode(value as Val);
  } catch (error) {
    if (!isOmegaError(error, 'INVALID_ARGUMENT')) throw error;
    const { path, reason } = error.details as { path: string; reason: string };
    throw new InvalidArgumentError(`cannot cache the value of artifact "${name}": ${reason} at ${path}`, {
      cause: error,
      details: { kind: KIND, name, path, reason },
    });
  }
}

/** How to hand out the value of `text` to every caller (text written by this process or verified by digest). */
export function hold(text: string): Held {
  const value = decode(text);
  return freezable(value) ? { shared: deepFreeze(value) } : { text };
}

/** The value of `text` for one caller, who owns it (a blob read from a shared store for one hit). */
export function once(text: string): Held {
  return { shared: decode(text) };
}

/** The value of `held` for one caller. */
export function handOut(held: Held): Val {
  return 'shared' in held ? held.shared : decode(held.text);
}

function freezable(value: Val): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value)) return value.every(freezable);
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.values(value).every(freezable);
}

function deepFreeze(value: Val): Val {
  if (typeof value === 'object' && value !== null) {
    for (const part of Object.values(value)) deepFreeze(part as Val);
    Object.freeze(value);
  }
  return value;
}
