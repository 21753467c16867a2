import { Buffer } from 'node:buffer';
import { CorruptDataError, InvalidArgumentError } from './errors.js';
import {
  asRejection,
  countHole,
  countParts,
  enterContainer,
  instanceReason,
  isPlainObject,
  type JsonValue,
  keySegment,
  kindOf,
  leaveContainer,
  MAX_ARRAY_LENGTH,
  MAX_DEPTH,
  MAX_PARTS,
  MEASURE_AFTER,
  measuredParts,
  memberSegment,
  newWalk,
  ownData,
  Rejection,
  setKey,
  shortPath,
  TAG,
  TOO_DEEP_REASON,
  TOO_LONG_REASON,
  TOO_MANY_PARTS_REASON,
  unstorable,
  type Walk,
  withSegment,
} from './json.js';
import { valToJson } from './json-look.js';
import type { Val } from './val.js';

export type { JsonValue } from './json.js';

/**
 * Encodes a {@link Val} as JSON text. What JSON cannot represent is written as a tagged object
 * `{"$t": tag, "v": payload}` from a closed list: `undefined`, `bigint`, `NaN`, `Infinity`, `-Infinity`,
 * `-0`, `Date`, `Map`, `Set`, `Uint8Array`, and `object` for a plain object that has its own `"$t"` key.
 *
 * A `Buffer` is stored as the bytes of a `Uint8Array`; a null-prototype object as a plain object; holes
 * of a sparse array as `undefined`. Symbol-keyed and non-enumerable properties are not part of a value
 * and are left out, as `JSON.stringify` does. Each property is read once: a getter runs once, and what
 * is written is the value it gave.
 *
 * @throws InvalidArgumentError (details `{ path, reason }`) for what is not a `Val`: a function, a
 * symbol, a cycle, a class instance (subclasses of Array, Map, Set, Date and Uint8Array included), an
 * Array, Date, Map, Set or Uint8Array with own enumerable properties besides its contents, a proxy, a
 * getter that throws (its error is the `cause`), or a value past the limits: nesting deeper than 1000
 * containers, an array longer than 2^24 elements, more than 65,536 holes, more than 2^25 parts (a part
 * shared by several paths counts once per path).
 */
export function encode(value: Val): string {
  try {
    return JSON.stringify(valToJson(value));
  } catch (error) {
    throw unstorable(error);
  }
}

/**
 * Decodes text written by {@link encode}; the round trip is exact. Tagged objects are revived only when
 * the text contains `"$t"`; otherwise this is `JSON.parse`. Objects come back with `Object.prototype`.
 *
 * @throws CorruptDataError (details `{ path, reason }`, the path into the JSON document) for invalid JSON,
 * a tag that is unknown or malformed, or what {@link encode} would refuse as too large: nesting deeper
 * than 1000 levels of the value (a tagged Map, Set or escaped object is one level), an array longer
 * than 2^24 elements, or more than 2^25 parts.
 */
