import { isUtf8 } from 'node:buffer';
import type { z } from 'zod';
import { MAX_DOCUMENT_BODY_BYTES } from '../documents.js';
import { CorruptDataError, InvalidArgumentError } from '../errors.js';
import { issuePath } from '../json.js';
import { keepShape } from './shapes.js';

/**
 * What a framed document is: its format tag (`omega.<kind>`), format version and stored name, and for a
 * document of a store the id of the write that made it (see document-base.ts).
 */
export interface FramedMeta {
  format: string;
  formatVersion: number;
  name: string;
  writeId?: string;
}

/** The format a reader accepts: this tag, at any version from 1 up to `formatVersion`. */
export interface FramedExpect {
  format: string;
  formatVersion: number;
}

/** A framed document's header line, validated. */
export interface FramedHeader<H> {
  /** The name stored in the document. */
  name: string;
  /** The format version the document was written with (at most the reader's). */
  formatVersion: number;
  /** The family fields of the header line, parsed by the reader's schema. */
  header: H;
  /** UTF-8 byte length of the body. */
  bodyBytes: number;
  /** The file it was read from. */
  file: string;
  /** The id of the write that made it; absent in files of earlier versions. */
  writeId?: string;
}

/** A framed document, validated. */
export interface FramedDocument<H> extends FramedHeader<H> {
  /** The body text (serde JSON, as written). */
  body: string;
}

const RESERVED_KEYS = ['format', 'version', 'name', 'writeId', 'bodyBytes'] as const;
/** The shape of a write id: 16 base64url characters (96 random bits). */
export const WRITE_ID = /^[A-Za-z0-9_-]{16}$/;
const NEWLINE = 0x0a;
const NEWLINE_BUFFER = Buffer.from('\n');

/** Largest body a framed document may have, in UTF-8 bytes: see {@link MAX_DOCUMENT_BODY_BYTES}. */
export const MAX_BODY_BYTES = MAX_DOCUMENT_BODY_BYTES;

// Bodies of up to this many UTF-16 units are framed as one string and converted once: the file is then
// one buffer (see writeAll in temp.ts). Larger bodies are converted alone, never concatenated.
const SMALL_BODY_UNITS = 16 * 1024;

/**
 * The bytes of a framed document, as buffers for one writev: the header line, the body and the body's
 * closing newline, in one buffer for a small body. A body over {@link MAX_BODY_BYTES} is an
 * `InvalidArgumentError` carrying `limit`.
 */
export function encodeFrame<H>(file: string, meta: FramedMeta, header: H, body: string): Uint8Array[] {
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new InvalidArgumentError(`header of ${file} must be a plain object`, {
      details: { file, path: '$', reason: 'not an object' },
    });
  }
  for (const key of RESERVED_KEYS) {
    if (Object.hasOwn(header, key)) {
      throw new InvalidArgumentError(`header of ${file} may not set the reserved field "${key}"`, {
        details: { file, path: `$.${key}`, reason: 'reserved field' },
      });
    }
  }
  if (typeof body !== 'string') {
    throw new InvalidArgumentError(`body of ${file} must be a string`, {
      details: { file, path: 'body', reason: 'not a string' },
    });
  }
  // Longer than the limit in UTF-16 units is longer in bytes: refused before any byte is made.
  if (body.length > MAX_BODY_BYTES) throw tooLarge(file, `a body of more than ${MAX_BODY_BYTES} bytes`);
  const small = body.length <= SMALL_BODY_UNITS;
  const bodyBuffer = small ? null : Buffer.from(body, 'utf8');
  const bodyBytes = bodyBuffer === null ? Buffer.byteLength(body, 'utf8') : bodyBuffer.byteLength;
  if (bodyBytes > MAX_BODY_BYTES) throw tooLarge(file, `a body of ${bodyBytes} bytes`);
  let line: string;
  try {
    line = JSON.stringify({
      format: meta.format,
      version: meta.formatVersion,
      name: meta.name,
      writeId: meta.writeId,
      ...header,
      bodyBytes,
    });
  } catch (cause) {
    throw new InvalidArgumentError(`header of ${file} is not JSON-serializable`, {
      cause,
      details: { file, path: '$', reason: 'not JSON-serializable' },
    });
  }
  if (bodyBuffer === null) return [Buffer.from(`${line}\n${body}\n`, 'utf8')];
  return [Buffer.from(`${line}\n`, 'utf8'), bodyBuffer, NEWLINE_BUFFER];
}

