import { InvalidArgumentError } from '../errors.js';

/*
 * The size bounds of a log entry, shared by every backend so that an append one accepts is never too large
 * for another: each entry is measured as the line the filesystem backend writes for it (log-line.ts). This
 * module uses nothing of the filesystem, so the memory backend applies the same bounds.
 */

/** Largest encoded entry line, in bytes: 256 MiB, well below V8's string limit (about 512 Mi units). */
export const MAX_LINE_BYTES = 256 * 1024 * 1024;
/** Largest append (all its lines), in bytes: one buffer is written, and Node caps buffers at 2 GiB+. */
export const MAX_APPEND_BYTES = 1024 * 1024 * 1024;
/**
 * Bytes of a line besides its encoded entry, at most: `{"p":<16 digits>,"e":<16 digits>`, the group id
 * field, the checksum field and the newline.
 */
export const LINE_OVERHEAD = 96;
// JSON.stringify escapes a UTF-16 unit into at most 6 bytes (`\u001f`, or a lone surrogate's `\udfff`).
const MOST_BYTES_PER_UNIT = 6;

/**
 * The UTF-8 bytes of `JSON.stringify(text)`, counted without building it: `"` and `\` and the short
 * control escapes take 2 bytes, other control characters and lone surrogates 6 (`\u0001`), a surrogate
 * pair 4, other units their UTF-8 length.
 */
export function jsonStringBytes(text: string): number {
  let bytes = 2;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x20) bytes += unit === 8 || unit === 9 || unit === 10 || unit === 12 || unit === 13 ? 2 : 6;
    else if (unit === 0x22 || unit === 0x5c) bytes += 2;
    else if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 6;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) bytes += 6;
    else bytes += 3;
  }
  return bytes;
}

/**
 * The bytes the filesystem counts for the line of an entry whose other fields take `fieldBytes` and whose
 * body is `body`; unless `exact`, an upper bound of it when that is under {@link MAX_LINE_BYTES} (counting
 * a large body costs a pass over it, made only when the bound could be crossed).
 */
export function lineBytes(fieldBytes: number, body: string, exact = false): number {
  const bound = fieldBytes + LINE_OVERHEAD + 2 + body.length * MOST_BYTES_PER_UNIT;
  return bound <= MAX_LINE_BYTES && !exact ? bound : fieldBytes + LINE_OVERHEAD + jsonStringBytes(body);
}

/**
 * Refuses an append whose entries the filesystem would find too large (an `InvalidArgumentError` naming
 * the log, and the entry or the append), measuring each `{ header, body }` as its line: `fieldBytes` are
 * the bytes of the line's other fields and field names, without the header.
 */
export function checkEntryBounds(
  kind: string,
  log: string,
  fieldBytes: number,
  entries: readonly { header: unknown; body: string }[],
): void {
  let total = 0;
  for (let i = 0; i < entries.length; i++) {
    const { header, body } = entries[i]!;
    const bytes = lineBytes(fieldBytes + headerBytes(header), body);
    if (bytes > MAX_LINE_BYTES) {
      throw new InvalidArgumentError(`entry ${i} of an append to ${kind} "${log}" is too large`, {
        details: { kind, name: log, path: `entries[${i}]`, limit: MAX_LINE_BYTES },
      });
    }
    total += bytes;
  }
  if (total <= MAX_APPEND_BYTES) return;
  // Measured exactly, not bounded, before refusing.
  total = 0;
  for (const { header, body } of entries) total += lineBytes(fieldBytes + headerBytes(header), body, true);
  if (total > MAX_APPEND_BYTES) {
    throw new InvalidArgumentError(`an append to ${kind} "${log}" is too large`, {
      details: { kind, name: log, option: 'entries', limit: MAX_APPEND_BYTES },
    });
  }
}

// Bytes of a header's JSON (0 for one JSON cannot encode: the front refuses those).
function headerBytes(header: unknown): number {
  try {
    const json = JSON.stringify(header);
    return typeof json === 'string' ? Buffer.byteLength(json) : 0;
  } catch {
    return 0;
  }
}
