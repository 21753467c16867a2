import {
  assertValidName,
  CorruptDataError,
  encode,
  fromJsonValue,
  InvalidArgumentError,
  isOmegaError,
  issuePath,
  sha256Hex,
} from '@omega/core';
import { TRACE_LEVELS, type TraceEvent, type TraceEventInput, TraceEventSchema } from './events.js';

/** What this family's names name (run ids), in every error and name check. */
export const KIND = 'trace';
/** Format tag and version of the first line of every trace file. */
export const FORMAT = 'omega.trace';
export const FORMAT_VERSION = 1;
/** The kind of the event a flush writes for the events a full buffer dropped. */
export const DROPPED_KIND = 'trace.dropped';

const LEVELS: ReadonlySet<string> = new Set(TRACE_LEVELS);
const INPUT_KEYS: ReadonlySet<string> = new Set([
  'runId',
  'kind',
  'step',
  'at',
  'level',
  'name',
  'traceId',
  'spanId',
  'parentSpanId',
  'data',
]);
const MAX_KIND = 256;
const MAX_NAME = 1024;

function invalid(runId: unknown, path: string, message: string, value?: unknown, cause?: unknown) {
  return new InvalidArgumentError(`trace event of run ${JSON.stringify(runId)}: ${message}`, {
    cause,
    details: { kind: KIND, name: runId, path, ...(value === undefined ? {} : { value }) },
  });
}

