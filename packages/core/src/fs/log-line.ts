import { randomFillSync } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { CorruptDataError, InvalidArgumentError } from '../errors.js';
import { issuePath } from '../json.js';
import type { LogEntry, LogEntryInput, LogSpec } from '../log.js';
import { LINE_OVERHEAD, MAX_APPEND_BYTES, MAX_LINE_BYTES } from './log-bounds.js';

/*
 * One entry is one line of JSON:
 *   {"p":<position>,"e":<end>,"g":"<group>","f":<format>,"v":<version>,"h":<header>,"b":<body>,"c":"<crc32>"}
 * <position> is the entry's own position. <end> is the position of the last entry written by the same
 * write (the group): a group counts only once its last line is there, so a write that stopped midway (a
 * crash, a full disk) is torn as a whole and a rejected append never leaves half its entries behind.
 * <group> is 16 hex digits drawn at random for each write: the writer reads its group back by it (below).
 * <crc32> is 8 lowercase hex digits of the CRC-32 of the line's bytes before `,"c":`; it is the last
 * field, at a fixed distance from the newline, so it is checked before anything is parsed. The format
 * tag and version are in every line: the file needs no header line, and a writer of a newer version can
 * append to a file of an older one.
 *
 * Every write is "\n\n" and then its group, so the file is a sequence of blocks (runs of non-empty lines)
 * separated by blank lines, each block one write (a file of earlier versions, without blank lines, is one
 * block holding all its groups, and reads as it always did). Writes are never cut off: what a torn write
 * left stays, and the blank line of the next write ends it. Readers take the blocks in order with P, the
 * entries accepted so far, and split each block into groups:
 * - a complete, valid group starting at P is accepted (P grows by its length);
 * - one starting before P is a late copy of a writer that lost the race for those positions (first one
 *   wins): skipped;
 * - one starting after P means acknowledged entries are missing: a CorruptDataError naming the file and
 *   the offset of the torn write skipped before it, if any (that was damaged data), else of the group;
 * - a damaged line, or an unfinished group, that ends its block is a torn write: skipped (at the end of
 *   the file it is the torn tail, or a write in progress); followed by more lines of its block, it is
 *   damage: a CorruptDataError.
 * Writers append their group at the end they read (the file opened O_APPEND), under the log's lock, and
 * acknowledge it only once they read back their own group id at the position they planned (log-group.ts):
 * a writer that lost the lock while frozen finds another group there, and its bytes are a late copy.
 * Readers of earlier versions refuse a file holding blank lines ("line too short to be an entry"), so
 * they never read such a file wrongly.
 */

export { MAX_APPEND_BYTES, MAX_LINE_BYTES } from './log-bounds.js';

const NEWLINE = 0x0a;
const OPEN = Buffer.from('{"p":', 'latin1');
const END_FIELD = Buffer.from(',"e":', 'latin1');
const GROUP_FIELD = Buffer.from(',"g":"', 'latin1');
const CHECK_FIELD = Buffer.from(',"c":"', 'latin1');
// `,"c":"` + 8 hex digits + `"}`: the bytes between the checked part and the newline.
const SUFFIX_BYTES = CHECK_FIELD.length + 8 + 2;
// A position is a safe integer: at most 16 decimal digits.
const MAX_DIGITS = 16;
/** Hex digits of a group id. */
const GROUP_DIGITS = 16;
// Before a group: a blank line. After a torn line (the file ended without a newline), a byte no valid
// line ends with comes first, so that the newline cannot complete the torn line into a valid one.
const SEPARATOR = Buffer.from('\n\n', 'latin1');
const SEALED_SEPARATOR = Buffer.from('~\n\n', 'latin1');

/** An entry encoded before its position is known: the UTF-8 bytes of everything after `"e":<end>`. */
export interface EncodedEntry {
  bytes: Buffer;
}

/**
 * Encodes the entries of an append, without their positions: an `InvalidArgumentError` naming the log
 * and the entry for a header that is not a plain JSON object valid by the spec's schema (checked as it
 * will be read back), or a line over {@link MAX_LINE_BYTES}.
 */
export function encodeEntries<H>(
  spec: LogSpec<H>,
  log: string,
  entries: readonly LogEntryInput<H>[],
): EncodedEntry[] {
  const encoded: EncodedEntry[] = [];
  const head = `,"f":${JSON.stringify(spec.format)},"v":${spec.formatVersion},"h":`;
  let total = 0;
  for (let i = 0; i < entries.length; i++) {
    const { header, body } = entries[i]!;
    const headerJson = encodeHeader(spec, log, i, header);
    // JSON string escaping keeps every string exactly, newlines and lone surrogates included.
    const bytes = Buffer.from(`${head}${headerJson},"b":${JSON.stringify(body)}`, 'utf8');
    if (bytes.length + LINE_OVERHEAD > MAX_LINE_BYTES) {
      throw new InvalidArgumentError(`entry ${i} of an append to ${spec.kind} "${log}" is too large`, {
        details: { kind: spec.kind, name: log, path: `entries[${i}]`, limit: MAX_LINE_BYTES },
      });
    }
    total += bytes.length + LINE_OVERHEAD;
    encoded.push({ bytes });
  }
  if (total > MAX_APPEND_BYTES) {
    throw new InvalidArgumentError(`an append to ${spec.kind} "${log}" is too large`, {
      details: { kind: spec.kind, name: log, option: 'entries', limit: MAX_APPEND_BYTES },
    });
  }
  return encoded;
}

