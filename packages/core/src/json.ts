// The tagged JSON form of a Val, shared by serde, canonical encoding and isVal. Internal: index.ts does not
// re-export this module; the public surface is serde.ts and canonical.ts.
import { Buffer } from 'node:buffer';
import { inspect, isDeepStrictEqual, types } from 'node:util';
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
 * Longest array a `Val` may hold (2^24 = 16,777,216 elements). A sparse array costs a few bytes whatever
 * its length, while walking it costs its length: the length is checked before the walk. Each element is
 * at least two bytes of text, so a longer array would not fit the framed-file body limit either.
 */
export const MAX_ARRAY_LENGTH = 2 ** 24;

/**
 * Most holes (missing elements of sparse arrays) a `Val` may have in all, 65,536. A hole is stored as
 * `undefined`, about twenty bytes of text and a tag object for each: beyond this bound the cost of a
 * value would no longer be proportional to the memory it takes.
 */
export const MAX_HOLES = 2 ** 16;

/**
 * Most parts one walk over a `Val` visits, 2^25 = 33,554,432: elements, property values, Map keys and
 * values and Set elements, each counted every time a path reaches it. A walk costs its parts, not the
 * memory a value takes: shared references make a few objects reach billions of parts (`v = [v, v]` 30
 * times is 2^31), which exhausted the heap in a clone or a digest. Twice {@link MAX_ARRAY_LENGTH}, so an
 * array at that limit still fits beside others; a container's parts are counted before they are walked.
 */
export const MAX_PARTS = 2 ** 25;

const isProxy = types.isProxy;
const ownDescriptor = Object.getOwnPropertyDescriptor;

/**
 * Levels a walk goes without tracking ancestors: above this, the containers on the path are only written
 * down by level, which costs next to nothing. A cycle runs into this bound (after at most this many times
 * the work of a value's siblings), where the path is checked for a repeat once; deeper levels keep a set
 * of their ancestors.
 */
const FAST_DEPTH = 128;

const TOO_DEEP = `nested more than ${MAX_DEPTH} levels deep`;
/** The reason given for containers nested past {@link MAX_DEPTH}, on save and on load. */
export const TOO_DEEP_REASON = TOO_DEEP;
/** The reason given for an array longer than {@link MAX_ARRAY_LENGTH}, on save and on load. */
export const TOO_LONG_REASON = `an array longer than ${MAX_ARRAY_LENGTH} elements`;
const TOO_MANY_HOLES = `sparse arrays with more than ${MAX_HOLES} holes in all`;
/** The reason given for a value of more than {@link MAX_PARTS} parts, counted path by path. */
export const TOO_MANY_PARTS_REASON = `more than ${MAX_PARTS} parts in all (a shared part counts once per path to it)`;
const GETTER_THREW = 'a getter that threw';
// A RangeError inside a walk or JSON.stringify: the stack ran out, or a string would exceed V8's limit.
const ENGINE_LIMIT = 'too deeply nested or too large for the JavaScript engine';

/**
 * The state of one walk over a value. Not module state: getters run during a walk (each once), and one
 * may start another walk.
 */
export interface Walk {
  /** The containers above the current one, by level, while the walk does not track ancestors. */
  readonly path: object[];
  /** The ancestors of the current container, from {@link FAST_DEPTH} down; null above. */
  ancestors: Set<object> | null;
  /** The holes the walk may still meet. */
  holesLeft: number;
  /** The parts (see {@link MAX_PARTS}) the walk may still visit. */
  partsLeft: number;
  /** Whether the walk has measured its whole value ({@link countParts}). */
  measured: boolean;
}

/** A new walk over one value. */
export function newWalk(): Walk {
  return { path: [], ancestors: null, holesLeft: MAX_HOLES, partsLeft: MAX_PARTS, measured: false };
}

/**
 * Parts a walk visits before it measures its whole value once: counting alone would refuse a value of
 * shared references only after {@link MAX_PARTS} visits (seconds of work, and a clone's copies of them).
 */
export const MEASURE_AFTER = 2 ** 20;

/**
 * Counts the `count` parts of a container against {@link MAX_PARTS} before they are walked, so a walk
 * refuses a value after at most that many visits, whatever sharing makes its size. Past
 * {@link MEASURE_AFTER} visits, the whole value is measured once, each shared object counted once
 * ({@link measuredParts}), so a value of shared references is refused after that many visits instead.
 */
