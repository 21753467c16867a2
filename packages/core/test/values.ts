import { expect } from 'vitest';
import { assertSameValue } from '../src/testing.js';
import type { Val } from '../src/val.js';

/**
 * Exact equality of two `Val`s as serde promises it: the kit's {@link assertSameValue} (`Object.is` on
 * primitives, Map entries and Set elements in order, ...), and, since serde also keeps the insertion
 * order of object keys (which `assertSameValue` ignores), the same key order in every object.
 */
export function expectSameVal(actual: unknown, expected: unknown, label?: string): void {
  assertSameValue(actual, expected, label);
  expect(keyOrders(actual), label).toStrictEqual(keyOrders(expected));
}

/**
 * The own keys of every plain object in `value`, depth first (Map keys and values, Set elements and
 * array items in order): two equal values with equal lists have their keys in the same order everywhere.
 */
export function keyOrders(value: unknown, found: string[][] = []): string[][] {
  if (typeof value !== 'object' || value === null || value instanceof Date || value instanceof Uint8Array) {
    return found;
  }
  if (value instanceof Map) {
    for (const [key, item] of value) {
      keyOrders(key, found);
      keyOrders(item, found);
    }
    return found;
  }
  if (value instanceof Set || Array.isArray(value)) {
    for (const item of value) keyOrders(item, found);
    return found;
  }
  const keys = Object.keys(value);
  found.push(keys);
  for (const key of keys) keyOrders((value as Record<string, unknown>)[key], found);
  return found;
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
