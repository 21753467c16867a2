import { dirname, resolve } from 'node:path';
import {
  AlreadyExistsError,
  CorruptDataError,
  encode,
  InvalidArgumentError,
  isValidName,
  NAME_RULE,
  NotFoundError,
} from '@omega/core';
import { asStorageFailure, io, readFramedFile, writeFramedFile } from '@omega/core/fs';
import type { MachineSnapshot } from './index.js';
import { DOCUMENTS, decodeSnapshot, KIND, type StoredSnapshot, storedForm } from './rules.js';

/** Format tag and version of export files; the same from every backend. */
export const EXPORT_FORMAT = { format: 'omega.snapshot-export', formatVersion: 1 } as const;

/** A verified export file: the embedded name, the snapshot, and its re-encoded stored form. */
export interface ImportedFile extends StoredSnapshot {
  name: string;
  snapshot: MachineSnapshot;
  file: string;
}

function exportPath(path: unknown, name: string | null): string {
  if (typeof path !== 'string' || path.length === 0) {
    throw new InvalidArgumentError('a snapshot export path must be a non-empty string', {
      details: { kind: KIND, name, file: path },
    });
  }
  return resolve(path);
}

/** Writes `stored` as an export file at `path` (atomic; missing parent directories are created 0700). */
export async function writeExportFile(
  path: unknown,
  name: string,
  stored: StoredSnapshot,
  options: { durable?: boolean } = {},
): Promise<void> {
  const file = exportPath(path, name);
  try {
    await io.mkdir(dirname(file), { recursive: true, mode: 0o700 });
    await writeFramedFile(file, { ...EXPORT_FORMAT, name }, stored.header, stored.body, options);
  } catch (error) {
    throw asStorageFailure(error, { kind: KIND, operation: 'export', name, file });
  }
}

/**
 * Reads and verifies an export file. A missing file is a `NotFoundError` (details { file }); a wrong format,
 * an embedded name that breaks the name rule, a bad body or a digest mismatch is a `CorruptDataError`.
 */
export async function readExportFile(path: unknown): Promise<ImportedFile> {
  const file = exportPath(path, null);
  // The path is the caller's choice, outside any store: a symlink there is theirs to follow.
  const doc = await readFramedFile(file, EXPORT_FORMAT, DOCUMENTS.header, { followSymlinks: true }).catch(
    (error: unknown) => {
      throw asStorageFailure(error, { kind: KIND, operation: 'import', file });
    },
  );
  if (doc === null) {
    throw new NotFoundError(`snapshot export file ${file} does not exist`, { details: { kind: KIND, file } });
  }
  // The embedded name becomes a store key (a file name on disk): a file cannot choose where it lands.
  if (!isValidName(doc.name)) {
    throw new CorruptDataError(
      `snapshot export file ${file} names an invalid snapshot: names must be ${NAME_RULE}`,
      {
        details: { kind: KIND, name: doc.name, file, path: '$.name', reason: 'invalid name' },
      },
    );
  }
  const snapshot = decodeSnapshot(
    { name: doc.name, header: doc.header, body: doc.body, file, source: 'export file' },
    false,
  );
  // Re-encoded, so what is stored is this package's own text (and size), whatever spacing the file had.
  return { name: doc.name, snapshot, ...storedForm(snapshot, encode(snapshot), doc.header.digest), file };
}

/** The error of an import over a snapshot of the same name with a different digest. */
export function importConflict(name: string, file: string): AlreadyExistsError {
  return new AlreadyExistsError(
    `snapshot "${name}" exists with a different digest; import ${file} with { overwrite: true } to replace it`,
    { details: { kind: KIND, name, file } },
  );
}

/**
 * The error of an export whose target lies inside the store's root: a file there could sit among the
 * documents of any family (`<root>/sessions/x.jsonl`) and break its listing.
 */
export function exportInsideStore(name: string, path: string): InvalidArgumentError {
  return new InvalidArgumentError(
    `cannot export snapshot "${name}" to ${path}: the path is inside the store's root`,
    { details: { kind: KIND, name, file: path, reason: "inside the store's root" } },
  );
}