export function countParts(walk: Walk, count: number): void {
  walk.partsLeft -= count;
  if (walk.partsLeft > MAX_PARTS - MEASURE_AFTER) return;
  if (walk.partsLeft < 0) throw new Rejection(TOO_MANY_PARTS_REASON);
  if (walk.measured) return;
  walk.measured = true;
  const root = walk.path[0];
  if (root !== undefined && (measuredParts(root, false) ?? 0) > MAX_PARTS) {
    throw new Rejection(TOO_MANY_PARTS_REASON);
  }
}

/**
 * The parts a walk over `root` would visit, counted over its distinct objects (each object's parts are
 * computed once and reused wherever it is shared), capped just above {@link MAX_PARTS}; null when that
 * cannot be told without running code of the value (an accessor, a proxy), or for a cycle or nesting
 * past the stack: the walk itself reports those. `tagged` counts the parts of the value a tagged JSON
 * form stands for (a Map's keys and values, a Set's elements, an escaped object's properties).
 */
export function measuredParts(root: object, tagged: boolean): number | null {
  const memo = new Map<object, number>();
  const cap = MAX_PARTS + 1;
  const partsOf = (value: unknown): number | null => {
    if (typeof value !== 'object' || value === null) return 0;
    const known = memo.get(value);
    if (known !== undefined) return known < 0 ? null : known;
    if (isProxy(value)) return null;
    memo.set(value, -1);
    let parts = 0;
    const add = (child: unknown): boolean => {
      const inner = partsOf(child);
      if (inner !== null) parts = Math.min(parts + 1 + inner, cap);
      return inner !== null;
    };
    if (value instanceof Map) {
      for (const [key, item] of value) if (!add(key) || !add(item)) return null;
    } else if (value instanceof Set) {
      for (const element of value) if (!add(element)) return null;
    } else if (tagged && !Array.isArray(value) && Object.hasOwn(value, TAG)) {
      const { [TAG]: tag, v } = value as Record<string, unknown>;
      const members = Array.isArray(v) ? v : [];
      if (tag === 'Map') {
        for (const pair of members) if (Array.isArray(pair) && !(add(pair[0]) && add(pair[1]))) return null;
      } else if (tag === 'Set') {
        for (const element of members) if (!add(element)) return null;
      } else if (tag === 'object' && typeof v === 'object' && v !== null) {
        for (const key of Object.keys(v)) if (!add((v as Record<string, unknown>)[key])) return null;
      }
    } else if (Array.isArray(value) || isPlainObject(value)) {
      const keys = Array.isArray(value) ? null : Object.keys(value);
      const length = keys === null ? (value as unknown[]).length : keys.length;
      for (let i = 0; i < length; i++) {
        const descriptor = ownDescriptor(value, keys === null ? i : keys[i]!);
        if (descriptor !== undefined && !('value' in descriptor)) return null;
        if (!add(descriptor?.value)) return null;
      }
    }
    memo.set(value, parts);
    return parts;
  };
  try {
    return partsOf(root);
  } catch (error) {
    if (error instanceof RangeError) return null;
    throw error;
  }
}

/**
 * Counts a hole against {@link MAX_HOLES} when `items[i]`, read as `undefined`, is one. Called only for
 * `undefined`, so dense arrays never pay for the check; `in` runs no getter.
 */
export function countHole(walk: Walk, items: readonly unknown[], i: number): void {
  if (!(i in items) && --walk.holesLeft < 0) throw new Rejection(TOO_MANY_HOLES);
}

/**
 * A copy of the own enumerable properties of plain object `record`, each read exactly once: a getter runs
 * once, and the walk and the writer both see the value it gave. A throwing getter is a rejection naming
 * its key when the object has one accessor (which one threw cannot be asked again without calling it).
 */
export function ownData(
  record: object,
  keys: readonly string[] = Object.keys(record),
): Record<string, unknown> {
  if (keys.length > LARGE_RECORD) {
    const { values } = ownValues(record, keys);
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) if (values[i] !== GONE) setKey(out, keys[i]!, values[i]);
    return out;
  }
  try {
    return { ...record };
  } catch (error) {
    const accessors = keys.filter((key) => ownDescriptor(record, key)?.get !== undefined);
    const rejection = new Rejection(GETTER_THREW, error);
    if (accessors.length === 1) rejection.segments.push(keySegment(accessors[0]!));
    throw rejection;
  }
}

/*
 * Objects with more keys than this are usually in V8's dictionary mode, where a spread copies key by key
 * slowly (measured 8 ms for 10,000 keys, against 1.7 ms to read every property's descriptor and 2.4 ms to
 * stringify the object): they are read through descriptors instead.
 */