export function decode(text: string): Val {
  if (typeof text !== 'string') {
    throw new InvalidArgumentError(`decode expects a string, got ${typeof text}`, {
      details: { path: '$', reason: `a ${typeof text} instead of text` },
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    // The parser's own stack can run out on very deep nesting: that is nesting past the limit too.
    const reason =
      error instanceof RangeError ? TOO_DEEP_REASON : `invalid JSON: ${(error as Error).message}`;
    throw new CorruptDataError(`cannot decode: ${reason}`, { cause: error, details: { path: '$', reason } });
  }
  if (typeof json !== 'object' || json === null) return json as Val;
  try {
    // What a save refuses, a load refuses. Text this short cannot nest past MAX_DEPTH or hold a long
    // array, and a scan of the brackets spares most texts the walk (measured: the walk alone made decoding
    // 1 MB of small records 60% slower).
    if (text.length > 2 * MAX_DEPTH && (text.length > 2 * MAX_ARRAY_LENGTH || nestsPast(text, MAX_DEPTH))) {
      checkStored(json, MAX_DEPTH, { left: MAX_PARTS });
    }
    return (mentionsTag(text) ? revive(json) : json) as Val;
  } catch (error) {
    throw undecodable(error);
  }
}

/**
 * True when `text` contains `"$t"`. V8 looks for a pattern by its first character, and a quote is in
 * JSON at every other step: measured on 1 KB, `includes('"$t"')` took 1.4 µs (a quarter of the parse),
 * a walk over the dollar signs 0.01 µs. A text of many dollar signs goes back to `includes`.
 */
function mentionsTag(text: string): boolean {
  let i = text.indexOf('$');
  for (let seen = 0; i >= 0; seen++) {
    if (seen === 64) return text.includes('"$t"', i - 1);
    if (
      text.charCodeAt(i - 1) === 0x22 &&
      text.charCodeAt(i + 1) === 0x74 &&
      text.charCodeAt(i + 2) === 0x22
    ) {
      return true;
    }
    i = text.indexOf('$', i + 1);
  }
  return false;
}

/**
 * True when the brackets of valid JSON `text` nest deeper than `limit`. A value's levels are never more
 * than its text's (a tag adds levels, never removes them), so a false answer spares the walk of
 * {@link checkStored}; strings, most of the text, are skipped with `indexOf`.
 */
function nestsPast(text: string, limit: number): boolean {
  if (!opensMoreThan(text, limit)) return false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // To the closing quote: one preceded by an even number of backslashes.
      let end = text.indexOf('"', i + 1);
      while (end > 0 && text.charCodeAt(end - 1) === 0x5c) {
        let slashes = 1;
        while (text.charCodeAt(end - 1 - slashes) === 0x5c) slashes++;
        if (slashes % 2 === 0) break;
        end = text.indexOf('"', end + 1);
      }
      if (end < 0) return true;
      i = end;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}

const OPENERS = ['[', '{'] as const;

/**
 * True when `text` holds more than `limit` opening brackets, inside strings or not: a bound of its nesting
 * that `indexOf` finds at memory speed. A text of a few long strings is spared the scan of
 * {@link nestsPast}, which stops at every escaped quote (measured on 1 MB of prose: as long as the parse).
 */
function opensMoreThan(text: string, limit: number): boolean {
  let count = 0;
  for (const bracket of OPENERS) {
    for (let i = text.indexOf(bracket); i >= 0; i = text.indexOf(bracket, i + 1)) {
      if (++count > limit) return true;
    }
  }
  return false;
}

/**
 * Checks stored JSON against the limits a save applies ({@link MAX_DEPTH}, {@link MAX_ARRAY_LENGTH},
 * {@link MAX_PARTS}),
 * counting levels of the value, not of its tagged form: a Map (tag, payload array, entry pairs), a Set and
 * an escaped object are one level each, like a plain array or object. Malformed tags are left to revive.
 */
function checkStored(node: object, depth: number, parts: PartsLeft): void {
  if (Array.isArray(node)) {
    if (depth === 0) throw new Rejection(TOO_DEEP_REASON);
    if (node.length > MAX_ARRAY_LENGTH) throw new Rejection(TOO_LONG_REASON);
    checkItems(node, depth - 1, parts);
    return;
  }
  const record = node as Record<string, unknown>;
  const tag = record[TAG];
  if (tag === undefined) {
    if (depth === 0) throw new Rejection(TOO_DEEP_REASON);
    checkProps(record, depth - 1, parts);
    return;
  }
  const v = record.v;
  if (typeof v !== 'object' || v === null || (tag !== 'Map' && tag !== 'Set' && tag !== 'object')) return;
  if (depth === 0) throw new Rejection(TOO_DEEP_REASON);
  try {
    if (!Array.isArray(v)) {
      if (tag === 'object') checkProps(v as Record<string, unknown>, depth - 1, parts);
    } else if (tag === 'Set') {
      checkItems(v, depth - 1, parts);
    } else if (tag === 'Map') {
      let i = 0;
      try {
        for (; i < v.length; i++) {
          const entry: unknown = v[i];
          if (Array.isArray(entry)) checkItems(entry, depth - 1, parts);
        }
      } catch (error) {
        throw withSegment(error, `[${i}]`);
      }
    }
  } catch (error) {
    throw withSegment(error, '.v');
  }
}

function checkItems(items: readonly unknown[], depth: number, parts: PartsLeft): void {
  countStored(parts, items.length);
  let i = 0;
  try {
    for (; i < items.length; i++) {
      const item = items[i];
      if (typeof item === 'object' && item !== null) checkStored(item, depth, parts);
    }
  } catch (error) {
    throw withSegment(error, `[${i}]`);
  }
}

function checkProps(record: Record<string, unknown>, depth: number, parts: PartsLeft): void {
  let key = '';
  try {
    for (key in record) {
      countStored(parts, 1);
      const item = record[key];
      if (typeof item === 'object' && item !== null) checkStored(item, depth, parts);
    }
  } catch (error) {
    throw withSegment(error, keySegment(key));
  }
}

/** The parts a check or copy of stored JSON may still meet: the same {@link MAX_PARTS} a save applies. */
interface PartsLeft {
  left: number;
}

function countStored(parts: PartsLeft, count: number): void {
  parts.left -= count;
  if (parts.left < 0) throw new Rejection(TOO_MANY_PARTS_REASON);
}

/**
 * The tagged JSON form of `value` as a new plain-JSON tree (what {@link encode} stringifies), for
 * embedding a `Val` in a larger JSON document.
 *
 * @throws InvalidArgumentError as {@link encode} does.
 */
export function toJsonValue(value: Val): JsonValue {
  // The walk hands plain parts of `value` to the writer as they are; parsing the text makes them new.
  return JSON.parse(encode(value)) as JsonValue;
}

/**
 * The `Val` whose tagged JSON form is `json` (the inverse of {@link toJsonValue}). `json` is checked to
 * be plain JSON and is not modified.
 *
 * @throws CorruptDataError (details `{ path, reason }`) for anything that is not plain JSON or for a tag
 * that is unknown or malformed.
 */
export function fromJsonValue(json: unknown): Val {
  const copying: Copying = { ancestors: new Set<object>(), left: MAX_PARTS, root: json, measured: false };
  const reviver: Reviver = {
    // Called for each Map key and value and Set element: a part, counted as a save counts it.
    value: (item) => {
      countCopied(copying, 1);
      return copyJson(item, reviver, copying);
    },
    props: (record) => {
      enterJson(record, copying);
      const copy = copyProps(record, reviver, copying);
      copying.ancestors.delete(record);
      return copy;
    },
  };
  try {
    const value = copyJson(json, reviver, copying) as Val;
    // After the copy, which refuses cycles: the check itself assumes a tree.
    if (typeof json === 'object' && json !== null) checkStored(json, MAX_DEPTH, { left: MAX_PARTS });
    return value;
  } catch (error) {
    throw undecodable(error);
  }
}

/**
 * A deep copy of `value` that shares no object with it. Accepts exactly what {@link encode} accepts, and
 * copies what encode would preserve: a `Buffer` becomes a `Uint8Array`, a null-prototype object a plain
 * object, and a hole of a sparse array `undefined`.
 *
 * @throws InvalidArgumentError (details `{ path, reason }`) for what is not a `Val`.
 */
export function cloneVal<T extends Val>(value: T): T {
  try {
    return cloneAny(value, newWalk(), 0) as T;
  } catch (error) {
    throw unstorable(error);
  }
}

function undecodable(error: unknown): unknown {
  const rejection = asRejection(error);
  if (rejection === null) return error;
  const { path, reason } = rejection;
  return new CorruptDataError(`cannot decode: ${reason} at ${shortPath(path)}`, {
    cause: rejection === error ? undefined : error,
    details: { path, reason },
  });
}

/** How the payloads of tagged objects are turned into values: in place (decode) or by copying. */
interface Reviver {
  value(json: unknown): unknown;
  /** Revives the values of a plain object and keeps its keys: a `"$t"` among them is data, not a tag. */
  props(record: Record<string, unknown>): Record<string, unknown>;
}

// JSON.parse output is fresh, acyclic and plain, so decode revives it in place without checks.
const IN_PLACE: Reviver = {
  value: (json) => (typeof json === 'object' && json !== null ? revive(json) : json),
  props: (record) => reviveProps(record),
};

function revive(node: object): unknown {
  if (Array.isArray(node)) {
    let i = 0;
    try {
      for (; i < node.length; i++) {
        const item: unknown = node[i];
        if (typeof item === 'object' && item !== null) {
          const value = revive(item);
          if (value !== item) node[i] = value;
        }
      }
    } catch (error) {
      throw withSegment(error, `[${i}]`);
    }
    return node;
  }
  const record = node as Record<string, unknown>;
  const tag = record[TAG];
  return tag === undefined ? reviveProps(record) : reviveTag(record, tag, IN_PLACE);
}

function reviveProps(record: Record<string, unknown>): Record<string, unknown> {
  let key = '';
  try {
    for (key in record) {
      const item = record[key];
      if (typeof item === 'object' && item !== null) {
        const value = revive(item);
        // Assignment is safe even for "__proto__": JSON.parse made it an own data property.
        if (value !== item) record[key] = value;
      }
    }
  } catch (error) {
    throw withSegment(error, keySegment(key));
  }
  return record;
}

/**
 * A copy of caller JSON in progress: the containers on the path (a repeat is a cycle), the parts left, and
 * whether the whole was measured (caller JSON may share objects, as a value may: see `countParts`).
 */
interface Copying extends PartsLeft {
  readonly ancestors: Set<object>;
  readonly root: unknown;
  measured: boolean;
}

function countCopied(copying: Copying, count: number): void {
  countStored(copying, count);
  if (copying.measured || copying.left > MAX_PARTS - MEASURE_AFTER) return;
  copying.measured = true;
  const { root } = copying;
  if (typeof root === 'object' && root !== null && (measuredParts(root, true) ?? 0) > MAX_PARTS) {
    throw new Rejection(TOO_MANY_PARTS_REASON);
  }
}

function copyJson(json: unknown, reviver: Reviver, copying: Copying): unknown {
  switch (typeof json) {
    case 'string':
    case 'boolean':
    case 'number':
      return json;
    case 'object':
      if (json === null) return null;
      break;
    default:
      throw new Rejection(`not JSON: ${json === undefined ? 'undefined' : `a ${typeof json}`}`);
  }
  const node = json as object;
  if (!Array.isArray(node) && !isPlainObject(node)) throw new Rejection(`not JSON: ${instanceReason(node)}`);
  enterJson(node, copying);
  let value: unknown;
  if (Array.isArray(node)) {
    value = copyArray(node, reviver, copying);
  } else {
    const tag = (node as Record<string, unknown>)[TAG];
    value =
      tag === undefined
        ? copyProps(node as Record<string, unknown>, reviver, copying)
        : reviveTag(node as Record<string, unknown>, tag, reviver);
  }
  copying.ancestors.delete(node);
  return value;
}

function enterJson(node: object, copying: Copying): void {
  if (copying.ancestors.has(node)) throw new Rejection('a cycle');
  copying.ancestors.add(node);
}

function copyArray(items: readonly unknown[], reviver: Reviver, copying: Copying): unknown[] {
  countCopied(copying, items.length);
  const out: unknown[] = [];
  try {
    for (let i = 0; i < items.length; i++) out.push(copyJson(items[i], reviver, copying));
  } catch (error) {
    throw withSegment(error, `[${out.length}]`);
  }
  return out;
}

function copyProps(record: Record<string, unknown>, reviver: Reviver, copying: Copying) {
  const keys = Object.keys(record);
  countCopied(copying, keys.length);
  const out: Record<string, unknown> = {};
  let key = '';
  try {
    for (key of keys) setKey(out, key, copyJson(record[key], reviver, copying));
  } catch (error) {
    throw withSegment(error, keySegment(key));
  }
  return out;
}

function reviveTag(record: Record<string, unknown>, tag: unknown, reviver: Reviver): unknown {
  switch (tag) {
    case 'undefined':
      return bare(record, tag, undefined);
    case 'NaN':
      return bare(record, tag, Number.NaN);
    case 'Infinity':
      return bare(record, tag, Number.POSITIVE_INFINITY);
    case '-Infinity':
      return bare(record, tag, Number.NEGATIVE_INFINITY);
    case '-0':
      return bare(record, tag, -0);
    case 'bigint':
      return reviveBigint(payload(record, tag));
    case 'Date':
      return reviveDate(payload(record, tag));
    case 'Uint8Array':
      return reviveBytes(payload(record, tag));
    case 'Map':
      return reviveMap(payload(record, tag), reviver);
    case 'Set':
      return reviveSet(payload(record, tag), reviver);
    case 'object':
      return reviveEscaped(payload(record, tag), reviver);
    default:
      throw new Rejection(
        typeof tag === 'string' ? `unknown tag ${JSON.stringify(tag)}` : `a "$t" key holding a ${typeof tag}`,
      );
  }
}

function bare<T>(record: Record<string, unknown>, tag: string, value: T): T {
  if (Object.keys(record).length !== 1) throw new Rejection(`a "${tag}" tag with keys besides "$t"`);
  return value;
}

function payload(record: Record<string, unknown>, tag: string): unknown {
  if (Object.keys(record).length !== 2 || !Object.hasOwn(record, 'v')) {
    throw new Rejection(`a "${tag}" tag without exactly the keys "$t" and "v"`);
  }
  return record.v;
}

/** A rejection inside the payload; `inner` are the segments below `.v`, innermost first. */
function badPayload(reason: string, ...inner: string[]): Rejection {
  const rejection = new Rejection(reason);
  rejection.segments.push(...inner, '.v');
  return rejection;
}

const BIGINT = /^(?:0|-?[1-9][0-9]*)$/;

function reviveBigint(v: unknown): bigint {
  if (typeof v !== 'string' || !BIGINT.test(v))
    throw badPayload('a bigint payload that is not a decimal integer');
  return BigInt(v);
}

// The range of ECMAScript time values: ±100,000,000 days around the epoch.
const MAX_TIME = 8.64e15;

function reviveDate(v: unknown): Date {
  if (v === null) return new Date(Number.NaN);
  if (typeof v !== 'number' || !Number.isInteger(v) || Math.abs(v) > MAX_TIME) {
    throw badPayload('a Date payload that is neither a time value in milliseconds nor null');
  }
  return new Date(v);
}

function reviveBytes(v: unknown): Uint8Array {
  if (typeof v === 'string') {
    const bytes = Buffer.from(v, 'base64');
    // Buffer skips characters outside the alphabet; re-encoding catches them and any non-canonical padding.
    if (bytes.toString('base64') === v) return new Uint8Array(bytes);
  }
  throw badPayload('a Uint8Array payload that is not canonical base64');
}

function reviveMap(v: unknown, reviver: Reviver): Map<unknown, unknown> {
  const entries = members(v, 'Map');
  const map = new Map<unknown, unknown>();
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    if (!Array.isArray(entry) || entry.length !== 2) {
      throw badPayload('a Map entry that is not a [key, value] pair', `[${i}]`);
    }
    map.set(member(entry, 0, reviver, i), member(entry, 1, reviver, i));
  }
  if (map.size !== entries.length) throw badPayload('a Map with a repeated key');
  return map;
}

function reviveSet(v: unknown, reviver: Reviver): Set<unknown> {
  const elements = members(v, 'Set');
  const set = new Set<unknown>();
  for (let i = 0; i < elements.length; i++) set.add(member(elements, i, reviver));
  if (set.size !== elements.length) throw badPayload('a Set with a repeated element');
  return set;
}

function members(v: unknown, tag: string): readonly unknown[] {
  if (!Array.isArray(v)) throw badPayload(`a ${tag} payload that is not an array`);
  return v;
}

/** Revives `items[index]` of a Map or Set payload, with its path (`.v[i]`, or `.v[entry][i]` for a Map). */
function member(items: readonly unknown[], index: number, reviver: Reviver, entry?: number): unknown {
  try {
    return reviver.value(items[index]);
  } catch (error) {
    const inner = withSegment(error, `[${index}]`);
    throw withSegment(entry === undefined ? inner : withSegment(inner, `[${entry}]`), '.v');
  }
}

function reviveEscaped(v: unknown, reviver: Reviver): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || !Object.hasOwn(v, TAG)) {
    throw badPayload('an "object" payload that is not an object with its own "$t" key');
  }
  try {
    return reviver.props(v as Record<string, unknown>);
  } catch (error) {
    throw withSegment(error, '.v');
  }
}

