import { createHash } from 'node:crypto';
import { InvalidArgumentError } from './errors.js';
import { type JsonValue, TAG, unstorable } from './json.js';
import { valToJson } from './json-look.js';
import type { Val } from './val.js';

/**
 * The canonical encoding of `value`: the tagged JSON form of `encode`, with object keys sorted by UTF-16
 * code unit at every level and Map entries and Set elements sorted by their own canonical encoding. Equal
 * values give equal strings whatever their insertion order, and distinct values distinct strings
 * (`1`, `"1"` and `1n` differ, so do `0` and `-0`). `decode` reads it back.
 *
 * @throws InvalidArgumentError (details `{ path, reason }`) for what is not a `Val`, as `encode` does.
 */
export function canonicalize(value: Val): string {
  try {
    return write(valToJson(value));
  } catch (error) {
    throw unstorable(error);
  }
}

/** SHA-256 of `data` (a string is hashed as its UTF-8 bytes), as 64 lowercase hex digits. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** SHA-256 (hex) of the canonical encoding of `value`: equal values have equal digests. */
export function digestOf(value: Val): string {
  return sha256Hex(canonicalize(value));
}

// Writes the text itself: JSON.stringify would keep insertion order, and V8 puts integer-like keys first.
function write(json: JsonValue): string {
  switch (typeof json) {
    case 'string':
      return JSON.stringify(json);
    case 'number':
      // Finite and never -0 here (those are tagged), where String() and JSON agree.
      return String(json);
    case 'boolean':
      return json ? 'true' : 'false';
  }
  if (json === null) return 'null';
  if (Array.isArray(json)) {
    if (json.length === 0) return '[]';
    let text = `[${write(json[0]!)}`;
    for (let i = 1; i < json.length; i++) text += `,${write(json[i]!)}`;
    return `${text}]`;
  }
  // In the tagged form every object with "$t" is a tag: user objects with their own "$t" are wrapped.
  const tag = json[TAG];
  if (tag === 'Map' || tag === 'Set') return `{"$t":"${tag}","v":[${sortedMembers(json.v as JsonValue[])}]}`;
  if (tag === 'object') return `{"$t":"object","v":${writeObject(json.v as Record<string, JsonValue>)}}`;
  return writeObject(json);
}

function writeObject(record: Record<string, JsonValue>): string {
  const keys = sortKeys(Object.keys(record));
  if (keys.length === 0) return '{}';
  let text = '{';
  for (const key of keys) text += `${JSON.stringify(key)}:${write(record[key]!)},`;
  return `${text.slice(0, -1)}}`;
}

// Objects mostly have a handful of keys, where an insertion sort with `<` (which compares UTF-16 code
// units, as the default sort does) beats the generic Array.prototype.sort.
function sortKeys(keys: string[]): string[] {
  if (keys.length > 12) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    for (; j >= 0 && keys[j]! > key; j--) keys[j + 1] = keys[j]!;
    keys[j + 1] = key;
  }
  return keys;
}

function sortedMembers(members: readonly JsonValue[]): string {
  return members.map(write).sort().join(',');
}

// A lone surrogate in a string: JSON.stringify writes it as a lowercase \ud800-\udfff escape, after an
// even number of backslashes (an odd number would make the backslash itself escaped text).
const LONE_SURROGATE = /(?:^|[^\\])(?:\\\\)*\\ud[89a-f][0-9a-f]{2}/;

/**
 * The canonical text of `value` ({@link canonicalize}), for bytes a verifier elsewhere hashes again: a
 * string with a lone surrogate has no UTF-8 form it would agree on, so it is an `InvalidArgumentError`
 * naming `kind` and `path` (where in the caller's value it is).
 */
export function canonicalUtf8(value: Val, kind: string, path: string): string {
  const text = canonicalize(value);
  if (LONE_SURROGATE.test(text)) {
    throw new InvalidArgumentError(
      `a ${kind} record cannot hold a string with a lone surrogate (at ${path})`,
      {
        details: { kind, path, reason: 'lone surrogate' },
      },
    );
  }
  return text;
}
