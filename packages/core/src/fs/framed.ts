import type { z } from 'zod';
import { CorruptDataError, InvalidArgumentError } from '../errors.js';
import type { WriteOptions } from './atomic.js';
import { writeFileAtomic, writeFileAtomicSync } from './atomic.js';
import {
  corruptFile,
  decodeBody,
  decodeHeader,
  encodeFrame,
  type FramedDocument,
  type FramedExpect,
  type FramedHeader,
  type FramedMeta,
  headerEnd,
  MAX_BODY_BYTES,
} from './frame.js';

export {
  type FramedDocument,
  type FramedExpect,
  type FramedHeader,
  type FramedMeta,
  MAX_BODY_BYTES,
} from './frame.js';

import { SYNC_IO_BYTES } from './io.js';
import { ReadableFile } from './read.js';

/** Bytes read first for a header line: headers are a few hundred bytes, so one small read almost always holds it. */
export const HEADER_READ_BYTES = 4096;
const MAX_HEADER_BYTES = 1 << 20;

/**
 * Writes a framed document atomically (see {@link writeFileAtomic}). The file is two lines: a JSON
 * header `{"format", "version", "name", ...header, "bodyBytes"}` and the body. `header` holds the
 * family's fields and may not set the four reserved ones (an `InvalidArgumentError`, as is a body over
 * {@link MAX_BODY_BYTES}, with `limit` in its details).
 */
export async function writeFramedFile<H>(
  file: string,
  meta: FramedMeta,
  header: H,
  body: string,
  options?: WriteOptions,
): Promise<void> {
  await writeFileAtomic(file, encodeFrame(file, meta, header, body), options);
}

/** {@link writeFramedFile}, synchronously (see {@link writeFileAtomicSync}). */
export function writeFramedFileSync<H>(
  file: string,
  meta: FramedMeta,
  header: H,
  body: string,
  options?: WriteOptions,
): void {
  writeFileAtomicSync(file, encodeFrame(file, meta, header, body), options);
}

/** Options of {@link readFramedFile}. */
export interface ReadFramedOptions {
  /**
   * Follow a symlink at `file` (default false: a store never follows links inside its root). Set it for
   * paths a caller chose, such as an export file to import.
   */
  followSymlinks?: boolean;
  /**
   * Largest body accepted, in bytes (default and at most {@link MAX_BODY_BYTES}). A larger `bodyBytes` in
   * the header is refused before the body is read.
   */
  maxBodyBytes?: number;
}

/**
 * Reads and validates a whole framed document; null when `file` does not exist. The header line is read
 * and checked first, alone, and the body is read only when it is no larger than `maxBodyBytes`. A symlink
 * (unless followed), a wrong format tag, a newer version, a header failing `header`, a body whose length
 * differs from `bodyBytes` or exceeds the limit (details then include `limit`), a missing newline or a body
 * that is not UTF-8 is a `CorruptDataError` with details `{ file, path, reason }`.
 */
export async function readFramedFile<H>(
  file: string,
  expect: FramedExpect,
  header: z.ZodType<H>,
  options: ReadFramedOptions = {},
): Promise<FramedDocument<H> | null> {
  const read = readFrame(file, expect, header, options, false);
  return read instanceof LargeBody ? read.finish() : read;
}

/** {@link readFramedFile}, synchronously, whatever the size of the body. */
export function readFramedFileSync<H>(
  file: string,
  expect: FramedExpect,
  header: z.ZodType<H>,
  options: ReadFramedOptions = {},
): FramedDocument<H> | null {
  return readFrame(file, expect, header, options, true) as FramedDocument<H> | null;
}

/**
 * Reads a framed document as {@link readFramedFile} says, synchronously, except a body too large to read
 * without blocking (over {@link SYNC_IO_BYTES}) when not `wholeSync`: that is left, file open, to the
 * returned {@link LargeBody}.
 */