// Char codes of 0-9 a-f: a loop over them is what the hot path can afford (no regex, no allocation).
function isLowerHex(id: string, digits: number): boolean {
  if (id.length !== digits) return false;
  let nonZero = false;
  for (let i = 0; i < digits; i++) {
    const c = id.charCodeAt(i);
    if (c === 48) continue;
    if (!((c > 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
    nonZero = true;
  }
  return nonZero;
}

function checkId(runId: string, path: string, id: unknown, digits: number): void {
  if (typeof id !== 'string' || !isLowerHex(id, digits)) {
    throw invalid(runId, path, `${path} must be ${digits} lowercase hex digits, not all zero`, id);
  }
}

// What JSON must escape in a string: quotes, backslashes, control characters and lone surrogates (a
// surrogate pair is sent to JSON.stringify too, which keeps it).
function needsEscape(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return true;
  }
  return false;
}

function quoted(text: string): string {
  return needsEscape(text) ? JSON.stringify(text) : `"${text}"`;
}

let lastRun = '';
let lastTraceId = '';

/**
 * The trace id of a run that gives none: the first 32 hex digits of SHA-256 of the run id, so every
 * process tracing a run agrees on it without talking to the others.
 */
export function traceIdOf(runId: string): string {
  if (runId === lastRun) return lastTraceId;
  let id = sha256Hex(runId).slice(0, 32);
  // All zero is invalid in OpenTelemetry; a 2^-128 chance, kept valid all the same.
  if (/^0+$/.test(id)) id = `${id.slice(0, 31)}1`;
  lastRun = runId;
  lastTraceId = id;
  return id;
}

/** Who recorded an event, and when: what the front adds to a caller's input. */
export interface Stamp {
  writer: string;
  seq: number;
  /** The time to use when the input gives none. */
  now: () => number;
}

/** A checked event, encoded as its line of a trace file (with the newline). */
export interface EncodedEvent {
  runId: string;
  line: string;
}

/**
 * Checks a caller's event and encodes it as one JSON line: every field of {@link TraceEventInput} by its
 * rule, ids as OpenTelemetry has them, `data` through serde (so the stored copy shares nothing with the
 * caller's). Throws `InvalidNameError` for the run id, `InvalidArgumentError` naming the field otherwise.
 */
export function encodeEvent(input: TraceEventInput, stamp: Stamp): EncodedEvent {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalid(undefined, '$', `an event must be an object, got ${String(input)}`);
  }
  const { runId, kind, step, level, name, spanId, parentSpanId, data } = input;
  assertValidName(KIND, runId);
  for (const key in input) {
    if (!INPUT_KEYS.has(key)) throw invalid(runId, key, `unknown field ${JSON.stringify(key)}`);
  }
  if (typeof kind !== 'string' || kind.length === 0 || kind.length > MAX_KIND) {
    throw invalid(runId, 'kind', `kind must be a string of 1 to ${MAX_KIND} characters`, kind);
  }
  if (step !== undefined && !(Number.isSafeInteger(step) && step >= 0)) {
    throw invalid(runId, 'step', 'step must be an integer >= 0', step);
  }
  const at = input.at === undefined ? stamp.now() : input.at;
  if (typeof at !== 'number' || !Number.isFinite(at) || at < 0) {
    const path = input.at === undefined ? 'now()' : 'at';
    throw invalid(runId, path, `${path} must be a finite number of milliseconds >= 0`, at);
  }
  if (level !== undefined && !LEVELS.has(level)) {
    throw invalid(runId, 'level', `level must be one of ${TRACE_LEVELS.join(', ')}`, level);
  }
  if (name !== undefined && (typeof name !== 'string' || name.length > MAX_NAME)) {
    throw invalid(runId, 'name', `name must be a string of at most ${MAX_NAME} characters`, name);
  }
  const traceId = input.traceId === undefined ? traceIdOf(runId) : input.traceId;
  if (input.traceId !== undefined) checkId(runId, 'traceId', traceId, 32);
  if (spanId !== undefined) checkId(runId, 'spanId', spanId, 16);
  if (parentSpanId !== undefined) checkId(runId, 'parentSpanId', parentSpanId, 16);
  // Written by hand: the ids are checked to need no escaping, numbers print as JSON prints them, and only
  // free text is escaped, when it must be (a third of JSON.stringify's time). The run, the writer and a
  // trace id derived from the run are where the line is kept (its file, its ring slot), not in it.
  let head = `{"kind":${quoted(kind)}`;
  if (step !== undefined) head += `,"step":${step}`;
  head += `,"at":${at}`;
  if (level !== undefined) head += `,"level":"${level}"`;
  if (name !== undefined) head += `,"name":${quoted(name)}`;
  if (traceId !== traceIdOf(runId)) head += `,"traceId":"${traceId}"`;
  if (spanId !== undefined) head += `,"spanId":"${spanId}"`;
  if (parentSpanId !== undefined) head += `,"parentSpanId":"${parentSpanId}"`;
  head += `,"seq":${stamp.seq}`;
  if (data === undefined) return { runId, line: `${head}}\n` };
  let text: string;
  try {
    text = encode(data);
  } catch (error) {
    if (!isOmegaError(error, 'INVALID_ARGUMENT')) throw error;
    const path = `data${String(error.details.path ?? '$').slice(1)}`;
    throw invalid(runId, path, `${error.message} (in data)`, undefined, error);
  }
  return { runId, line: `${head},"data":${text}}\n` };
}

/** Where a stored line came from, for the errors of {@link decodeLine}. */
export interface LineSource {
  file: string;
  /** Byte offset of the line in the file. */
  offset: number;
}

/** What a line's place says of its event: its run and its writer. */
export interface LinePlace {
  runId: string;
  writer: string;
}

/**
 * Decodes one stored line (without its newline) of run and writer `place`, the trace id defaulting to
 * the run's. Lines this process encoded (`source` undefined) are trusted; lines read from a file are
 * checked against {@link TraceEventSchema}, a bad one being a `CorruptDataError` naming the file, the
 * byte offset and the first bad path.
 */
export function decodeLine(text: string, place: LinePlace, source?: LineSource): TraceEvent {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
    // Tagged values (Maps, bigints, ...) are revived only where the text has a tag.
    if (parsed.data !== undefined && text.includes('"$t"')) parsed.data = fromJsonValue(parsed.data);
  } catch (error) {
    if (source === undefined) throw error;
    throw corrupt(source, '$', error instanceof Error ? error.message : String(error), error);
  }
  if (source !== undefined && (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))) {
    throw corrupt(source, '$', 'a line must hold an object');
  }
  parsed.runId = place.runId;
  parsed.writer = place.writer;
  parsed.traceId ??= traceIdOf(place.runId);
  if (source === undefined) return parsed as unknown as TraceEvent;
  const checked = TraceEventSchema.safeParse(parsed);
  if (checked.success) return checked.data as TraceEvent;
  const issue = checked.error.issues[0];
  throw corrupt(source, issuePath(issue?.path ?? []), issue?.message ?? 'invalid', checked.error);
}

/** The error of a stored trace line that does not hold what it must. */
export function corrupt(source: LineSource, path: string, reason: string, cause?: unknown) {
  return new CorruptDataError(
    `trace file ${source.file} is corrupt at byte ${source.offset}: ${reason} at ${path}`,
    { cause, details: { kind: KIND, file: source.file, offset: source.offset, path, reason } },
  );
}
