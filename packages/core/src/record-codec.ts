import type { z } from 'zod';
import { CorruptDataError, InvalidArgumentError, isOmegaError } from './errors.js';
import { issuePath, shortPath } from './json.js';
import { cloneVal, decode, encode } from './serde.js';
import type { Val } from './val.js';

export { issuePath } from './json.js';

/** Whose record is being saved or read: named in every error's message and details. */
export interface RecordContext {
  /** The family's kind of record: `session`, `snapshot`, `state`, ... */
  kind: string;
  /** The record's name, when it has one. */
  name?: string;
  /** The file it was read from, when it came from one. */
  file?: string;
  /**
   * What that file is, when it is not one of the store's (an `export file` being imported): a corrupt
   * record is then called a corrupt record of that file, not a stored one.
   */
  source?: string;
}

function subject(context: RecordContext): string {
  return context.name === undefined ? context.kind : `${context.kind} "${context.name}"`;
}

function where(context: RecordContext): Record<string, unknown> {
  const details: Record<string, unknown> = { kind: context.kind };
  if (context.name !== undefined) details.name = context.name;
  if (context.file !== undefined) details.file = context.file;
  return details;
}

function invalid(
  context: RecordContext,
  path: string,
  reason: string,
  cause?: unknown,
): InvalidArgumentError {
  return new InvalidArgumentError(`cannot store ${subject(context)}: ${reason} at ${shortPath(path)}`, {
    cause,
    details: { ...where(context), path, reason },
  });
}

/**
 * Checks `value` against a record schema and returns the parsed record. A bad shape, or a part that is
 * not a storable value, is an `InvalidArgumentError` naming the record and the first bad path.
 */
export function parseRecord<T>(schema: z.ZodType<T>, value: unknown, context: RecordContext): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw invalid(context, issuePath(issue?.path ?? []), issue?.message ?? 'invalid', parsed.error);
}

function rethrowUnstorable(error: unknown, context: RecordContext): never {
  if (!isOmegaError(error, 'INVALID_ARGUMENT')) throw error;
  const { path, reason } = error.details as { path: string; reason: string };
  throw invalid(context, path, reason, error);
}

/**
 * Validates a record and encodes it, walking its values once: `shape` (one of `RecordShapes`) checks the
 * structure, serde checks the values while encoding. Errors as {@link parseRecord}.
 */
export function encodeRecord<T>(
  shape: z.ZodType<T>,
  value: unknown,
  context: RecordContext,
): { record: T; text: string } {
  const record = parseRecord(shape, value, context);
  try {
    return { record, text: encode(record as Val) };
  } catch (error) {
    rethrowUnstorable(error, context);
  }
}

/** A validated deep copy of a record, sharing no object with `value`. Errors as {@link parseRecord}. */
export function cloneRecord<T>(shape: z.ZodType<T>, value: unknown, context: RecordContext): T {
  const record = parseRecord(shape, value, context);
  try {
    return cloneVal(record as Val) as T;
  } catch (error) {
    rethrowUnstorable(error, context);
  }
}

/**
 * Decodes stored text and checks it against a record schema (`RecordShapes` suffice: decode yields only
 * values). Anything wrong is a `CorruptDataError` naming the record, the file and the first bad path.
 */
export function decodeRecord<T>(shape: z.ZodType<T>, text: string, context: RecordContext): T {
  let value: unknown;
  try {
    value = decode(text);
  } catch (error) {
    if (!isOmegaError(error, 'CORRUPT_DATA')) throw error;
    const { path, reason } = error.details as { path: string; reason: string };
    throw corruptRecord(context, path, reason, error);
  }
  const parsed = shape.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw corruptRecord(context, issuePath(issue?.path ?? []), issue?.message ?? 'invalid', parsed.error);
}

/** The error for a stored record that fails validation. */
export function corruptRecord(
  context: RecordContext,
  path: string,
  reason: string,
  cause?: unknown,
): CorruptDataError {
  const file = context.source === undefined ? context.file : `${context.source} ${context.file}`;
  const from = context.file === undefined ? '' : ` in ${file}`;
  const what = context.source === undefined ? `stored ${subject(context)}` : subject(context);
  return new CorruptDataError(`${what}${from} is corrupt: ${reason} at ${shortPath(path)}`, {
    cause,
    details: { ...where(context), path, reason },
  });
}