function cloneAny(value: unknown, walk: Walk, level: number): unknown {
  return typeof value === 'object' && value !== null ? cloneObjectLike(value, walk, level) : cloneLeaf(value);
}

function cloneLeaf(value: unknown): unknown {
  if (typeof value === 'function') throw new Rejection('a function');
  if (typeof value === 'symbol') throw new Rejection('a symbol');
  return value;
}

function cloneObjectLike(obj: object, walk: Walk, level: number): unknown {
  const kind = kindOf(obj);
  if (kind === 'Date') return new Date((obj as Date).getTime());
  if (kind === 'Uint8Array') return new Uint8Array(obj as Uint8Array);
  enterContainer(walk, obj, level);
  let copy: unknown;
  if (kind === 'array') copy = cloneArray(obj as unknown[], walk, level + 1);
  else if (kind === 'Map') copy = cloneMap(obj as Map<unknown, unknown>, walk, level + 1);
  else if (kind === 'Set') copy = cloneSet(obj as Set<unknown>, walk, level + 1);
  else copy = cloneObject(obj, walk, level + 1);
  leaveContainer(walk, obj, level);
  return copy;
}

function cloneArray(items: readonly unknown[], walk: Walk, level: number): unknown[] {
  countParts(walk, items.length);
  const out: unknown[] = [];
  try {
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (item === undefined) countHole(walk, items, i);
      out.push(
        typeof item === 'object' && item !== null ? cloneObjectLike(item, walk, level) : cloneLeaf(item),
      );
    }
  } catch (error) {
    throw withSegment(error, `[${out.length}]`);
  }
  return out;
}

