// The fast path of valToJson: a walk that only looks. It asks each property for its getter without calling
// it and reads only data properties, so no code of the value runs and it may hand plain parts to the writer
// as they are (reading them again runs nothing). At the first getter it gives up, and the careful walk of
// json.ts starts over.
import { types } from 'node:util';
import {
  arrayHasNamedKeys,
  asRejection,
  bytesToBase64,
  countHole,
  countParts,
  dateToJson,
  enterContainer,
  extraProperties,
  instanceReason,
  type JsonValue,
  keySegment,
  kindOf,
  leafToJson,
  leaveContainer,
  MAX_ARRAY_LENGTH,
  mapToJson,
  newWalk,
  Rejection,
  setKey,
  setToJson,
  TAG,
  TOO_LONG_REASON,
  toJson,
  type Walk,
  withSegment,
} from './json.js';

const isProxy = types.isProxy;
/**
 * The getter of a property, found without calling it (Annex B's `__lookupGetter__`): a quarter of the
 * cost of `Object.getOwnPropertyDescriptor` on an array element (measured 34 ns against 140), which
 * allocates a descriptor. A property with a setter and no getter reads as undefined without running code,
 * as the careful walk reads it.
 */
const getterOf = (Object.prototype as { __lookupGetter__(key: PropertyKey): unknown }).__lookupGetter__;
/** Has no property: `for...in` over it lists what every plain object inherits as enumerable. */
const BARE = {};
const prototypeOf = Object.getPrototypeOf;
const OBJECT_PROTOTYPE = Object.prototype;
const ARRAY_PROTOTYPE = Array.prototype;

/**
 * Thrown by the look-only walk when it meets an accessor, before calling it. Not an Error: catch blocks
 * on the way pass it on untouched.
 */
const ACCESSOR = Symbol('accessor');

/**
 * The tagged JSON form of `value`, for a writer: each property of `value` is read once, and a container
 * whose properties were all plain data is handed over as it is (reading it again runs no code), any other
 * is a new one, so what was checked is what the writer sees. Not a copy: do not keep or mutate it. Throws
 * a {@link Rejection} for what is not a `Val`: callers turn it into an error with `unstorable`.
 */
export function valToJson(value: unknown): JsonValue {
  if (typeof value !== 'object' || value === null) return leafToJson(value);
  if (inheritsEnumerable()) return carefulValToJson(value);
  try {
    return look(value, newWalk(), 0);
  } catch (error) {
    if (error !== ACCESSOR) throw error;
    return carefulValToJson(value);
  }
}

/** What {@link valToJson} gives, by the careful walk alone (each getter called once): its fallback. */
export function carefulValToJson(value: unknown): JsonValue {
  return toJson(value, newWalk(), 0);
}

/** Where and why `value` is not a `Val`, or `null` when it is one. */
export function whyNotVal(value: unknown): { path: string; reason: string } | null {
  try {
    valToJson(value);
    return null;
  } catch (error) {
    const rejection = asRejection(error);
    if (rejection === null) throw error;
    return { path: rejection.path, reason: rejection.reason };
  }
}

/** True when `Object.prototype` has an enumerable property, which `for...in` would list on every object. */
function inheritsEnumerable(): boolean {
  for (const _ in BARE) return true;
  return false;
}

/** The JSON form of a child of a container: primitives inline, objects by {@link look}. */
function lookChild(item: unknown, walk: Walk, level: number): JsonValue {
  switch (typeof item) {
    case 'string':
    case 'boolean':
      return item;
    case 'object':
      return item === null ? null : look(item, walk, level);
    default:
      return leafToJson(item);
  }
}

function look(obj: object, walk: Walk, level: number): JsonValue {
  if (isProxy(obj)) throw new Rejection('a proxy');
  const proto = prototypeOf(obj);
  let json: JsonValue;
  if (Array.isArray(obj)) {
    if (proto !== ARRAY_PROTOTYPE) throw new Rejection(instanceReason(obj));
    if (obj.length > MAX_ARRAY_LENGTH) throw new Rejection(TOO_LONG_REASON);
    enterContainer(walk, obj, level);
    json = lookArray(obj, walk, level + 1);
  } else if (proto === OBJECT_PROTOTYPE || proto === null) {
    enterContainer(walk, obj, level);
    json = lookRecord(obj, walk, level + 1);
  } else {
    // Neither an array nor a record: a Date, Map, Set or Uint8Array, or the rejection kindOf gives.
    const kind = kindOf(obj);
    if (kind === 'Date') return { [TAG]: 'Date', v: dateToJson(obj as Date) };
    if (kind === 'Uint8Array') return { [TAG]: 'Uint8Array', v: bytesToBase64(obj as Uint8Array) };
    enterContainer(walk, obj, level);
    json =
      kind === 'Map'
        ? mapToJson(obj as Map<unknown, unknown>, walk, level + 1, lookChild)
        : setToJson(obj as Set<unknown>, walk, level + 1, lookChild);
  }
  leaveContainer(walk, obj, level);
  return json;
}

/**
 * A plain object's JSON form: the object itself when every property is plain data that needs no tag,
 * else a copy (properties before the first replaced one are read again: data properties, no code runs).
 * `for...in` lists own keys only: {@link valToJson} has checked that `Object.prototype` has no
 * enumerable property.
 */
function lookRecord(source: object, walk: Walk, level: number): JsonValue {
  const record = source as Record<string, unknown>;
  let out: Record<string, JsonValue> | null = null;
  let key = '';
  try {
    for (key in record) {
      countParts(walk, 1);
      if (getterOf.call(record, key) !== undefined) throw ACCESSOR;
      const item = record[key];
      const json = lookChild(item, walk, level);
      if (out !== null) setKey(out, key, json);
      else if (json !== item) out = copyUntil(record, key, json);
    }
  } catch (error) {
    throw withSegment(error, keySegment(key));
  }
  if (out === null) {
    if (!Object.hasOwn(record, TAG)) return record as JsonValue;
    out = copyUntil(record, null, null);
  }
  return Object.hasOwn(out, TAG) ? { [TAG]: 'object', v: out } : out;
}

/** A copy of the properties of `source` before key `stop` (all of them for null), then `stop: json`. */
function copyUntil(
  source: Record<string, unknown>,
  stop: string | null,
  json: JsonValue,
): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const key in source) {
    if (key === stop) break;
    setKey(out, key, source[key] as JsonValue);
  }
  if (stop !== null) setKey(out, stop, json);
  return out;
}

// Holes read as undefined, so a sparse array comes back dense, with undefined where the holes were.
function lookArray(items: readonly unknown[], walk: Walk, level: number): JsonValue[] {
  countParts(walk, items.length);
  if (arrayHasNamedKeys(items)) throw extraProperties('an Array');
  let out: JsonValue[] | null = null;
  let i = 0;
  try {
    for (; i < items.length; i++) {
      // A hole finds any getter an index of Array.prototype has: the careful walk then reads no element.
      if (getterOf.call(items, i) !== undefined) throw ACCESSOR;
      const item = items[i];
      if (item === undefined) countHole(walk, items, i);
      const json = lookChild(item, walk, level);
      if (out !== null) {
        out.push(json);
      } else if (json !== item) {
        out = items.slice(0, i) as JsonValue[];
        out.push(json);
      }
    }
  } catch (error) {
    throw withSegment(error, `[${i}]`);
  }
  return out ?? (items as JsonValue[]);
}
