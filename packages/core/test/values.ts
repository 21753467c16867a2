import type { Val } from '../src/val.js';

/**
 * Exact equality of two `Val`s as serde promises it: `Object.is` on primitives (NaN equals NaN, -0 differs
 * from 0), object keys in the same order, Map entries and Set elements in the same order. A `Buffer`
 * equals a `Uint8Array` of the same bytes, a null-prototype object a plain one, and an array hole
 * `undefined`.
 */
export function sameVal(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b);
  if (a instanceof Date) return b instanceof Date && Object.is(a.getTime(), b.getTime());
  if (a instanceof Uint8Array) {
    return b instanceof Uint8Array && a.length === b.length && a.every((byte, i) => byte === b[i]);
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameVal(a[i], b[i])) return false;
    return true;
  }
  if (a instanceof Map) {
    return b instanceof Map && a.size === b.size && sameVal([...a].flat(), [...b].flat());
  }
  if (a instanceof Set) return b instanceof Set && a.size === b.size && sameVal([...a], [...b]);
  if (!isPlainRecord(b)) return false;
  const keys = Object.keys(a);
  if (!sameVal(keys, Object.keys(b))) return false;
  return keys.every((key) => sameVal((a as Record<string, unknown>)[key], b[key]));
}

function isPlainRecord(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Every object reachable from `value` (containers, Dates, byte arrays and their buffers). */
export function objectsOf(value: unknown, found: Set<object> = new Set()): Set<object> {
  if (typeof value !== 'object' || value === null || found.has(value)) return found;
  found.add(value);
  if (value instanceof Uint8Array) found.add(value.buffer);
  const children: unknown[] =
    value instanceof Map
      ? [...value].flat()
      : value instanceof Set
        ? [...value]
        : value instanceof Date || value instanceof Uint8Array
          ? []
          : Object.values(value);
  for (const child of children) objectsOf(child, found);
  return found;
}

/** Arrays nested exactly `depth` containers deep around `contents`, built without recursion. */
export function nestedArrays(depth: number, contents: Val[] = []): Val[] {
  let value: Val[] = contents;
  for (let i = 1; i < depth; i++) value = [value];
  return value;
}