function readFrame<H>(
  file: string,
  expect: FramedExpect,
  header: z.ZodType<H>,
  options: ReadFramedOptions,
  wholeSync: boolean,
): FramedDocument<H> | LargeBody<H> | null {
  const limit = options.maxBodyBytes ?? MAX_BODY_BYTES;
  if (!Number.isSafeInteger(limit) || limit < 0 || limit > MAX_BODY_BYTES) {
    throw new InvalidArgumentError(`maxBodyBytes must be an integer from 0 to ${MAX_BODY_BYTES}`, {
      details: { file, path: 'maxBodyBytes', reason: 'out of range', limit: MAX_BODY_BYTES },
    });
  }
  const handle = ReadableFile.open(file, options.followSymlinks === true);
  if (handle === null) return null;
  const size = handle.size;
  let bytes: Buffer;
  let end: number;
  let decoded: Omit<FramedHeader<H>, 'file'>;
  try {
    // A small file was read whole when opened (one read is most of the cost); its header is still
    // checked first.
    ({ bytes, end } = readHeaderLine(handle));
    if (end < 0) throw corruptFile(file, '$', 'missing newline after the header line');
    decoded = decodeHeader(file, bytes, end, size, expect, header);
    if (decoded.bodyBytes > limit) {
      const reason = `body of ${decoded.bodyBytes} bytes is larger than the limit of ${limit} bytes`;
      throw new CorruptDataError(`corrupt file ${file}: ${reason} (at $.bodyBytes)`, {
        details: { file, path: '$.bodyBytes', reason, limit },
      });
    }
    if (bytes.length < size) {
      // Handed over open: the large body's reader closes it.
      if (!wholeSync && size > SYNC_IO_BYTES) return new LargeBody(handle, end, decoded);
      // A view of the reader's shared buffer, decoded below before any other open reuses it.
      bytes = handle.readPrefixSync(size);
    }
  } catch (error) {
    handle.close();
    throw error;
  }
  handle.close();
  return framedDocument(file, decoded, decodeBody(file, bytes, end));
}

/** The rest of a framed read whose body is read through the thread pool: the file is open, its header valid. */
class LargeBody<H> {
  constructor(
    private readonly handle: ReadableFile,
    private readonly end: number,
    private readonly decoded: Omit<FramedHeader<H>, 'file'>,
  ) {}

  /** Reads the body, closes the file, and returns the document. */
  async finish(): Promise<FramedDocument<H>> {
    const { handle } = this;
    let bytes: Buffer;
    try {
      bytes = await handle.readPrefix(handle.size);
    } finally {
      handle.close();
    }
    return framedDocument(handle.file, this.decoded, decodeBody(handle.file, bytes, this.end));
  }
}

function framedDocument<H>(
  file: string,
  decoded: Omit<FramedHeader<H>, 'file'>,
  body: string,
): FramedDocument<H> {
  // Field by field: an object spread costs about a microsecond, as much as a small read.
  const { name, formatVersion, header, bodyBytes } = decoded;
  return { name, formatVersion, header, bodyBytes, body, file };
}
/**
 * The first {@link HEADER_READ_BYTES} of the file, and more up to {@link MAX_HEADER_BYTES} when no newline
 * was found; synchronously, as the read is bounded (and usually already done when the file was opened).
 */
function readHeaderLine(handle: ReadableFile): { bytes: Buffer; end: number } {
  let bytes = handle.readPrefixSync(Math.min(handle.size, HEADER_READ_BYTES));
  let end = headerEnd(bytes);
  if (end < 0 && bytes.length < handle.size && bytes.length < MAX_HEADER_BYTES) {
    bytes = handle.readPrefixSync(Math.min(handle.size, MAX_HEADER_BYTES));
    end = headerEnd(bytes);
  }
  return { bytes, end };
}

/**
 * Reads and validates only the header line of a framed document (the file size must still match
 * `bodyBytes`); null when `file` does not exist. Errors as {@link readFramedFile}.
 */
export async function readFramedHeader<H>(
  file: string,
  expect: FramedExpect,
  header: z.ZodType<H>,
): Promise<FramedHeader<H> | null> {
  return readFramedHeaderSync(file, expect, header);
}

/**
 * {@link readFramedHeader}, synchronously: the read is bounded by the header line's limit (1 MiB), and a
 * listing reads thousands of headers, where each await would cost more than the read.
 */
export function readFramedHeaderSync<H>(
  file: string,
  expect: FramedExpect,
  header: z.ZodType<H>,
): FramedHeader<H> | null {
  const handle = ReadableFile.open(file, false, HEADER_READ_BYTES);
  if (handle === null) return null;
  try {
    return headerOf(handle, expect, header);
  } finally {
    handle.close();
  }
}

/**
 * The validated header line of the framed document open as `handle` (left open); with `withWriteId`, also
 * the id of the write that made it (for a writer: see document-base.ts).
 */
export function headerOf<H>(
  handle: ReadableFile,
  expect: FramedExpect,
  header: z.ZodType<H>,
  withWriteId = false,
): FramedHeader<H> {
  const { file, size } = handle;
  const { bytes, end } = readHeaderLine(handle);
  if (end < 0) throw corruptFile(file, '$', 'missing newline after the header line');
  const decoded = decodeHeader(file, bytes, end, size, expect, header);
  const { name, formatVersion, header: fields, bodyBytes, writeId } = decoded;
  const read: FramedHeader<H> = { name, formatVersion, header: fields, bodyBytes, file };
  if (withWriteId && writeId !== undefined) read.writeId = writeId;
  return read;
}
