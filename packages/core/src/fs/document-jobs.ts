import { documentExists, type StoredHeader } from '../documents.js';
import type { Held } from './document-base.js';
import { newWriteId } from './document-base.js';
import type { DocumentFolder } from './document-folder.js';
import type { WriteJob } from './document-write.js';
import { encodeFrame } from './frame.js';

/*
 * The writes of a document folder as jobs for runWrite/runWriteSync (document-write.ts): both faces build
 * the same job and differ only in how they run it. A write's bytes are encoded once, with its write id,
 * and reused when the state it was made over moved and it is committed again.
 */

/**
 * Creates or replaces document `name` at `file` (fenced when `held`); with `onlyNew`, creates it only
 * where there is none (an `AlreadyExistsError` otherwise).
 */
export function writeJob<H>(
  folder: DocumentFolder<H>,
  name: string,
  file: string,
  document: { header: H; body: string },
  held: Held<H> | undefined,
  onlyNew = false,
): WriteJob<H, void> {
  const writeId = newWriteId();
  const install = encodeFrame(file, folder.meta(name, writeId), document.header, document.body);
  return {
    folder,
    name,
    file,
    strict: false,
    held,
    decide(base) {
      if (onlyNew && base.key !== null && base.tombstone === null) {
        throw documentExists(folder.spec.kind, name, file);
      }
      return { install, writeId, result: undefined };
    },
  };
}

/** Removes document `name` at `file` (leaving a tombstone, see document-base.ts): false when there was none. */
export function removeJob<H>(
  folder: DocumentFolder<H>,
  name: string,
  file: string,
  held?: Held<H>,
): WriteJob<H, boolean> {
  return {
    folder,
    name,
    file,
    strict: false,
    held,
    decide(base) {
      if (base.key === null || base.tombstone !== null) return { result: false };
      return { install: null, writeId: newWriteId(), result: true };
    },
  };
}

/** Writes document `name` at `file` with what `next` makes of its current header (read and checked). */
export function updateJob<H>(
  folder: DocumentFolder<H>,
  name: string,
  file: string,
  next: (current: StoredHeader<H> | null) => { header: H; body: string },
): WriteJob<H, void> {
  return {
    folder,
    name,
    file,
    strict: true,
    decide(base) {
      const { header, body } = next(storedHeader(folder.named(base.header, name)));
      const writeId = newWriteId();
      return {
        install: encodeFrame(file, folder.meta(name, writeId), header, body),
        writeId,
        result: undefined,
      };
    },
  };
}

// What `next` is shown: the header as a read returns it, without the write id only writers use.
function storedHeader<H>(read: StoredHeader<H> | null): StoredHeader<H> | null {
  if (read === null) return null;
  const { name, formatVersion, header, bodyBytes, file } = read;
  return { name, formatVersion, header, bodyBytes, file };
}
