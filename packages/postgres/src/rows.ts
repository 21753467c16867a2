import type { z } from '@omega/core';
import { CorruptDataError } from '@omega/core';

/** Where a row was read from, for errors: its table and key. */
export interface RowPlace {
  /** `documents`, `log_entries`, `blobs`. */
  table: string;
  folder: string;
  /** The document, log or blob the row belongs to. */
  name: string;
  /** The entry's position, for a log row. */
  position?: number;
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

function describe(place: RowPlace): string {
  const at = place.position === undefined ? '' : ` position ${place.position}`;
  return `${place.table} row ${place.folder}/${place.name}${at}`;
}

/** The `CorruptDataError` of a row whose `path` is not what was written. */
export function corruptRow(place: RowPlace, path: string, reason: string): CorruptDataError {
  return new CorruptDataError(`${describe(place)} is corrupt at ${path}: ${reason}`, {
    details: { ...place, path },
  });
}

/** A header or body as stored: the UTF-8 bytes of its text (`bytea`, which keeps U+0000 and every byte). */
export function textBytes(text: string): Buffer {
  return Buffer.from(text, 'utf8');
}

/** The text of stored bytes; bytes that are not UTF-8 are a `CorruptDataError` at `path`. */
export function bytesText(place: RowPlace, path: string, bytes: Buffer): string {
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    throw corruptRow(place, path, 'not UTF-8');
  }
}

/**
 * A stored header, checked: its format version between 1 and the reader's, its bytes JSON that the
 * spec's schema accepts. Anything else is a `CorruptDataError` naming the row and the first bad path.
 */
export function decodeHeader<H>(
  place: RowPlace,
  schema: z.ZodType<H>,
  newest: number,
  formatVersion: number,
  bytes: Buffer,
): H {
  if (!Number.isSafeInteger(formatVersion) || formatVersion < 1 || formatVersion > newest) {
    throw corruptRow(
      place,
      'format_version',
      `version ${formatVersion} is not between 1 and ${newest}, the newest this reader knows`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(bytesText(place, 'header', bytes));
  } catch (error) {
    if (error instanceof CorruptDataError) throw error;
    throw corruptRow(place, 'header', 'not JSON');
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = ['header', ...(issue?.path ?? [])].join('.');
  throw corruptRow(place, path, issue?.message ?? 'does not match the schema');
}
