// The tagged JSON form of a Val, shared by serde, canonical encoding and isVal. Internal: index.ts does not
// re-export this module; the public surface is serde.ts and canonical.ts.
import { Buffer } from 'node:buffer';
import { InvalidArgumentError } from './errors.js';

/** A plain JSON value, as `JSON.parse` returns it. The tagged form of a `Val` is one. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** The key that marks a tagged object: `{ "$t": tag, "v": payload }`. */
export const TAG = '$t';

/**
 * Deepest nesting of containers (arrays, objects, Maps, Sets) a `Val` may have. V8's native
 * `JSON.stringify` overflows a little past 4000 JSON levels and a Map costs three of them, so within this
 * bound every storable value can be stringified, parsed and revived on the default stack.
 */
export const MAX_DEPTH = 1000;

/**
 * Nesting that the fast walks cover without tracking ancestors: a cycle just runs into this bound, after
 * at most this many times the work of a value's siblings. Deeper values take the tracked walk.
 */
const FAST_DEPTH = 128;

const TOO_DEEP = `nested more than ${MAX_DEPTH} levels deep`;
// A RangeError inside a walk or JSON.stringify: the stack ran out, or a string would exceed V8's limit.
const ENGINE_LIMIT = 'too deeply nested or too large for the JavaScript engine';

/**
 * True when `JSON.stringify(value)` is already its exact encoding: only strings, booleans, finite numbers
 * other than -0, null, arrays without holes and plain objects without an own `$t` key, nested no deeper
 * than the fast walks go. False says nothing: the value may still be a `Val`.
 */
export function isPlainJson(value: unknown): boolean {
  if (typeof value === 'object') return value === null || isPlainContainer(value, FAST_DEPTH);
  return !isUnplainPrimitive(value);
}

/**
 * Runs `walk` fast, without tracking ancestors and only {@link FAST_DEPTH} deep, and when that rejects
 * runs it again with ancestors tracked up to {@link MAX_DEPTH}: the second run accepts deep values, tells
 * a cycle from deep nesting and names the first offending path.
 */
export function walkTwice<T>(walk: (ancestors: Set<object> | null, depth: number) => T): T {
  try {
    return walk(null, FAST_DEPTH);
  } catch (error) {
    if (!(error instanceof Rejection)) throw error;
  }
  return walk(new Set(), MAX_DEPTH);
}

// The leaf test is inlined in both loops: this walk runs before every encode and must stay cheap.
function isPlainContainer(value: object, depth: number): boolean {
  if (depth === 0) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item === 'object') {
        if (item !== null && !isPlainContainer(item, depth - 1)) return false;
      } else if (isUnplainPrimitive(item)) {
        return false;
      }
    }
    return true;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  const record = value as Record<string, unknown>;
  if (record[TAG] !== undefined) return false;
  for (const key in record) {
    const item = record[key];
    if (typeof item === 'object') {
      if (item !== null && !isPlainContainer(item, depth - 1)) return false;
    } else if (isUnplainPrimitive(item)) {
      return false;
    }
  }
  return true;
}

/** True for a primitive that JSON would lose or change: NaN, ±Infinity, -0, undefined, a bigint, ... */
function isUnplainPrimitive(value: unknown): boolean {
  // x - x is NaN for NaN and ±Infinity; 1 / x tells -0 from 0.
  if (typeof value === 'number') return value - value !== 0 || (value === 0 && 1 / value < 0);
  return typeof value !== 'string' && typeof value !== 'boolean';
}

/**
 * Why a value cannot be encoded or decoded. Path segments are collected innermost first while the
 * walk unwinds, so a successful walk never pays for building paths.
 */
export class Rejection extends Error {
  readonly segments: string[] = [];

  constructor(readonly reason: string) {
    super(reason);
  }

  /** The JSON-style path of the offending part, from `$` (the whole value). */
  get path(): string {
    return `$${this.segments.toReversed().join('')}`;
  }
}

/**
 * `error` as a {@link Rejection} when it is one or a `RangeError` (the engine's stack or string limit),
 * else `null`: other errors, such as one thrown by a getter, pass through untouched.
 */
export function asRejection(error: unknown): Rejection | null {
  if (error instanceof Rejection) return error;
  return error instanceof RangeError ? new Rejection(ENGINE_LIMIT) : null;
}