const LARGE_RECORD = 64;
// A key that a getter read earlier deleted: left out, as a spread leaves it out.
const GONE = Symbol('gone');

/**
 * The values of `keys` of `record`, each read once (a getter called once; {@link GONE} for a key deleted
 * meanwhile), and whether any was not a plain data property.
 */
function ownValues(record: object, keys: readonly string[]): { values: unknown[]; accessors: boolean } {
  const values: unknown[] = new Array(keys.length);
  let accessors = false;
  let i = 0;
  try {
    for (; i < keys.length; i++) {
      const descriptor = ownDescriptor(record, keys[i]!);
      if (descriptor === undefined || !('value' in descriptor)) {
        accessors = true;
        values[i] = descriptor === undefined ? GONE : readAccessor(record, descriptor);
      } else {
        values[i] = descriptor.value;
      }
    }
  } catch (error) {
    throw withSegment(error, keySegment(keys[i]!));
  }
  return { values, accessors };
}

/**
 * The JSON form of a plain object, read through descriptors (each getter called once) and not copied when
 * every value is plain data already: the writer may then read its data properties again, as no code runs
 * on such reads. A getter, a value that needs a tag, or an own `"$t"` makes a copy. Copying every object
 * instead (a spread) cost more: a spread of a large object is slow (see {@link LARGE_RECORD}), and each
 * copy forces its parent to be copied too (measured 1 MB of small records: 2x the encode time).
 */
function recordToJson(source: object, walk: Walk, level: number): JsonValue {
  const keys = Object.keys(source);
  countParts(walk, keys.length);
  const { values, accessors } = ownValues(source, keys);
  let copy = accessors || Object.hasOwn(source, TAG);
  let i = 0;
  try {
    for (; i < keys.length; i++) {
      const item = values[i];
      if (item === GONE) continue;
      const json =
        typeof item === 'object' && item !== null ? objectLikeToJson(item, walk, level) : leafToJson(item);
      if (json !== item) {
        values[i] = json;
        copy = true;
      }
    }
  } catch (error) {
    throw withSegment(error, keySegment(keys[i]!));
  }
  if (!copy) return source as JsonValue;
  const out: Record<string, JsonValue> = {};
  for (let k = 0; k < keys.length; k++) if (values[k] !== GONE) setKey(out, keys[k]!, values[k] as JsonValue);
  return Object.hasOwn(out, TAG) ? { [TAG]: 'object', v: out } : out;
}

/** The value of an accessor property: its getter called once; undefined for a property with only a setter. */
function readAccessor(holder: object, descriptor: PropertyDescriptor): unknown {
  try {
    return descriptor.get?.call(holder);
  } catch (error) {
    throw new Rejection(GETTER_THREW, error);
  }
}

/** What an object of a `Val` is, by exact prototype: subclasses are not values. */
export type ObjectKind = 'array' | 'record' | 'Map' | 'Set' | 'Date' | 'Uint8Array';

/**
 * The kind of `value`, or the rejection for what is not one: a proxy (its traps could answer each read
 * differently; `util.types.isProxy` runs none of them), an array past {@link MAX_ARRAY_LENGTH} (checked
 * before it is walked), an instance of any other class, subclasses included.
 */
export function kindOf(value: object): ObjectKind {
  if (isProxy(value)) throw new Rejection('a proxy');
  const proto = Object.getPrototypeOf(value);
  if (Array.isArray(value)) {
    if (proto !== Array.prototype) throw new Rejection(instanceReason(value));
    if (value.length > MAX_ARRAY_LENGTH) throw new Rejection(TOO_LONG_REASON);
    if (arrayHasNamedKeys(value)) throw extraProperties('an Array');
    return 'array';
  }
  if (proto === Object.prototype || proto === null) return 'record';
  if (proto === Map.prototype) return unadorned('Map', value);
  if (proto === Set.prototype) return unadorned('Set', value);
  if (proto === Date.prototype) return unadorned('Date', value);
  // A Buffer is stored as its bytes (documented); other subclasses of Uint8Array are not values.
  if (proto === Uint8Array.prototype || proto === Buffer.prototype) {
    if (bytesHaveNamedKeys(value as Uint8Array)) throw extraProperties('a Uint8Array');
    return 'Uint8Array';
  }
  throw new Rejection(instanceReason(value));
}

