import type { LogEntry } from '@omega/core';
import { CorruptDataError } from '@omega/core';
import type { StreamInfo } from './index.js';
import {
  alreadyEnded,
  cancelledError,
  decodeMeta,
  decodeOutcome,
  decodeReason,
  type EntryHeader,
  KIND,
  StreamCancelledError,
} from './rules.js';

/** Where a stream's log ends: what the next entry appended to it needs. */
export interface Tail {
  /** Entries in the log: the position of the next one. */
  size: number;
  /** Bytes of the chunks so far (the next chunk's header adds its own). */
  bytes: number;
}

/** The tail after the log's last entry. */
export function tailOf(last: LogEntry<EntryHeader>): Tail {
  return { size: last.position + 1, bytes: last.header.type === 'create' ? 0 : last.header.bytes };
}

/**
 * Throws what a write to a stream whose last entry is `last` gets when the stream has ended: a
 * `StreamCancelledError` after a cancel (so the writer stops), a `ConflictError` after an end.
 */
export function assertOpen(id: string, last: LogEntry<EntryHeader>, prevalidated: boolean): void {
  if (last.header.type === 'cancel') {
    throw new StreamCancelledError(id, decodeReason(id, last.position, last.body, prevalidated).reason);
  }
  if (last.header.type === 'end') {
    const { error } = decodeOutcome(id, last.position, last.body, prevalidated);
    throw alreadyEnded(id, error === undefined ? 'done' : 'error');
  }
}

/** A stream's info from the first and last entries of its log. */
export function infoOf(
  id: string,
  first: LogEntry<EntryHeader>,
  last: LogEntry<EntryHeader>,
  prevalidated: boolean,
): StreamInfo {
  if (first.header.type !== 'create') {
    throw new CorruptDataError(`stream "${id}" does not start with its create entry`, {
      details: { kind: KIND, name: id, position: 0, type: first.header.type },
    });
  }
  const header = last.header;
  const ended = header.type === 'end' || header.type === 'cancel';
  const info: StreamInfo = {
    id,
    status: 'open',
    chunks: ended ? last.position - 1 : last.position,
    bytes: tailOf(last).bytes,
    createdAt: first.header.at,
    updatedAt: header.at,
    meta: decodeMeta(id, first.body, prevalidated),
  };
  if (header.type === 'cancel') {
    info.status = 'cancelled';
    info.error = cancelledError(decodeReason(id, last.position, last.body, prevalidated).reason);
  } else if (header.type === 'end') {
    const { error } = decodeOutcome(id, last.position, last.body, prevalidated);
    info.status = error === undefined ? 'done' : 'error';
    if (error !== undefined) info.error = error;
  }
  return info;
}
