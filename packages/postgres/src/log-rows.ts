import {
  CorruptDataError,
  InvalidArgumentError,
  type LogEntry,
  type LogEntryInput,
  type LogSpec,
} from '@omega/core';

/** A row of `log_entries` as the driver returns it (`bigint` as a string). */
export interface EntryRow {
  position: string;
  format_version: number;
  header: Buffer;
  body: Buffer;
  body_json: boolean;
}

/** The columns of an append, one array per column (what `unnest` takes). */
export interface EncodedEntries {
  headers: Buffer[];
  bodies: Buffer[];
  json: boolean[];
}

/**
 * Largest entry and largest append, in bytes: node-postgres sends `bytea` parameters as hex text (twice
 * their size), and the server refuses a message over 1 GiB.
 */
export const MAX_ENTRY_BYTES = 256 * 1024 * 1024;
export const MAX_APPEND_BYTES = 400 * 1024 * 1024;

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

// Node ≥ 20 has it; the repository's TypeScript library (ES2023) does not declare it yet.
const isWellFormed = (text: string): boolean => (text as string & { isWellFormed(): boolean }).isWellFormed();

/**
 * The stored bytes of each entry: its header's JSON and its body's UTF-8; a body UTF-8 cannot hold (a lone
 * surrogate) as its JSON string instead, so every string comes back exactly. An `InvalidArgumentError`
 * naming the entry for a header JSON cannot encode, or an entry or append too large.
 */
export function encodeEntries<H>(
  kind: string,
  log: string,
  entries: readonly LogEntryInput<H>[],
): EncodedEntries {
  const encoded: EncodedEntries = { headers: [], bodies: [], json: [] };
  let total = 0;
  for (let i = 0; i < entries.length; i++) {
    const { header, body } = entries[i]!;
    let headerJson: string | undefined;
    try {
      headerJson = JSON.stringify(header);
    } catch {
      headerJson = undefined;
    }
    if (typeof headerJson !== 'string' || !headerJson.startsWith('{')) {
      throw new InvalidArgumentError(
        `entry ${i} of an append to ${kind} "${log}" needs a JSON object header`,
        {
          details: { kind, name: log, path: `entries[${i}].header` },
        },
      );
    }
    const wellFormed = isWellFormed(body);
    const headerBytes = Buffer.from(headerJson, 'utf8');
    const bodyBytes = Buffer.from(wellFormed ? body : JSON.stringify(body), 'utf8');
    const bytes = headerBytes.length + bodyBytes.length;
    if (bytes > MAX_ENTRY_BYTES) {
      throw new InvalidArgumentError(`entry ${i} of an append to ${kind} "${log}" is too large`, {
        details: { kind, name: log, path: `entries[${i}]`, limit: MAX_ENTRY_BYTES },
      });
    }
    total += bytes;
    if (total > MAX_APPEND_BYTES) {
      throw new InvalidArgumentError(`an append to ${kind} "${log}" is too large`, {
        details: { kind, name: log, option: 'entries', limit: MAX_APPEND_BYTES },
      });
    }
    encoded.headers.push(headerBytes);
    encoded.bodies.push(bodyBytes);
    encoded.json.push(!wellFormed);
  }
  return encoded;
}

/** Where a stored entry sits, for errors. */
export interface EntryPlace {
  schema: string;
  folder: string;
  kind: string;
  log: string;
  position: number;
}

/** A {@link CorruptDataError} naming the schema, folder, log and position of a bad entry, and the first bad path. */
export function corruptEntry(place: EntryPlace, reason: string, path?: string): CorruptDataError {
  const { schema, folder, kind, log, position } = place;
  return new CorruptDataError(
    `corrupt ${kind} "${log}" in PostgreSQL ${schema}.log_entries (folder ${folder}) at position ${position}: ${reason}${path === undefined ? '' : ` (at ${path})`}`,
    {
      details: { schema, folder, kind, name: log, position, ...(path === undefined ? {} : { path }), reason },
    },
  );
}

/**
 * Decodes and validates one stored entry: a format version from 1 to the spec's, a header the spec's
 * schema accepts, a body that is UTF-8 (or the JSON string of one); a `CorruptDataError` otherwise.
 */
export function decodeEntry<H>(spec: LogSpec<H>, row: EntryRow, place: EntryPlace): LogEntry<H> {
  const version = row.format_version;
  if (!Number.isSafeInteger(version) || version < 1) {
    throw corruptEntry(place, `format version ${version} is not a positive integer`, 'format_version');
  }
  if (version > spec.formatVersion) {
    throw corruptEntry(
      place,
      `format version ${version} is newer than ${spec.formatVersion}, the newest this reader knows`,
      'format_version',
    );
  }
  let header: unknown;
  try {
    header = JSON.parse(UTF8.decode(row.header));
  } catch {
    throw corruptEntry(place, 'header is not UTF-8 JSON', 'header');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw corruptEntry(place, 'header is not a JSON object', 'header');
  }
  const parsed = spec.header.safeParse(header);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw corruptEntry(
      place,
      `header ${issue?.message ?? 'is invalid'}`,
      `header${pathOf(issue?.path ?? [])}`,
    );
  }
  return {
    position: place.position,
    formatVersion: version,
    header: parsed.data,
    body: decodeBody(row, place),
  };
}

function decodeBody(row: EntryRow, place: EntryPlace): string {
  let text: string;
  try {
    text = UTF8.decode(row.body);
  } catch {
    throw corruptEntry(place, 'body is not UTF-8', 'body');
  }
  if (!row.body_json) return text;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw corruptEntry(place, 'body is not a JSON string', 'body');
  }
  if (typeof body !== 'string') throw corruptEntry(place, 'body is not a JSON string', 'body');
  return body;
}

/** A zod issue path as `.a[0]["b c"]`. */
function pathOf(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) text += `.${key}`;
    else text += `[${JSON.stringify(String(key))}]`;
  }
  return text;
}