function cloneObject(source: object, walk: Walk, level: number) {
  const out = ownData(source);
  let key = '';
  try {
    for (key in out) {
      countParts(walk, 1);
      const item = out[key];
      if (typeof item === 'object' && item !== null) setKey(out, key, cloneObjectLike(item, walk, level));
      else cloneLeaf(item);
    }
  } catch (error) {
    throw withSegment(error, keySegment(key));
  }
  return out;
}

function cloneMap(map: Map<unknown, unknown>, walk: Walk, level: number) {
  countParts(walk, map.size * 2);
  const out = new Map<unknown, unknown>();
  let part: 'key' | 'value' = 'key';
  try {
    for (const [key, item] of map) {
      part = 'key';
      const keyCopy = cloneAny(key, walk, level);
      part = 'value';
      out.set(keyCopy, cloneAny(item, walk, level));
    }
  } catch (error) {
    throw withSegment(error, memberSegment(part, out.size));
  }
  return out;
}

function cloneSet(set: Set<unknown>, walk: Walk, level: number) {
  countParts(walk, set.size);
  const out = new Set<unknown>();
  let index = 0;
  try {
    for (const element of set) {
      out.add(cloneAny(element, walk, level));
      index++;
    }
  } catch (error) {
    throw withSegment(error, memberSegment('element', index));
  }
  return out;
}
