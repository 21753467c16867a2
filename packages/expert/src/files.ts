import { constants } from 'node:fs';
import { join } from 'node:path';
import { AlreadyExistsError, CorruptDataError, NotFoundError } from '@omega/core';
import { asStorageFailure, io } from '@omega/core/fs';
import { expertOfFile } from './front-matter.js';
import type { Expert } from './index.js';
import { KIND } from './rules.js';

/** An expert and the file it came from. */
export interface ExpertFile {
  file: string;
  expert: Expert;
}

/** The files of a directory that hold experts: `*.md`, not hidden (editors keep their state in those). */
const EXPERT_FILE = /^[^.].*\.md$/;

/**
 * The directory `dir` resolved once through `realpath` (it may itself be a symlink), checked to be a
 * directory: `NotFoundError` when it is missing, `CorruptDataError` when it is something else.
 */
export function resolveDir(provider: string, dir: string): string {
  let real: string;
  try {
    real = io.realpathSync(dir);
    if (io.statSync(real).isDirectory()) return real;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new NotFoundError(`${provider}: the expert directory ${dir} does not exist`, {
        details: { provider, kind: KIND, file: dir },
      });
    }
    throw asStorageFailure(error, { kind: KIND, operation: 'load', file: dir });
  }
  throw new CorruptDataError(`${provider}: ${dir} is not a directory`, {
    details: { provider, kind: KIND, file: dir, reason: 'not a directory' },
  });
}

/**
 * The experts of every `*.md` file directly in `dir` (a resolved directory), sorted by file name.
 * Subdirectories are not read. A symlink or anything but a regular file under an expert file's name is
 * refused (`CorruptDataError`), so nothing is read from outside the directory; two files naming one
 * expert is an `AlreadyExistsError` naming both.
 */
export function readExpertFiles(provider: string, dir: string): ExpertFile[] {
  let entries: import('node:fs').Dirent[];
  try {
    entries = io.readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    throw asStorageFailure(error, { kind: KIND, operation: 'load', file: dir });
  }
  const names = entries
    .filter((entry) => EXPERT_FILE.test(entry.name))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const read: ExpertFile[] = [];
  const byName = new Map<string, string>();
  for (const entry of names) {
    const file = join(dir, entry.name);
    if (entry.isSymbolicLink()) throw refused(provider, file, 'symlink');
    if (!entry.isFile()) throw refused(provider, file, 'not a regular file');
    const expert = expertOfFile(provider, file, textOf(provider, file));
    const other = byName.get(expert.name);
    if (other !== undefined) {
      throw new AlreadyExistsError(
        `${provider}: expert "${expert.name}" is defined by both ${other} and ${file}`,
        {
          details: { provider, kind: KIND, name: expert.name, file, other },
        },
      );
    }
    byName.set(expert.name, file);
    read.push({ file, expert });
  }
  return read;
}

// Opened without following links: a file swapped for a symlink since the listing is refused here
// rather than read from wherever it points.
function textOf(provider: string, file: string): string {
  let fd: number | undefined;
  try {
    fd = io.openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
    if (!io.fstatSync(fd).isFile()) throw refused(provider, file, 'not a regular file');
    const chunks: Buffer[] = [];
    for (;;) {
      const chunk = Buffer.allocUnsafe(64 * 1024);
      const count = io.readSync(fd, chunk);
      if (count === 0) break;
      chunks.push(chunk.subarray(0, count));
    }
    const opened = fd;
    fd = undefined;
    io.closeSync(opened);
    return Buffer.concat(chunks).toString('utf8');
  } catch (error) {
    if (fd !== undefined) closeQuietly(fd);
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw refused(provider, file, 'symlink');
    throw asStorageFailure(error, { kind: KIND, operation: 'load', file });
  }
}

// The failure being reported is the one that matters; a descriptor that also fails to close adds nothing.
function closeQuietly(fd: number): void {
  try {
    io.closeSync(fd);
  } catch {}
}

function refused(provider: string, file: string, reason: string): CorruptDataError {
  return new CorruptDataError(`${provider}: ${file} is refused as an expert file: ${reason}`, {
    details: { provider, kind: KIND, file, line: 1, reason },
  });
}