function encodeHeader<H>(spec: LogSpec<H>, log: string, index: number, header: H): string {
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw badHeader(spec.kind, log, index, 'is not a plain object');
  }
  let json: string;
  try {
    json = JSON.stringify(header);
  } catch (cause) {
    throw badHeader(spec.kind, log, index, 'is not JSON-serializable', '', cause);
  }
  if (typeof json !== 'string' || !json.startsWith('{')) {
    throw badHeader(spec.kind, log, index, 'is not a JSON object');
  }
  // Validated as a reader will see it (after JSON), so an acknowledged entry always reads back.
  const result = spec.header.safeParse(JSON.parse(json));
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issuePath(issue?.path ?? []).slice(1);
    throw badHeader(spec.kind, log, index, `is invalid: ${issue?.message ?? 'schema check failed'}`, path);
  }
  return json;
}

function badHeader(kind: string, log: string, index: number, reason: string, path = '', cause?: unknown) {
  return new InvalidArgumentError(`header of entry ${index} of ${kind} "${log}" ${reason}`, {
    ...(cause === undefined ? {} : { cause }),
    details: { kind, name: log, path: `entries[${index}].header${path}`, reason },
  });
}

const HEX = Buffer.from('0123456789abcdef', 'latin1');
const ID_BYTES = Buffer.alloc(GROUP_DIGITS / 2);

/** A fresh group id: 16 random hex digits (a collision between two writes of one log is 2^-64 likely). */
export function groupId(): string {
  return randomFillSync(ID_BYTES).toString('hex');
}

/**
 * The bytes of one write: the separator (sealed when `sealed`, the file ending in a torn line), then
 * `entries` at positions `first`, `first + 1`, ..., each line carrying the position of the last as the
 * group's end and the group id `id`, in one buffer; the offset of each line in it goes to `offsets`.
 */
export function encodeGroup(
  first: number,
  entries: readonly EncodedEntry[],
  id: string,
  sealed: boolean,
  offsets: number[],
): Buffer {
  const end = first + entries.length - 1;
  const separator = sealed ? SEALED_SEPARATOR : SEPARATOR;
  const heads: string[] = [];
  let total = separator.length;
  for (let i = 0; i < entries.length; i++) {
    const head = `{"p":${first + i},"e":${end},"g":"${id}"`;
    heads.push(head);
    total += head.length + entries[i]!.bytes.length + SUFFIX_BYTES + 1;
  }
  const bytes = Buffer.allocUnsafe(total);
  let offset = separator.copy(bytes, 0);
  for (let i = 0; i < entries.length; i++) {
    const start = offset;
    offsets.push(start);
    offset += bytes.write(heads[i]!, offset, 'latin1');
    offset += entries[i]!.bytes.copy(bytes, offset);
    const sum = crc32(bytes.subarray(start, offset));
    offset += CHECK_FIELD.copy(bytes, offset);
    for (let shift = 28; shift >= 0; shift -= 4) bytes[offset++] = HEX[(sum >>> shift) & 0xf]!;
    bytes[offset++] = 0x22;
    bytes[offset++] = 0x7d;
    bytes[offset++] = NEWLINE;
  }
  return bytes;
}

/** Where a line sits in its file, for errors. */
export interface LinePlace {
  file: string;
  /** Byte offset of the line's first byte. */
  offset: number;
  /** The position the line must hold. */
  position: number;
}

/** A {@link CorruptDataError} naming the file, the byte offset of the bad line and why. */
export function corruptLine(place: LinePlace, reason: string, path?: string): CorruptDataError {
  const { file, offset, position } = place;
  return new CorruptDataError(
    `corrupt log ${file} at byte ${offset} (entry ${position}): ${reason}${path === undefined ? '' : ` (at ${path})`}`,
    { details: { file, offset, position, ...(path === undefined ? {} : { path }), reason } },
  );
}

/** What a line says of its place: its position, its group's end, and its group id ('' in lines of earlier versions). */
export interface LineFields {
  position: number;
  end: number;
  id: string;
}

/**
 * Checks the line `bytes[start, newline)` (without its newline): its length, its checksum, then the
 * fields that place it. Returns them; a `CorruptDataError` at `place` otherwise.
 */