/*
 * Own enumerable properties besides the contents of an Array, Date, Map, Set or Uint8Array would be
 * dropped by a save: such a value is refused, as a subclass is. Symbol keys are not part of a value,
 * here as on plain objects. Listing an array's or a byte array's keys costs one string per element, so
 * large ones are first compared with a bare twin by Node's inspect and deep equality, which skip indices.
 */

/** `kind` when `value` (a Map, Set or Date: no indices) has no own enumerable string key. */
function unadorned<K extends ObjectKind>(kind: K, value: object): K {
  if (Object.keys(value).length > 0) throw extraProperties(`a ${kind}`);
  return kind;
}

/** Arrays up to this length have their keys listed directly: cheaper than the comparison. */
const SMALL_ARRAY = 64;
const NAMED_ONLY = { maxArrayLength: 0, depth: 0, customInspect: false, getters: false, breakLength: 80 };

/** True when array `items` has an own enumerable string key that is not an index. */
export function arrayHasNamedKeys(items: readonly unknown[]): boolean {
  if (items.length > SMALL_ARRAY) {
    const twin: unknown[] = [];
    twin.length = items.length;
    if (inspect(items, NAMED_ONLY) === inspect(twin, NAMED_ONLY)) return false;
  }
  return hasNamedKey(items, items.length);
}

function bytesHaveNamedKeys(bytes: Uint8Array): boolean {
  const twin =
    bytes instanceof Buffer
      ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return !isDeepStrictEqual(bytes, twin) && hasNamedKey(bytes, bytes.length);
}

/** True when `indexed` has an own enumerable string key that is not an index below `length`. */
function hasNamedKey(indexed: object, length: number): boolean {
  // Own keys list indices first, in order: a named key, if any, is the last. `length` keys whose last is
  // the last index are exactly the indices (the common case, told without parsing a number).
  const keys = Object.keys(indexed);
  const last = keys.at(-1);
  if (last === undefined || (keys.length === length && last === String(length - 1))) return false;
  const index = Number(last);
  return !(Number.isInteger(index) && index < length && String(index) === last);
}

/** The rejection for an Array, Date, Map, Set or Uint8Array with properties besides its contents. */
export function extraProperties(what: string): Rejection {
  return new Rejection(`${what} with own properties besides its contents`);
}

/**
 * Why a value cannot be encoded or decoded. Path segments are collected innermost first while the
 * walk unwinds, so a successful walk never pays for building paths.
 */
export class Rejection extends Error {
  readonly segments: string[] = [];
  /** How many segments, from the outermost, the path keeps; a cycle found late names its first repeat. */
  keep = Number.POSITIVE_INFINITY;

  constructor(
    readonly reason: string,
    cause?: unknown,
  ) {
    super(reason, cause === undefined ? undefined : { cause });
  }

  /** The JSON-style path of the offending part, from `$` (the whole value). */
  get path(): string {
    return `$${this.segments.toReversed().slice(0, this.keep).join('')}`;
  }
}

/**
 * `error` as a {@link Rejection} when it is one or a `RangeError` (the engine's stack or string limit),
 * else `null`: other errors, such as one thrown by a getter, pass through untouched.
 */