function tooLarge(file: string, what: string): InvalidArgumentError {
  const reason = `${what}, more than the limit of ${MAX_BODY_BYTES}`;
  return new InvalidArgumentError(`cannot write ${file}: ${reason}`, {
    details: { file, path: 'body', reason, limit: MAX_BODY_BYTES },
  });
}

/** Index of the newline that ends the header line in `bytes`, or -1. */
export function headerEnd(bytes: Buffer): number {
  return bytes.indexOf(NEWLINE);
}

/** A {@link CorruptDataError} naming the file, the first bad JSON path and why. */
export function corruptFile(file: string, path: string, reason: string): CorruptDataError {
  return new CorruptDataError(`corrupt file ${file}: ${reason} (at ${path})`, {
    details: { file, path, reason },
  });
}

/**
 * Parses and validates the header line `bytes[0, end)` of a file of `fileBytes` bytes: format tag,
 * version, name, body length (which must account for the rest of the file) and the family fields.
 */
export function decodeHeader<H>(
  file: string,
  bytes: Buffer,
  end: number,
  fileBytes: number,
  expect: FramedExpect,
  schema: z.ZodType<H>,
): Omit<FramedHeader<H>, 'file'> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8', 0, end));
  } catch {
    throw corruptFile(file, '$', 'header line is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw corruptFile(file, '$', 'header line is not a JSON object');
  }
  const { format, version, name, writeId, bodyBytes, ...fields } = parsed as Record<string, unknown>;
  keepShape(schema, [parsed, fields]);
  if (format !== expect.format) {
    throw corruptFile(file, '$.format', `format is ${JSON.stringify(format)}, expected "${expect.format}"`);
  }
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
    throw corruptFile(file, '$.version', 'version is not a positive integer');
  }
  if (version > expect.formatVersion) {
    throw corruptFile(
      file,
      '$.version',
      `version ${version} is newer than ${expect.formatVersion}, the newest this reader knows`,
    );
  }
  if (typeof name !== 'string') throw corruptFile(file, '$.name', 'name is not a string');
  if (writeId !== undefined && (typeof writeId !== 'string' || !WRITE_ID.test(writeId))) {
    throw corruptFile(file, '$.writeId', 'writeId is not 16 base64url characters');
  }
  if (typeof bodyBytes !== 'number' || !Number.isSafeInteger(bodyBytes) || bodyBytes < 0) {
    throw corruptFile(file, '$.bodyBytes', 'bodyBytes is not a non-negative integer');
  }
  // Header line, its newline, the body and the body's newline: anything else is truncation or appending.
  const actualBody = fileBytes - end - 2;
  if (actualBody !== bodyBytes) {
    throw corruptFile(
      file,
      '$.bodyBytes',
      `body holds ${Math.max(actualBody, 0)} bytes, header says ${bodyBytes}`,
    );
  }
  const result = schema.safeParse(fields);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw corruptFile(file, issuePath(issue?.path ?? []), `header ${issue?.message ?? 'is invalid'}`);
  }
  const decoded: Omit<FramedHeader<H>, 'file'> = {
    name,
    formatVersion: version,
    header: result.data,
    bodyBytes,
  };
  if (writeId !== undefined) decoded.writeId = writeId as string;
  return decoded;
}

/** The body of a whole framed file whose header line ends at `end`; checks its closing newline and UTF-8. */
export function decodeBody(file: string, bytes: Buffer, end: number): string {
  if (bytes[bytes.length - 1] !== NEWLINE) throw corruptFile(file, 'body', 'missing newline after the body');
  const body = bytes.subarray(end + 1, bytes.length - 1);
  if (!isUtf8(body)) throw corruptFile(file, 'body', 'body is not valid UTF-8');
  return body.toString('utf8');
}