/** Adds the segment of the container being unwound to a rejection; returns what the caller rethrows. */
export function withSegment(error: unknown, segment: string): unknown {
  const rejection = asRejection(error);
  if (rejection === null) return error;
  rejection.segments.push(segment);
  return rejection;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Path segment of an object key: `.name`, or `["odd key"]` when the key is not an identifier. */
export function keySegment(key: string): string {
  return IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** Path segment of the nth Map key, Map value or Set element. */
export function memberSegment(part: 'key' | 'value' | 'element', index: number): string {
  return `.<${part} ${index}>`;
}

/** Sets an own enumerable property, even `__proto__`, which plain assignment would treat as the prototype. */
export function setKey<T>(target: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

/** True for objects with the prototype of object literals or none (`Object.create(null)`). */
export function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** The reason given for an object that is neither plain nor one of the tagged classes. */
export function instanceReason(value: object): string {
  const name: unknown = Object.getPrototypeOf(value)?.constructor?.name;
  return `an instance of ${typeof name === 'string' && name !== '' ? name : 'an unknown class'}`;
}

/** A checked container entry: throws the rejection for a cycle or for nesting past the depth bound. */
export function enterContainer(value: object, ancestors: Set<object> | null, depth: number): void {
  if (ancestors?.has(value)) throw new Rejection('a cycle');
  if (depth === 0) throw new Rejection(TOO_DEEP);
  ancestors?.add(value);
}

/** Base64 of the bytes (standard alphabet, padded), the payload of the `Uint8Array` tag. */
export function bytesToBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** The payload of the `Date` tag: milliseconds since the epoch, or null for an invalid date. */
export function dateToJson(date: Date): number | null {
  const time = date.getTime();
  return Number.isNaN(time) ? null : time;
}

/** Where and why `value` is not a `Val`, or `null` when it is one. */
export function whyNotVal(value: unknown): { path: string; reason: string } | null {
  try {
    if (!isPlainJson(value)) valToJson(value, false);
    return null;
  } catch (error) {
    const rejection = asRejection(error);
    if (rejection === null) throw error;
    return { path: rejection.path, reason: rejection.reason };
  }
}

/**
 * The tagged JSON form of `value`. With `copy` false the parts that need no tag are returned as they are,
 * shared with `value` (enough for `JSON.stringify`); with `copy` true every container is new. Throws a
 * {@link Rejection} for what is not a `Val`: callers turn it into an error with {@link unstorable}.
 */
export function valToJson(value: unknown, copy: boolean): JsonValue {
  return walkTwice((ancestors, depth) => toJson(value, copy, ancestors, depth));
}

/**
 * The `InvalidArgumentError` for a rejection (or engine limit) met while encoding, or `error` itself when
 * it is neither. Public entry points wrap their whole body with this, fast paths included.
 */
export function unstorable(error: unknown): unknown {
  const rejection = asRejection(error);
  if (rejection === null) return error;
  const { path, reason } = rejection;
  return new InvalidArgumentError(`not a storable value: ${reason} at ${shortPath(path)}`, {
    cause: rejection === error ? undefined : error,
    details: { path, reason },
  });
}

/** `$.store.a[0]`: a zod issue path written the way serde writes value paths. */
export function issuePath(path: readonly PropertyKey[]): string {
  let text = '$';
  for (const key of path) text += typeof key === 'number' ? `[${key}]` : keySegment(String(key));
  return text;
}

/** `path` shortened for a message (details keep it whole): a value nested 1000 deep has a long one. */
export function shortPath(path: string): string {
  return path.length <= 120 ? path : `${path.slice(0, 60)}…${path.slice(-59)}`;
}

function toJson(value: unknown, copy: boolean, ancestors: Set<object> | null, depth: number): JsonValue {
  return typeof value === 'object' && value !== null
    ? objectLikeToJson(value, copy, ancestors, depth)
    : leafToJson(value);
}

/** The JSON form of anything but a non-null object. */
function leafToJson(value: unknown): JsonValue {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'object':
      return null;
    case 'number':
      return value - value === 0 && (value !== 0 || 1 / value > 0) ? value : specialNumberToJson(value);
    case 'undefined':
      return { [TAG]: 'undefined' };
    case 'bigint':
      return { [TAG]: 'bigint', v: value.toString() };
    case 'function':
      throw new Rejection('a function');
    default:
      throw new Rejection('a symbol');
  }
}

function specialNumberToJson(value: number): JsonValue {
  if (Number.isNaN(value)) return { [TAG]: 'NaN' };
  if (value === 0) return { [TAG]: '-0' };
  return { [TAG]: value > 0 ? 'Infinity' : '-Infinity' };
}

function objectLikeToJson(
  obj: object,
  copy: boolean,
  ancestors: Set<object> | null,
  depth: number,
): JsonValue {
  const isArray = Array.isArray(obj);
  if (!isArray && !isPlainObject(obj)) {
    if (obj instanceof Date) return { [TAG]: 'Date', v: dateToJson(obj) };
    if (obj instanceof Uint8Array) return { [TAG]: 'Uint8Array', v: bytesToBase64(obj) };
    if (!(obj instanceof Map || obj instanceof Set)) throw new Rejection(instanceReason(obj));
  }
  enterContainer(obj, ancestors, depth);
  let json: JsonValue;
  if (isArray) json = arrayToJson(obj, copy, ancestors, depth - 1);
  else if (obj instanceof Map) json = mapToJson(obj, copy, ancestors, depth - 1);
  else if (obj instanceof Set) json = setToJson(obj, copy, ancestors, depth - 1);
  else json = recordToJson(obj as Record<string, unknown>, copy, ancestors, depth - 1);
  ancestors?.delete(obj);
  return json;
}

// Holes read as undefined, so a sparse array comes back dense, with undefined where the holes were.
function arrayToJson(
  items: readonly unknown[],
  copy: boolean,
  ancestors: Set<object> | null,
  depth: number,
): JsonValue[] {
  let out: JsonValue[] | null = copy ? [] : null;
  let i = 0;
  try {
    for (; i < items.length; i++) {
      const item = items[i];
      const json =
        typeof item === 'object' && item !== null
          ? objectLikeToJson(item, copy, ancestors, depth)
          : leafToJson(item);
      if (out !== null) {
        out.push(json);
      } else if (json !== item) {
        // Copy on first change: the prefix holds only values that are their own JSON form.
        out = items.slice(0, i) as JsonValue[];
        out.push(json);
      }
    }
  } catch (error) {
    throw withSegment(error, `[${i}]`);
  }
  return out ?? (items as JsonValue[]);
}

function recordToJson(
  source: Record<string, unknown>,
  copy: boolean,
  ancestors: Set<object> | null,
  depth: number,
): JsonValue {
  // A user object with its own "$t" is wrapped, so that no user object is ever read back as a tag. A
  // hidden (non-enumerable) "$t" is left out like any hidden key, but only from a copy: the original
  // would still look like a tag to the canonical writer.
  const hasTag = TAG in source;
  const escaped = hasTag && Object.prototype.propertyIsEnumerable.call(source, TAG);
  let out: Record<string, JsonValue> | null = copy || hasTag ? {} : null;
  let key = '';
  try {
    for (key in source) {
      const item = source[key];
      const json =
        typeof item === 'object' && item !== null
          ? objectLikeToJson(item, copy, ancestors, depth)
          : leafToJson(item);
      if (out !== null) setKey(out, key, json);
      else if (json !== item) out = copyUntil(source, key, json);
    }
  } catch (error) {
    throw withSegment(error, keySegment(key));
  }
  const plain = out ?? (source as Record<string, JsonValue>);
  return escaped ? { [TAG]: 'object', v: plain } : plain;
}

/** Copy on first change: the keys before `changed` hold values that are their own JSON form. */
function copyUntil(
  source: Record<string, unknown>,
  changed: string,
  json: JsonValue,
): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const key in source) {
    if (key === changed) break;
    setKey(out, key, source[key] as JsonValue);
  }
  setKey(out, changed, json);
  return out;
}

function mapToJson(
  map: Map<unknown, unknown>,
  copy: boolean,
  ancestors: Set<object> | null,
  depth: number,
): JsonValue {
  const entries: JsonValue[] = [];
  let part: 'key' | 'value' = 'key';
  try {
    for (const [key, item] of map) {
      part = 'key';
      const keyJson = toJson(key, copy, ancestors, depth);
      part = 'value';
      entries.push([keyJson, toJson(item, copy, ancestors, depth)]);
    }
  } catch (error) {
    throw withSegment(error, memberSegment(part, entries.length));
  }
  return { [TAG]: 'Map', v: entries };
}

function setToJson(
  set: Set<unknown>,
  copy: boolean,
  ancestors: Set<object> | null,
  depth: number,
): JsonValue {
  const elements: JsonValue[] = [];
  try {
    for (const element of set) elements.push(toJson(element, copy, ancestors, depth));
  } catch (error) {
    throw withSegment(error, memberSegment('element', elements.length));
  }
  return { [TAG]: 'Set', v: elements };
}