export function asRejection(error: unknown): Rejection | null {
  if (error instanceof Rejection) return error;
  // Buffer's "string too long" is a plain Error with a code, not a RangeError.
  const engineLimit =
    error instanceof RangeError || (error as { code?: unknown } | null)?.code === 'ERR_STRING_TOO_LONG';
  return engineLimit ? new Rejection(ENGINE_LIMIT) : null;
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

/**
 * A checked entry into a container at `level` (the root is 0): throws the rejection for a cycle or for
 * nesting past {@link MAX_DEPTH}. Pair it with {@link leaveContainer}.
 */
export function enterContainer(walk: Walk, value: object, level: number): void {
  if (level < FAST_DEPTH) {
    walk.path[level] = value;
    return;
  }
  // Built once per container at the last untracked level, shared by all of its children.
  if (walk.ancestors === null) walk.ancestors = ancestorsOf(walk.path);
  const ancestors = walk.ancestors;
  if (ancestors.has(value)) throw new Rejection('a cycle');
  if (level >= MAX_DEPTH) throw new Rejection(TOO_DEEP);
  ancestors.add(value);
}

/** Ends what {@link enterContainer} began. */
export function leaveContainer(walk: Walk, value: object, level: number): void {
  if (level >= FAST_DEPTH) walk.ancestors?.delete(value);
  else if (level === FAST_DEPTH - 1) walk.ancestors = null;
}

/** The containers on the untracked part of the path, which must all differ: a repeat is a cycle. */
function ancestorsOf(path: readonly object[]): Set<object> {
  const ancestors = new Set<object>();
  for (let level = 0; level < FAST_DEPTH; level++) {
    const container = path[level] as object;
    if (ancestors.has(container)) {
      // Where a tracked walk would have stopped: at the first container met again.
      const rejection = new Rejection('a cycle');
      rejection.keep = level;
      throw rejection;
    }
    ancestors.add(container);
  }
  return ancestors;
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

/**
 * The `InvalidArgumentError` for a rejection (or engine limit) met while encoding, or `error` itself when
 * it is neither. Public entry points wrap their whole body with this, fast paths included.
 */
export function unstorable(error: unknown): unknown {
  const rejection = asRejection(error);
  if (rejection === null) return error;
  const { path, reason } = rejection;
  return new InvalidArgumentError(`not a storable value: ${reason} at ${shortPath(path)}`, {
    cause: rejection === error ? rejection.cause : error,
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

/** The careful walk: the JSON form of `value` at `level`, each getter called once. */
export function toJson(value: unknown, walk: Walk, level: number): JsonValue {
  return typeof value === 'object' && value !== null
    ? objectLikeToJson(value, walk, level)
    : leafToJson(value);
}

/** The JSON form of anything but a non-null object. */
export function leafToJson(value: unknown): JsonValue {
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

function objectLikeToJson(obj: object, walk: Walk, level: number): JsonValue {
  const kind = kindOf(obj);
  if (kind === 'Date') return { [TAG]: 'Date', v: dateToJson(obj as Date) };
  if (kind === 'Uint8Array') return { [TAG]: 'Uint8Array', v: bytesToBase64(obj as Uint8Array) };
  enterContainer(walk, obj, level);
  let json: JsonValue;
  if (kind === 'array') json = arrayToJson(obj as unknown[], walk, level + 1);
  else if (kind === 'Map') json = mapToJson(obj as Map<unknown, unknown>, walk, level + 1, toJson);
  else if (kind === 'Set') json = setToJson(obj as Set<unknown>, walk, level + 1, toJson);
  else json = recordToJson(obj, walk, level + 1);
  leaveContainer(walk, obj, level);
  return json;
}

// Holes read as undefined, so a sparse array comes back dense, with undefined where the holes were. Each
// element is read through its descriptor, and every element read is kept: a getter met later may have
// changed the elements before it.
function arrayToJson(items: readonly unknown[], walk: Walk, level: number): JsonValue[] {
  countParts(walk, items.length);
  const out: JsonValue[] = [];
  let i = 0;
  try {
    for (; i < items.length; i++) {
      const descriptor = ownDescriptor(items, i);
      let item: unknown;
      if (descriptor === undefined) {
        countHole(walk, items, i);
        item = undefined;
      } else if ('value' in descriptor) {
        item = descriptor.value;
      } else {
        item = readAccessor(items, descriptor);
      }
      out.push(
        typeof item === 'object' && item !== null ? objectLikeToJson(item, walk, level) : leafToJson(item),
      );
    }
  } catch (error) {
    throw withSegment(error, `[${i}]`);
  }
  return out;
}

/** How a walk turns a part (a Map key or value, a Set element) into JSON: careful, or only looking. */
export type PartToJson = (value: unknown, walk: Walk, level: number) => JsonValue;

export function mapToJson(
  map: Map<unknown, unknown>,
  walk: Walk,
  level: number,
  toJson: PartToJson,
): JsonValue {
  countParts(walk, map.size * 2);
  const entries: JsonValue[] = [];
  let part: 'key' | 'value' = 'key';
  try {
    for (const [key, item] of map) {
      part = 'key';
      const keyJson = toJson(key, walk, level);
      part = 'value';
      entries.push([keyJson, toJson(item, walk, level)]);
    }
  } catch (error) {
    throw withSegment(error, memberSegment(part, entries.length));
  }
  return { [TAG]: 'Map', v: entries };
}

export function setToJson(set: Set<unknown>, walk: Walk, level: number, toJson: PartToJson): JsonValue {
  countParts(walk, set.size);
  const elements: JsonValue[] = [];
  try {
    for (const element of set) elements.push(toJson(element, walk, level));
  } catch (error) {
    throw withSegment(error, memberSegment('element', elements.length));
  }
  return { [TAG]: 'Set', v: elements };
}