export function checkLine(bytes: Buffer, start: number, newline: number, place: LinePlace): LineFields {
  const length = newline - start;
  if (length > MAX_LINE_BYTES) throw corruptLine(place, `a line of ${length} bytes, over the limit`);
  if (length < OPEN.length + SUFFIX_BYTES + 8) throw corruptLine(place, 'line too short to be an entry');
  const suffix = newline - SUFFIX_BYTES;
  if (
    bytes.compare(CHECK_FIELD, 0, CHECK_FIELD.length, suffix, suffix + CHECK_FIELD.length) !== 0 ||
    bytes[newline - 2] !== 0x22 ||
    bytes[newline - 1] !== 0x7d
  ) {
    throw corruptLine(place, 'line does not end with its checksum');
  }
  const stored = parseHex(bytes, suffix + CHECK_FIELD.length);
  if (stored < 0 || crc32(bytes.subarray(start, suffix)) !== stored) {
    throw corruptLine(place, 'checksum mismatch');
  }
  if (bytes.compare(OPEN, 0, OPEN.length, start, start + OPEN.length) !== 0) {
    throw corruptLine(place, 'line does not start with its position');
  }
  const position = parseDigits(bytes, start + OPEN.length, suffix);
  if (position === null) throw corruptLine(place, 'position is not a number');
  let at = position.next;
  if (bytes.compare(END_FIELD, 0, END_FIELD.length, at, at + END_FIELD.length) !== 0) {
    throw corruptLine(place, 'line has no group end');
  }
  const end = parseDigits(bytes, at + END_FIELD.length, suffix);
  if (end === null || bytes[end.next] !== 0x2c) throw corruptLine(place, 'group end is not a number');
  if (end.value < position.value) throw corruptLine(place, `group end ${end.value} before its position`);
  at = end.next;
  let id = '';
  if (bytes.compare(GROUP_FIELD, 0, GROUP_FIELD.length, at, at + GROUP_FIELD.length) === 0) {
    const from = at + GROUP_FIELD.length;
    if (parseHex(bytes, from, GROUP_DIGITS) < 0 || bytes[from + GROUP_DIGITS] !== 0x22) {
      throw corruptLine(place, 'group id is not 16 hex digits');
    }
    id = bytes.toString('latin1', from, from + GROUP_DIGITS);
  }
  return { position: position.value, end: end.value, id };
}

// The value of `digits` lowercase hex digits at `at` (those of a group id only checked: 0 or -1).
function parseHex(bytes: Buffer, at: number, digits = 8): number {
  let value = 0;
  for (let i = at; i < at + digits; i++) {
    const c = bytes[i]!;
    const digit = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1;
    if (digit < 0) return -1;
    value = digits === 8 ? value * 16 + digit : 0;
  }
  return value;
}

function parseDigits(bytes: Buffer, at: number, limit: number): { value: number; next: number } | null {
  let value = 0;
  let i = at;
  while (i < limit && i - at <= MAX_DIGITS && bytes[i]! >= 0x30 && bytes[i]! <= 0x39) {
    value = value * 10 + (bytes[i]! - 0x30);
    i++;
  }
  // No digits, too many, or a leading zero: not a number this writer writes.
  if (i === at || i - at > MAX_DIGITS || (bytes[at] === 0x30 && i - at > 1)) return null;
  return Number.isSafeInteger(value) ? { value, next: i } : null;
}

/**
 * Decodes a line {@link checkLine} accepted: the format tag, version (1 to the spec's), header (by the
 * spec's schema) and body; a `CorruptDataError` naming the file and offset otherwise.
 */
export function decodeLine<H>(
  spec: LogSpec<H>,
  bytes: Buffer,
  start: number,
  newline: number,
  place: LinePlace,
): LogEntry<H> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8', start, newline));
  } catch {
    throw corruptLine(place, 'line is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw corruptLine(place, 'line is not a JSON object');
  }
  const { f: format, v: version, h: header, b: body } = parsed as Record<string, unknown>;
  if (format !== spec.format) {
    throw corruptLine(place, `format is ${JSON.stringify(format)}, expected "${spec.format}"`, '$.f');
  }
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
    throw corruptLine(place, 'version is not a positive integer', '$.v');
  }
  if (version > spec.formatVersion) {
    throw corruptLine(
      place,
      `version ${version} is newer than ${spec.formatVersion}, the newest this reader knows`,
      '$.v',
    );
  }
  if (typeof body !== 'string') throw corruptLine(place, 'body is not a string', '$.b');
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw corruptLine(place, 'header is not a JSON object', '$.h');
  }
  const result = spec.header.safeParse(header);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = `$.h${issuePath(issue?.path ?? []).slice(1)}`;
    throw corruptLine(place, `header ${issue?.message ?? 'is invalid'}`, path);
  }
  return { position: place.position, formatVersion: version, header: result.data, body };
}

/** Index of the next newline in `bytes` from `from` (before `to`), or -1. */
export function nextNewline(bytes: Buffer, from: number, to: number): number {
  const found = bytes.indexOf(NEWLINE, from);
  return found >= 0 && found < to ? found : -1;
}
